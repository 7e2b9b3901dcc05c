"""The executive's home page (ppaos.accounts.home): the dashboard's headline figures and the way
to the dashboard. The figures are the dashboard's own (`selectors.dashboard`, from the roll-ups),
so small counts are hidden by the same rule (monitoring.suppression) as on the dashboard."""

from django.utils.translation import gettext as _

from ppaos.accounts.home import FIGURES, HomeCard, url_or_none
from ppaos.accounts.models import Role
from ppaos.accounts.policy import roles_of

from . import selectors


def executive_cards(user) -> list[HomeCard]:
    if Role.EXECUTIVE not in roles_of(user):
        return []
    area = selectors.dashboard_area(user, None)
    url = url_or_none("monitoring:dashboard") or ""
    link = HomeCard("dashboard", _("Open the dashboard"), None, url, section=FIGURES, wide=True)
    if area is None:
        return [link]
    board = selectors.dashboard(user, area, None)
    if board.fiscal_year is None:
        group = _("%(area)s: no verified round yet") % {"area": area.name_th}
        return [HomeCard("households_surveyed", _("Households surveyed"), 0, url, group,
                         section=FIGURES), link]  # fmt: skip
    group = _("%(area)s, round %(year)s") % {"area": area.name_th, "year": board.fiscal_year}
    as_of = selectors.data_as_of()
    if as_of:
        group = f"{group} · {_('Data as of %(data_as_of)s') % {'data_as_of': as_of}}"
    keys = {"hh": "households_surveyed", "hardship": "in_hardship", "target": "target_poor",
            "overdue": "referrals_overdue_all", "help": "help_delivered"}  # fmt: skip
    cards = [
        HomeCard(keys.get(h.key, h.key), str(h.label), h.value, url, group, section=FIGURES)
        for h in board.headlines
    ]
    return cards + [link]
