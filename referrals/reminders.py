"""The daily reminder about overdue referrals (ppaos.notifications); it stops waiting when the
referral is acted on (notices.referral_acted_on)."""

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from ppaos.accounts.models import Role, RoleAssignment
from ppaos.notifications.services import notify

from .models import Referral, ReferralStatus, ReferralTransition
from .notices import OVERDUE as REFERRAL_OVERDUE
from .notices import subject_of
from .selectors import overdue_q


def send_overdue_reminders(today=None) -> int:
    """One reminder a day per overdue referral to its agency's staff (the inbox link) and to the
    officer who approved or re-routed it (the referral's page). Running twice a day sends none
    the second time (`notify` is once a day per recipient and subject)."""
    today = today or timezone.localdate()
    approver = (
        ReferralTransition.objects.filter(
            referral=OuterRef("pk"), to_status=ReferralStatus.APPROVED
        )
        .order_by("-created_at", "-id")
        .values("actor_id")[:1]
    )
    overdue = (
        Referral.objects.filter(overdue_q(today))
        .annotate(approver_id=Subquery(approver))
        .only("id", "public_id", "agency_id")
    )
    staff_by_agency: dict[int, list[int]] = {}
    for agency_id, user_id in RoleAssignment.objects.filter(
        role=Role.AGENCY_STAFF, agency_id__in=overdue.values("agency_id")
    ).values_list("agency_id", "user_id"):
        staff_by_agency.setdefault(agency_id, []).append(user_id)
    sent = 0
    for referral in overdue.iterator():
        subject = subject_of(referral)
        sent += notify(
            staff_by_agency.get(referral.agency_id, []),
            kind=REFERRAL_OVERDUE,
            subject=subject,
            url=reverse("referrals:agency_referral", args=[referral.public_id]),
            day=today,
            daily=True,
        )
        if referral.approver_id:
            sent += notify(
                [referral.approver_id],
                kind=REFERRAL_OVERDUE,
                subject=subject,
                url=reverse("referrals:referral_detail", args=[referral.public_id]),
                day=today,
                daily=True,
            )
    return sent
