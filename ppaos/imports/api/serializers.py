from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from rest_framework import serializers

from .. import selectors, services
from ..importers import importers_for_user
from ..models import ImportJob


class ImportJobSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    progress_percent = serializers.SerializerMethodField()
    error_message = serializers.SerializerMethodField()
    error_groups = serializers.SerializerMethodField()
    error_report_url = serializers.SerializerMethodField()
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "kind",
            "original_filename",
            "file_size",
            "dry_run",
            "status",
            "status_display",
            "rows_total",
            "rows_done",
            "progress_percent",
            "created_count",
            "updated_count",
            "unchanged_count",
            "rejected_count",
            "error_code",
            "error_message",
            "error_groups",
            "error_report_url",
            "file_url",
            "column_mapping",
            "unknown_headers",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_progress_percent(self, job) -> int:
        return selectors.progress_percent(job)

    def get_error_message(self, job) -> str:
        return selectors.job_error_message(job, get_language())

    def get_error_groups(self, job) -> list[dict]:
        return selectors.job_error_groups(job, get_language())

    def get_error_report_url(self, job) -> str | None:
        if not job.error_report:
            return None
        return reverse("imports_api:job_error_report", kwargs={"public_id": job.public_id})

    def get_file_url(self, job) -> str | None:
        if not job.file:
            return None
        return reverse("imports_api:job_uploaded_file", kwargs={"public_id": job.public_id})


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    dry_run = serializers.BooleanField(default=False)
    kind = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="One of the kinds listed by imports/kinds/; the first of them when not given.",
    )

    def validate_kind(self, kind):
        if not kind:
            return None
        user = self.context["request"].user
        if kind not in {importer.kind for importer in importers_for_user(user)}:
            raise serializers.ValidationError(_("This kind of import is not available."))
        return kind

    def validate_file(self, uploaded):
        try:
            services.check_upload(name=uploaded.name, size=uploaded.size)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc
        return uploaded


class ImportFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    label_th = serializers.CharField()
    label_en = serializers.CharField()
    required = serializers.BooleanField()


class ImportKindSerializer(serializers.Serializer):
    """A kind of import the user may run, with the fields its files may have."""

    kind = serializers.CharField()
    label = serializers.CharField()
    fields = ImportFieldSerializer(many=True)
