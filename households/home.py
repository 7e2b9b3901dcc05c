"""The households app's cards on the home page (ppaos.accounts.home); the executive's figures are
monitoring's (monitoring/home.py).

Every count is taken from the selector of the list the card opens, filtered as the link filters.
"""

from django.utils.translation import gettext as _

from ppaos.accounts.home import HomeCard, url_or_none
from ppaos.accounts.policy import Action, role_grants

from . import selectors
from .surveys.selectors import review_queue_for, surveys_to_finish_counts


def field_work_cards(user) -> list[HomeCard]:
    """The facilitator's leads to review and surveys to finish (returned first)."""
    cards = []
    group = _("Field work")
    if role_grants(user, Action.REVIEW_REGISTRANT):
        count = selectors.registrant_worklist(user).count()
        url = url_or_none("households:worklist")
        cards.append(HomeCard("leads", _("Registry leads to review"), count, url, group))
    if role_grants(user, Action.ENTER_SURVEY):
        counts = surveys_to_finish_counts(user)
        url = url_or_none("households:survey_list", query="status=returned")
        cards.append(
            HomeCard(
                "surveys_returned", _("Surveys returned to correct"), counts["returned"], url,
                group, urgent=True,
            )
        )  # fmt: skip
        url = url_or_none("households:survey_list", query="status=draft")
        cards.append(HomeCard("surveys_draft", _("Survey drafts"), counts["draft"], url, group))
    return cards


def checking_cards(user) -> list[HomeCard]:
    """The area manager's surveys to verify, duplicates and transfer requests to decide."""
    cards = []
    group = _("Checking")
    if role_grants(user, Action.VERIFY_SURVEY):
        count = review_queue_for(user).count()
        url = url_or_none("households:review_queue")
        cards.append(HomeCard("surveys_to_verify", _("Surveys to verify"), count, url, group))
    if role_grants(user, Action.REVIEW_DUPLICATES):
        count = selectors.duplicates_visible_to(user).count()
        url = url_or_none("households:duplicate_queue")
        cards.append(HomeCard("duplicates", _("Possible duplicates to review"), count, url, group))
    if role_grants(user, Action.DECIDE_PERSON_TRANSFER):
        count = selectors.transfer_requests_visible_to(user).count()
        url = url_or_none("households:transfer_queue")
        cards.append(HomeCard("transfers", _("Transfer requests to decide"), count, url, group))
    return cards
