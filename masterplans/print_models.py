"""The printed plan's PDF (แผนแม่บทชุมชนฉบับพิมพ์): made in the background, stored under a random
name, downloaded only through the access policy (ppaos/core/stored_files.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ppaos.core.models import PublicIdModel
from ppaos.core.stored_files import RandomStoredName


class PdfStatus(models.TextChoices):
    # pgettext_lazy by its own name: makemessages does not know an alias such as _p.
    PENDING = "pending", pgettext_lazy("printed plan", "Waiting for its turn")
    RUNNING = "running", pgettext_lazy("printed plan", "Being made")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class PlanPdf(PublicIdModel):
    """One generated PDF of a plan, for one kind of reader: `exact_counts` when it was made for
    the village's own workers (small groups shown as they are), else small groups read "<5".
    `fingerprint` names the plan content it was made from; a PDF of an endorsed plan with the
    same fingerprint is handed out again instead of made anew."""

    plan = models.ForeignKey(
        "masterplans.MasterPlan", on_delete=models.CASCADE, related_name="pdfs"
    )
    exact_counts = models.BooleanField(default=False)
    plan_endorsed = models.BooleanField(default=False)
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(max_length=8, choices=PdfStatus.choices, default=PdfStatus.PENDING)
    file = models.FileField(
        upload_to=RandomStoredName("masterplans/pdf/%Y/%m"), blank=True, max_length=200
    )
    size_bytes = models.PositiveIntegerField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    # How many times a worker took it up (print_pdf.build_plan_pdf): it fails after MAX_ATTEMPTS.
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan_id", "-created_at", "-id"]
        indexes = [models.Index(fields=["plan", "exact_counts", "status"], name="plan_pdf_idx")]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.status}"

    @property
    def policy_area_code(self) -> str:
        return self.plan.area_id

    @property
    def in_progress(self) -> bool:
        return self.status in (PdfStatus.PENDING, PdfStatus.RUNNING)
