"""The masterplans app's cards on the home page (ppaos.accounts.home).

The count is taken from the selector of the list the card opens, filtered as the link filters.
"""

from django.utils.translation import gettext as _

from ppaos.accounts.home import HomeCard, url_or_none
from ppaos.accounts.policy import Action, role_grants

from . import selectors


def endorsement_cards(user) -> list[HomeCard]:
    """Plans waiting for the village forum's endorsement (area managers, provincial officers)."""
    if not role_grants(user, Action.ENDORSE_MASTER_PLAN):
        return []
    count = selectors.plan_list_for(user, status="to_endorse").count()
    url = url_or_none("masterplans:plan_list", query="status=to_endorse")
    return [
        HomeCard("plans_to_endorse", _("Master plans to endorse"), count, url, _("Master plans"))
    ]
