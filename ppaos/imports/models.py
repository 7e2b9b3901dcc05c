"""The import-job framework (DESIGN.md §3): upload → Celery task → progress → result and errors.

A job's state lives here, in PostgreSQL, not only in Celery, so a restart loses nothing and the
history page shows every past job.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ppaos.core.models import PublicIdModel, TimeStampedModel
from ppaos.core.stored_files import RandomStoredName


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")  # uploaded; waiting for a worker
    VALIDATING = "validating", _("Validating")  # reading and checking rows
    IMPORTING = "importing", _("Importing")  # writing valid rows
    SUCCEEDED = "succeeded", _("Succeeded")  # every row written
    PARTLY_SUCCEEDED = "partly_succeeded", _("Partly succeeded")  # some rows rejected
    FAILED = "failed", _("Failed")  # nothing written (unreadable file, missing columns, crash)


class ImportJob(PublicIdModel):
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who")
    )
    # The registered importer that runs the job (importers.py); apps declare the kinds.
    kind = models.CharField(_("kind"), max_length=32)
    # Stored as imports/<year>/<month>/<uuid>.<ext>; the uploader's name is only displayed.
    file = models.FileField(_("file"), upload_to=RandomStoredName("imports/%Y/%m/"))
    original_filename = models.CharField(_("file name"), max_length=255)
    file_size = models.BigIntegerField(_("file size"), default=0)
    dry_run = models.BooleanField(_("validate only"), default=False)
    column_mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    rows_total = models.IntegerField(_("rows"), default=0)
    rows_done = models.IntegerField(_("rows done"), default=0)
    created_count = models.IntegerField(_("created"), default=0)
    updated_count = models.IntegerField(_("updated"), default=0)
    unchanged_count = models.IntegerField(_("unchanged"), default=0)
    rejected_count = models.IntegerField(_("rejected"), default=0)
    # An importer that commits chunk by chunk (Importer.commit_chunks): the last row of the file
    # whose chunk is written; a run of the job again after its worker died resumes after it.
    written_through_row = models.IntegerField(_("written through row"), default=0)
    # A failure of the whole file: a readers.FILE_MESSAGES code with its Thai and English text.
    error_code = models.CharField(_("error code"), max_length=32, blank=True)
    error_message = models.TextField(_("error"), blank=True)
    error_message_th = models.TextField(_("error (Thai)"), blank=True)
    # The header row as found in the file and its layout key (see ColumnMapping).
    headers = models.JSONField(_("headers"), default=list, blank=True)
    layout_key = models.CharField(_("layout"), max_length=40, blank=True)
    unknown_headers = models.JSONField(_("unknown headers"), default=list, blank=True)
    error_summary = models.JSONField(_("errors by type"), default=list, blank=True)
    error_report = models.FileField(
        _("error report"), upload_to=RandomStoredName("imports/errors/"), blank=True
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        constraints = [
            models.CheckConstraint(
                name="import_job_counts_not_negative",
                condition=Q(rows_total__gte=0)
                & Q(rows_done__gte=0)
                & Q(created_count__gte=0)
                & Q(updated_count__gte=0)
                & Q(unchanged_count__gte=0)
                & Q(rejected_count__gte=0),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind_label} · {self.original_filename}"

    @property
    def kind_label(self) -> str:
        from .importers import kind_label

        return kind_label(self.kind)

    @property
    def audit_label(self) -> str:
        # Not the file name: an uploader may name a file after a person.
        return f"import job {self.public_id}"


class ColumnMapping(TimeStampedModel):
    """How the columns of one source layout (its header row) map to fields, set by an admin when
    a header is unknown and reused for every later file with the same layout. The mapping wins
    over the importer's synonyms table."""

    kind = models.CharField(_("kind"), max_length=32)
    layout_key = models.CharField(_("layout"), max_length=40)
    headers = models.JSONField(_("headers"), default=list)
    # header text → field name; "" means "ignore this column".
    mapping = models.JSONField(_("column mapping"), default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        constraints = [
            models.UniqueConstraint(fields=["kind", "layout_key"], name="column_mapping_per_layout")
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.layout_key[:8]}"
