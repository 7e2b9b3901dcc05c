"""The referrals app's cards on the home page (ppaos.accounts.home).

Every count is taken from the selector of the list the card opens, filtered as the link filters.
"""

from django.utils.translation import gettext as _

from ppaos.accounts.home import HomeCard, url_or_none
from ppaos.accounts.policy import Action, agency_ids_for, role_grants

from . import selectors
from .models import Agency, ReferralStatus


def facilitator_cards(user) -> list[HomeCard]:
    if not role_grants(user, Action.PROPOSE_REFERRAL):
        return []
    group = _("Field work")
    drafts = selectors.referral_work_list(user, "drafts").count()
    count = selectors.referral_work_list(user, "follow_up").count()
    return [
        HomeCard("referrals_drafts", _("Referral drafts to send"), drafts,
                 url_or_none("referrals:draft_list"), group),
        HomeCard("referrals_follow_up", _("Referrals to follow up"), count,
                 url_or_none("referrals:follow_up_list"), group),
    ]  # fmt: skip


def officer_cards(user) -> list[HomeCard]:
    if not role_grants(user, Action.APPROVE_REFERRAL):
        return []
    group = _("Referrals")
    counts = selectors.officer_queue_counts(user)
    queue = "referrals:officer_queue"
    overdue = selectors.referral_work_list(user, "overdue").count()
    cards = [
        HomeCard("referrals_to_approve", _("Referrals to approve"), counts["submitted"],
                 url_or_none(queue, query="status=submitted"), group),
        HomeCard("referrals_declined", _("Declined: re-route"), counts["declined"],
                 url_or_none(queue, query="status=declined"), group, urgent=True),
        HomeCard("referrals_overdue", _("Overdue referrals"), overdue,
                 url_or_none("referrals:overdue_list"), group, urgent=True),
    ]  # fmt: skip
    # Plans to endorse: the masterplans app adds its own card through the same hook when built.
    return cards


def agency_cards(user) -> list[HomeCard]:
    agency_ids = agency_ids_for(user)
    if not agency_ids:
        return []
    names = Agency.objects.filter(pk__in=agency_ids).values_list("name_th", flat=True)
    group = " · ".join(names)
    counts = selectors.agency_inbox_counts(user)
    inbox = "referrals:agency_inbox"
    tabs = [
        ("agency_new", _("New referrals"), ReferralStatus.APPROVED, False),
        ("agency_accepted", _("Accepted"), ReferralStatus.ACCEPTED, False),
        ("agency_in_progress", _("In progress"), ReferralStatus.IN_PROGRESS, False),
        ("agency_overdue", _("Overdue"), "overdue", True),
    ]
    return [
        HomeCard(key, label, counts[status], url_or_none(inbox, query=f"status={status}"), group,
                 urgent=urgent)
        for key, label, status, urgent in tabs
    ]  # fmt: skip
