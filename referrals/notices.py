"""Who is told about a referral, and when the telling stops waiting (ppaos.notifications).

One subject per referral ("referral:<public id>"). A notice asking someone to act (approve,
re-route, accept, act on an overdue referral) stops waiting when the next step is taken; the
proposer's "help was given" waits until the follow-up is recorded; "rejected", "cancelled" and
the agency's progress notes only tell, so reading them is handling them.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ppaos.accounts.models import Role, RoleAssignment
from ppaos.areas.models import ancestor_codes
from ppaos.notifications.services import mark_handled, notify, register_kind

from . import transitions
from .models import ReferralStatus

TO_APPROVE = "referral_to_approve"
DECLINED = "referral_declined"
TO_ACCEPT = "referral_to_accept"
REJECTED = "referral_rejected"
COMPLETED = "referral_completed"
CANCELLED = "referral_cancelled"
OVERDUE = "referral_overdue"
PROGRESS_NOTED = "referral_progress_noted"

KINDS = {
    TO_APPROVE: _("A referral waits for your approval"),
    DECLINED: _("An agency declined a referral: re-route it"),
    TO_ACCEPT: _("A new referral for your agency"),
    REJECTED: _("Your referral was rejected"),
    COMPLETED: _("Help was given: confirm at the next survey"),
    CANCELLED: _("A referral was cancelled"),
    OVERDUE: _("A referral is overdue: act on it or say why"),
    PROGRESS_NOTED: _("The agency wrote how the help is going"),
}
HANDLED_WHEN_READ = {REJECTED, CANCELLED, PROGRESS_NOTED}
# Answered by the next step on the referral, whoever takes it.
ASKING_TO_ACT = [TO_APPROVE, DECLINED, TO_ACCEPT, OVERDUE]


def register_kinds() -> None:
    for kind, label in KINDS.items():
        register_kind(kind, label, handled_when_read=kind in HANDLED_WHEN_READ)


def subject_of(referral) -> str:
    return f"referral:{referral.public_id}"


def detail_url(referral) -> str:
    return reverse("referrals:referral_detail", args=[referral.public_id])


def agency_url(referral) -> str:
    return reverse("referrals:agency_referral", args=[referral.public_id])


def officer_ids(referral) -> list[int]:
    return list(
        RoleAssignment.objects.filter(
            role=Role.PROVINCIAL_OFFICER, area_id__in=ancestor_codes(referral.area_id)
        ).values_list("user_id", flat=True)
    )


def agency_staff_ids(agency_id: int) -> list[int]:
    return list(
        RoleAssignment.objects.filter(role=Role.AGENCY_STAFF, agency_id=agency_id).values_list(
            "user_id", flat=True
        )
    )


def referral_acted_on(referral) -> None:
    """A step was taken on the referral: what asked someone to act stops waiting."""
    mark_handled(subject_of(referral), kinds=ASKING_TO_ACT)


def followed_up(referral) -> None:
    """The facilitator confirmed with the household: "help was given" is handled."""
    mark_handled(subject_of(referral), kinds=[COMPLETED])


def progress_noted(referral) -> None:
    """The agency added a progress note: the facilitator who proposed the referral is told (the
    notice says only that there is news; the note is read on the referral's page)."""
    notify(
        [referral.proposed_by_id],
        kind=PROGRESS_NOTED,
        subject=subject_of(referral),
        url=detail_url(referral),
    )


def step_taken(referral, previous: str, actor) -> None:
    """Close what the step answered, and tell whoever must act next."""
    referral_acted_on(referral)
    subject = subject_of(referral)
    status = referral.status

    def send(kind, recipients, url):
        notify(recipients, kind=kind, subject=subject, url=url)

    if status == ReferralStatus.SUBMITTED:
        send(TO_APPROVE, officer_ids(referral), detail_url(referral))
    elif status == ReferralStatus.APPROVED:
        send(TO_ACCEPT, agency_staff_ids(referral.agency_id), agency_url(referral))
    elif status == ReferralStatus.DECLINED:
        send(DECLINED, officer_ids(referral), detail_url(referral))
    elif status == ReferralStatus.REJECTED:
        send(REJECTED, [referral.proposed_by_id], detail_url(referral))
    elif status == ReferralStatus.COMPLETED:
        send(COMPLETED, [referral.proposed_by_id], detail_url(referral))
    elif status == ReferralStatus.CANCELLED:
        if actor.pk != referral.proposed_by_id:
            send(CANCELLED, [referral.proposed_by_id], detail_url(referral))
        if previous in transitions.AGENCY_VISIBLE_STATES:
            staff = [uid for uid in agency_staff_ids(referral.agency_id) if uid != actor.pk]
            send(CANCELLED, staff, reverse("referrals:agency_inbox"))
