"""Notices: messages to the person who must act, kept "waiting" until the work is handled.

The core knows no domain: an app names its kinds (`services.register_kind`) and its subjects
("survey:<public id>", "referral:<public id>"). A notice leaves "waiting" when the app marks the
subject handled (the survey resubmitted, the referral acted on), not when it is read.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ppaos.core.models import TimeStampedModel


class Notice(TimeStampedModel):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=40)
    # What the notice is about, e.g. "survey:<public id>": handling it closes the notice.
    subject = models.CharField(_("subject"), max_length=80)
    url = models.CharField(_("link"), max_length=300)
    # The day it was sent: a daily reminder is sent once a day (the unique constraint).
    day = models.DateField(_("day"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "subject", "day"], name="notice_once_a_day"
            )
        ]
        indexes = [
            models.Index(
                fields=["recipient"],
                condition=Q(handled_at__isnull=True),
                name="notice_waiting_idx",
            ),
            models.Index(fields=["subject"], name="notice_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"
