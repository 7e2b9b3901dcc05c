"""The households app's cards on the home page (ppaos.accounts.home).

Every count is taken from the selector of the list the card opens, filtered as the link filters.
"""

from django.db.models import Count, Max
from django.utils.translation import gettext as _

from ppaos.accounts.home import HomeCard, url_or_none
from ppaos.accounts.models import Role
from ppaos.accounts.policy import Action, role_grants, roles_of, scope_queryset

from . import selectors
from .surveys.models import ClassificationResult, Level
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


def headline_figures(user) -> dict:
    """Households classified in the latest round in the user's area, by level: counts only."""
    results = scope_queryset(user, ClassificationResult.objects.all(), Action.VIEW_DASHBOARD)
    latest = results.aggregate(year=Max("fiscal_year"))["year"]
    if latest is None:
        return {"fiscal_year": None, "total": 0, "by_level": {}}
    rows = results.filter(fiscal_year=latest).order_by()
    # A household's latest result in the round (a re-survey in the same round replaces it).
    last_ids = rows.values("household_id").annotate(last=Max("id")).values("last")
    by_level = dict(
        results.filter(id__in=last_ids).order_by().values_list("level").annotate(n=Count("id"))
    )
    by_level = {level: by_level.get(level, 0) for level in Level.values}
    return {"fiscal_year": latest, "total": sum(by_level.values()), "by_level": by_level}


def executive_cards(user) -> list[HomeCard]:
    if Role.EXECUTIVE not in roles_of(user):
        return []
    figures = headline_figures(user)
    url = url_or_none("monitoring:dashboard") or ""
    if figures["fiscal_year"] is None:
        group = _("Households surveyed")
    else:
        group = _("Households surveyed in round %(year)s") % {"year": figures["fiscal_year"]}
    cards = [
        HomeCard("households_surveyed", _("Households classified"), figures["total"], url, group)
    ]
    for level, label in Level.choices:
        cards.append(
            HomeCard(f"level_{level}", str(label), figures["by_level"].get(level, 0), url, group)
        )
    return cards
