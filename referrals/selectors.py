"""Every read about referrals. Each starts from a scoped queryset: a user with no assignment sees
nothing. Agency staff are scoped by agency and read through `referrals_for_agency` only, which
carries the few fields an agency needs (PDPA data minimisation)."""

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from households.models import Household, Level, Relation
from households.selectors import current_memberships, latest_classifications
from ppaos.accounts.policy import (
    Action,
    agency_ids_for,
    can,
    has_any_assignment,
    scope_q,
    scope_queryset,
)
from ppaos.areas.models import ancestor_codes

from . import routing, transitions
from .models import Agency, Referral, ReferralFollowUp, ReferralStatus, Service

# The only columns an agency's pages and API read (name, contact, address, the need).
AGENCY_FIELDS = (
    "id",
    "public_id",
    "status",
    "need",
    "urgency",
    "contact_phone",
    "due_on",
    "outcome",
    "help_value",
    "completed_at",
    "created_at",
    "updated_at",
    "agency_id",
    "service_id",
    "service__name_th",
    "service__name_en",
    "household_id",
    "household__house_number",
    "household__area_id",
    "area_id",
    "area__name_th",
    "area__parent__name_th",
    "area__parent__parent__name_th",
    "person_id",
    "person__title",
    "person__first_name",
    "person__last_name",
)


def parties_of(user, referral: Referral) -> set[str]:
    """How the user stands to this referral (`transitions.Party`), from the access policy."""
    parties = set()
    if can(user, Action.PROPOSE_REFERRAL, area_code=referral.area_id):
        parties.add(transitions.Party.PROPOSER)
    if can(user, Action.APPROVE_REFERRAL, area_code=referral.area_id):
        parties.add(transitions.Party.OFFICER)
    if referral.agency_id in agency_ids_for(user):
        parties.add(transitions.Party.AGENCY)
    return parties


def transitions_for(user, referral: Referral) -> list[transitions.Transition]:
    return transitions.transitions_open_to(referral.status, parties_of(user, referral))


def referrals_visible_to(user):
    """Referrals in the areas where the user proposes or approves them (full record)."""
    condition = scope_q(user, Action.PROPOSE_REFERRAL, area_field="area__code") | scope_q(
        user, Action.APPROVE_REFERRAL, area_field="area__code"
    )
    return Referral.objects.filter(condition).select_related(
        "service", "agency", "area", "household", "person", "proposed_by"
    )


def referrals_for_agency(user):
    """The referrals sent to the user's agency, with only the fields the agency needs."""
    agency_ids = agency_ids_for(user)
    if not agency_ids:
        return Referral.objects.none()
    return (
        Referral.objects.filter(
            agency_id__in=agency_ids, status__in=transitions.AGENCY_VISIBLE_STATES
        )
        .select_related("service", "area__parent__parent", "household", "person")
        .only(*AGENCY_FIELDS)
        .order_by("due_on", "created_at", "id")
    )


def head_names_for(households) -> dict[int, str]:
    """Current head's name per household id, in one query (the contact when no person is named)."""
    heads = (
        current_memberships()
        .filter(household__in=households, relation=Relation.HEAD)
        .select_related("person")
    )
    return {m.household_id: str(m.person) for m in heads.only(
        "household_id", "person__title", "person__first_name", "person__last_name"
    )}  # fmt: skip


def with_contact_names(referrals) -> list[Referral]:
    """`referrals` as a list, each with `contact_name`: the person helped, or the head."""
    referrals = list(referrals)
    heads = head_names_for({r.household_id for r in referrals if r.person_id is None})
    for referral in referrals:
        if referral.person_id is not None:
            referral.contact_name = str(referral.person)
        else:
            referral.contact_name = heads.get(referral.household_id, "")
    return referrals


