"""The home page's work cards, which the apps add (the core imports no app).

A provider is `provider(user) -> list[HomeCard]`, registered from an AppConfig.ready() with
`add_home_cards`. Each card's count must come from the same scoped selector as the list its link
opens (filtered the same way), so the number on the home page is the number of rows in the list.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

_HOME_PROVIDERS = []


WORK = "work"  # something waits for the user: "Waiting for you"
FIGURES = "figures"  # figures to read (the executive's headline figures): "Figures"


@dataclass(frozen=True)
class HomeCard:
    key: str  # stable, for tests and data-testid: "surveys_returned"
    label: str
    count: object  # a number; None: a link without one; "<5"/"x": a figure hidden (monitoring)
    url: str
    group: str = ""  # the role's heading the card sits under
    urgent: bool = False  # shown in the warning colour when count > 0
    section: str = WORK  # WORK or FIGURES: the home page's heading over the card
    wide: bool = False  # a long label (a recent import): the card takes the whole row


def add_home_cards(provider) -> None:
    """Add `provider(user) -> list[HomeCard]` to the home page (once per provider)."""
    if provider not in _HOME_PROVIDERS:
        _HOME_PROVIDERS.append(provider)


def url_or_none(name: str, *, query: str = "", args=None) -> str | None:
    """`reverse(name)` (+ "?query") or None when no such URL is installed (an app not built yet)."""
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return f"{url}?{query}" if query else url


def home_cards_for(user) -> list[HomeCard]:
    """Every provider's cards, those of one group together (two apps adding to "Field work"
    give one heading, where the first of them put it)."""
    cards: list[HomeCard] = []
    for provider in _HOME_PROVIDERS:
        cards.extend(provider(user))
    first_seen: dict[str, int] = {}
    for index, card in enumerate(cards):
        first_seen.setdefault(card.group, index)
    return sorted(cards, key=lambda card: first_seen[card.group])


def home_sections_for(user) -> dict[str, list[HomeCard]]:
    """The cards split by heading: work waiting for the user, and figures to read."""
    cards = home_cards_for(user)
    return {
        WORK: [card for card in cards if card.section == WORK],
        FIGURES: [card for card in cards if card.section == FIGURES],
    }


RECENT_IMPORTS = 3


def admin_cards(user) -> list[HomeCard]:
    """The administrator's cards: recent imports and the users (core modules only)."""
    from django.contrib.auth import get_user_model
    from django.utils.translation import gettext as _

    from ppaos.core.display import format_datetime
    from ppaos.imports.selectors import import_jobs_visible_to

    from .policy import Action, role_grants

    cards, recent = [], []
    group = _("Administration")
    if role_grants(user, Action.RUN_IMPORTS):
        url = url_or_none("imports:job_list")
        if url:
            jobs = import_jobs_visible_to(user)
            cards.append(
                HomeCard("imports", _("Imports"), jobs.count(), url, group, section=FIGURES)
            )
            # The latest imports, each a link to its job page (its status, its errors).
            for job in jobs.order_by("-created_at", "-id")[:RECENT_IMPORTS]:
                label = " · ".join(
                    [job.kind_label, job.get_status_display(), format_datetime(job.created_at)]
                )
                recent.append(
                    HomeCard(
                        f"import_{job.public_id}", label, None,
                        url_or_none("imports:job_detail", args=[job.public_id]),
                        _("Recent imports"), section=FIGURES, wide=True,
                    )
                )  # fmt: skip
    if role_grants(user, Action.MANAGE_USERS):
        url = url_or_none("accounts:user_list") or url_or_none("admin:accounts_user_changelist")
        if url:
            users = get_user_model().objects.all()
            cards.append(HomeCard("users", _("Users"), users.count(), url, group, section=FIGURES))
    # Overview, not work waiting: under "Figures", the recent imports after the counts.
    return cards + recent


add_home_cards(admin_cards)
