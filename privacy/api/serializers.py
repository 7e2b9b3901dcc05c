"""Serializers of the privacy API: shapes only, no rules (those are in privacy/services.py).
No national ID and no name leaves here: a request names its person by public id."""

from django.urls import reverse
from rest_framework import serializers

from households.services import CORRECTABLE_PERSON_FIELDS

from ..models import (
    BreachReport,
    BreachStatus,
    BreachStep,
    DataSubjectRequest,
    IdentityMethod,
    RequestKind,
)


class DataRequestSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    person = serializers.UUIDField(source="person.public_id", read_only=True)
    area = serializers.CharField(source="area_id", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    export_url = serializers.SerializerMethodField()

    class Meta:
        model = DataSubjectRequest
        fields = [
            "id",
            "person",
            "area",
            "kind",
            "received_on",
            "due_on",
            "is_overdue",
            "identity_method",
            "details",
            "status",
            "outcome",
            "decided_at",
            "export_status",
            "export_url",
        ]
        read_only_fields = fields

    def get_export_url(self, obj) -> str | None:
        if not obj.export_file:
            return None
        return reverse("privacy:request_export", kwargs={"public_id": obj.public_id})


class LogDataRequestSerializer(serializers.Serializer):
    national_id = serializers.CharField(max_length=20, write_only=True)
    kind = serializers.ChoiceField(choices=RequestKind.choices)
    received_on = serializers.DateField()
    identity_method = serializers.ChoiceField(choices=IdentityMethod.choices)
    details = serializers.CharField(required=False, allow_blank=True, default="")


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField(required=False, allow_blank=True, default="")


class CorrectionSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=CORRECTABLE_PERSON_FIELDS)
    value = serializers.CharField(max_length=200)
    outcome = serializers.CharField(required=False, allow_blank=True, default="")


class BreachStepSerializer(serializers.ModelSerializer):
    # The first step has no status before it ("").
    from_status = serializers.ChoiceField(
        choices=BreachStatus.choices, allow_blank=True, read_only=True
    )
    actor = serializers.CharField(source="actor.username", read_only=True)

    class Meta:
        model = BreachStep
        fields = ["from_status", "to_status", "note", "actor", "at"]
        read_only_fields = fields


class BreachSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    area = serializers.CharField(source="area_id", read_only=True)
    suspect_user = serializers.CharField(
        source="suspect_user.username", read_only=True, default=None, allow_null=True
    )
    notice_deadline = serializers.DateTimeField(read_only=True)
    notice_overdue = serializers.BooleanField(read_only=True)
    steps = BreachStepSerializer(many=True, read_only=True)

    class Meta:
        model = BreachReport
        fields = [
            "id",
            "area",
            "what_happened",
            "found_at",
            "suspect_user",
            "window_start",
            "window_end",
            "status",
            "notified_at",
            "notice_deadline",
            "notice_overdue",
            "steps",
        ]
        read_only_fields = fields


class RecordBreachSerializer(serializers.Serializer):
    what_happened = serializers.CharField()
    found_at = serializers.DateTimeField()
    suspect_username = serializers.CharField(required=False, allow_blank=True, default="")
    window_start = serializers.DateTimeField(required=False, allow_null=True, default=None)
    window_end = serializers.DateTimeField(required=False, allow_null=True, default=None)


class MoveBreachSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=BreachStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