def officer_queue(user, *, status: str = ReferralStatus.SUBMITTED):
    """Referrals waiting for a provincial officer: submitted, or declined and to re-route."""
    queryset = scope_queryset(
        user, Referral.objects.all(), Action.APPROVE_REFERRAL, area_field="area__code"
    )
    return queryset.filter(status=status).select_related(
        "service", "agency", "area", "area__parent", "household"
    ).annotate(
        household_level=Subquery(
            latest_classifications().filter(household=OuterRef("household_id")).values("level")[:1]
        )
    ).order_by("submitted_at", "id")  # fmt: skip


def officer_queue_counts(user) -> dict[str, int]:
    queryset = scope_queryset(
        user, Referral.objects.all(), Action.APPROVE_REFERRAL, area_field="area__code"
    )
    rows = queryset.filter(status__in=[ReferralStatus.SUBMITTED, ReferralStatus.DECLINED])
    counts = dict(rows.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {s: counts.get(s, 0) for s in (ReferralStatus.SUBMITTED, ReferralStatus.DECLINED)}


def households_for_referrals(user):
    """Households whose referrals the user may see (propose or approve)."""
    condition = scope_q(user, Action.PROPOSE_REFERRAL, area_field="area__code") | scope_q(
        user, Action.APPROVE_REFERRAL, area_field="area__code"
    )
    return Household.objects.filter(condition).select_related("area", "area__parent")


def referrals_of_household(household) -> list:
    """The household's referrals, each with its `timeline` (as `referral_timeline`)."""
    referrals = list(
        Referral.objects.filter(household=household)
        .select_related("service", "agency", "person", "follow_up")
        .prefetch_related(
            Prefetch("history", queryset=_history().order_by("created_at", "id")),
            Prefetch("progress_notes", queryset=_progress_notes()),
        )
    )
    for referral in referrals:
        referral.timeline = _in_time_order(referral.history.all(), referral.progress_notes.all())
    return referrals


def _progress_notes():
    from .models import ReferralProgressNote

    return ReferralProgressNote.objects.select_related("author").order_by("created_at", "id")


def _history():
    from .models import ReferralTransition

    return ReferralTransition.objects.select_related("actor", "agency")


def referral_history(referral):
    return _history().filter(referral=referral).order_by("created_at", "id")


def progress_notes_of(referral):
    return _progress_notes().filter(referral=referral)


def referral_timeline(referral) -> list:
    """The referral's history: its state changes and the agency's progress notes, in time order
    (each row has `is_note`). For whoever may see the referral."""
    return _in_time_order(referral_history(referral), progress_notes_of(referral))


def _in_time_order(steps, notes) -> list:
    steps, notes = list(steps), list(notes)
    for row in steps:
        row.is_note = False
    for row in notes:
        row.is_note = True
    return sorted(steps + notes, key=lambda row: (row.created_at, row.is_note, row.pk))


def referrals_awaiting_follow_up(household):
    """Completed referrals of the household whose help the facilitator has not yet confirmed:
    the next survey asks about each (`referrals/_follow_up.html`)."""
    return (
        Referral.objects.filter(household=household, status=ReferralStatus.COMPLETED)
        .filter(~Exists(ReferralFollowUp.objects.filter(referral=OuterRef("pk"))))
        .select_related("service", "agency", "person")
        .order_by("completed_at", "id")
    )


# Catalogue ------------------------------------------------------------------------------------


def agencies():
    return Agency.objects.filter(is_active=True).prefetch_related("areas_served")


def services():
    return Service.objects.filter(is_active=True, agency__is_active=True).select_related("agency")


def agencies_for(user):
    """The catalogue's agencies as `user` reads them: none without a role assignment (deny by
    default); any role may read the catalogue."""
    return agencies() if has_any_assignment(user) else Agency.objects.none()


def services_for(user):
    """The catalogue's services as `user` reads them: none without a role assignment."""
    return services() if has_any_assignment(user) else Service.objects.none()


def services_serving(area_code: str):
    """Active services whose agency serves an area containing `area_code`."""
    return services().filter(agency__areas_served__code__in=ancestor_codes(area_code)).distinct()


def agency_serves(agency: Agency, area_code: str) -> bool:
    return agency.areas_served.filter(code__in=ancestor_codes(area_code)).exists()


def routing_rules() -> dict:
    """The routing in force: the `REFERRAL_ROUTING` setting when a province sets one."""
    return getattr(settings, "REFERRAL_ROUTING", None) or routing.DEFAULT_ROUTING


_CAPITALS = ("human", "physical", "financial", "natural", "social")


def household_standing(household) -> routing.Standing | None:
    """The household's level and capital scores from its latest classification, if it has one.

    Results come from verified surveys (`households.models.ClassificationResult`); a household
    never classified has no standing, and so gets no suggestion.
    """
    from households.selectors import latest_classification_of

    latest = latest_classification_of(household)
    if latest is None or latest.level not in routing_rules()["levels"]:
        return None
    scores = {
        capital: float(score)
        for capital in _CAPITALS
        if (score := getattr(latest, f"score_{capital}", None)) is not None
    }
    return routing.Standing(level=latest.level, capital_scores=scores)


def level_label(level: str) -> str:
    """The translated label of a classification level code (`in_hardship` → "In hardship")."""
    return str(Level(level).label) if level in Level.values else level


def suggested_services_for(household, standing: routing.Standing | None = None) -> list[Service]:
    """Services serving the household's village, of the kinds its standing calls for."""
    standing = standing if standing is not None else household_standing(household)
    if standing is None:
        return []
    kinds = routing.suggested_kinds(standing, routing_rules())
    return routing.rank_services(services_serving(household.area_id), kinds)


def overdue_q(today=None) -> Q:
    """Referrals past their due date in a state where the agency must act (the same rule as
    `transitions.is_overdue`, from the same `transitions.OVERDUE_STATES`)."""
    today = today or timezone.localdate()
    return Q(due_on__lt=today, status__in=transitions.OVERDUE_STATES)


# Work lists (home page cards and their lists) -------------------------------------------------

WORK_LISTS = ("follow_up", "overdue", "drafts")


def referral_work_list(user, kind: str):
    """Referrals in the user's areas waiting for them: `follow_up` (completed, the help not yet
    confirmed with the household), `overdue` (past due while the agency must act) or `drafts`
    (written but not yet sent on to the provincial officers)."""
    queryset = referrals_visible_to(user).order_by("due_on", "completed_at", "id")
    if kind == "follow_up":
        return queryset.filter(status=ReferralStatus.COMPLETED).filter(
            ~Exists(ReferralFollowUp.objects.filter(referral=OuterRef("pk")))
        )
    if kind == "overdue":
        return queryset.filter(overdue_q())
    if kind == "drafts":
        return queryset.filter(status=ReferralStatus.DRAFT).order_by("created_at", "id")
    return queryset.none()


AGENCY_TABS = ("approved", "accepted", "in_progress", "overdue")


def agency_inbox_rows(user, status: str):
    """The agency inbox filtered as its tab: open, one status, or overdue."""
    queryset = referrals_for_agency(user)
    if status == "open":
        return queryset.exclude(status=ReferralStatus.COMPLETED)
    if status == "overdue":
        return queryset.filter(overdue_q())
    if status == ReferralStatus.COMPLETED:  # the latest done first, by when it was done
        return queryset.filter(status=status).order_by("-completed_at", "-id")
    if status in ReferralStatus.values:
        return queryset.filter(status=status)
    return queryset


def agency_inbox_counts(user) -> dict[str, int]:
    """How many rows each inbox tab has: the tabs' own filters over `referrals_for_agency`, in
    one query."""
    tabs = {s: Q(status=s) for s in ReferralStatus.values}
    tabs["open"] = ~Q(status=ReferralStatus.COMPLETED)
    tabs["overdue"] = overdue_q()
    return (
        referrals_for_agency(user)
        .order_by()
        .aggregate(**{tab: Count("id", filter=condition) for tab, condition in tabs.items()})
    )
