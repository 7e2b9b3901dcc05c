"""PDPA duties: data-subject requests (s.30–36) and the breach register (s.37)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ppaos.areas.models import Area
from ppaos.core.models import PublicIdModel
from ppaos.core.stored_files import RandomStoredName

from . import rules


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Access and a copy (s.30)")
    CORRECTION = "correction", _("Correction (s.35–36)")
    OBJECTION = "objection", _("Objection (s.32)")
    WITHDRAW_CONSENT = "withdraw_consent", _("Withdrawal of consent (s.19)")
    ERASURE = "erasure", _("Erasure (s.33)")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")  # logged, the 30-day clock runs
    COMPLETED = "completed", _("Completed")  # answered: export given, consent withdrawn, erased…
    REFUSED = "refused", _("Refused")  # refused with the legal reason (kept for the s.39 record)


class IdentityMethod(models.TextChoices):
    ID_CARD_SEEN = "id_card_seen", _("National ID card seen in person")
    ID_CARD_COPY_AND_CALL = "id_card_copy_and_call", _("Copy of the ID card and a call back")
    KNOWN_BY_FACILITATOR = "known_by_facilitator", _("Confirmed by the village facilitator")


class ExportStatus(models.TextChoices):
    NONE = "", _("Not requested")
    PENDING = "pending", _("Being generated")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Deleted after the retention period")


class DataSubjectRequest(PublicIdModel):
    person = models.ForeignKey(
        "households.Person", on_delete=models.PROTECT, related_name="data_requests"
    )
    # The area of the person's household when logged: the request's scope.
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("request"), max_length=20, choices=RequestKind.choices)
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("answer due by"))
    identity_method = models.CharField(
        _("identity checked by"), max_length=24, choices=IdentityMethod.choices
    )
    identity_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    details = models.TextField(_("what the person asks"), blank=True)
    # Correction: {"field": new value} of the person's record.
    requested_change = models.JSONField(_("requested change"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    outcome = models.TextField(_("outcome"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    export_status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.NONE, blank=True
    )
    export_file = models.FileField(
        upload_to=RandomStoredName("privacy/exports/%Y/%m"), blank=True, max_length=200
    )

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["area", "status"], name="dsr_area_status_idx")]
        constraints = [
            models.CheckConstraint(
                name="dsr_due_after_received",
                condition=models.Q(due_on__gte=models.F("received_on")),
            )
        ]

    def __str__(self) -> str:
        return f"data request {self.public_id}"

    @property
    def audit_label(self) -> str:
        return f"data request {self.public_id} ({self.kind})"

    @property
    def is_overdue(self) -> bool:
        return rules.request_is_overdue(
            self.due_on, timezone.localdate(), open_=self.status == RequestStatus.OPEN
        )


class BreachStatus(models.TextChoices):
    SUSPECTED = rules.SUSPECTED, _("Suspected")  # recorded, not yet assessed
    ASSESSED = rules.ASSESSED, _("Assessed")  # risk to persons assessed
    NOTIFIED = rules.NOTIFIED, _("Notified to the PDPC Office")
    NOT_NOTIFIABLE = rules.NOT_NOTIFIABLE, _("Not notifiable (no risk to persons)")
    CLOSED = rules.CLOSED, _("Closed")


class BreachReport(PublicIdModel):
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    what_happened = models.TextField(_("what happened"))
    found_at = models.DateTimeField(_("found at"))
    # Whose reads may have leaked: a user and a window, to list the persons affected.
    suspect_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    window_start = models.DateTimeField(null=True, blank=True)
    window_end = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=BreachStatus.choices, default=BreachStatus.SUSPECTED
    )
    notified_at = models.DateTimeField(null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-found_at", "id"]

    def __str__(self) -> str:
        return f"breach {self.public_id}"

    @property
    def audit_label(self) -> str:
        return str(self)

    @property
    def notice_deadline(self):
        return rules.breach_notice_deadline(self.found_at)

    @property
    def notice_overdue(self) -> bool:
        return self.status in (BreachStatus.SUSPECTED, BreachStatus.ASSESSED) and (
            timezone.now() > self.notice_deadline
        )


class BreachStep(models.Model):
    """One move of a breach report through its states, with what was done."""

    report = models.ForeignKey(BreachReport, on_delete=models.CASCADE, related_name="steps")
    from_status = models.CharField(max_length=16, choices=BreachStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=BreachStatus.choices)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"
