"""Reads of the household registry. Every selector starts from a scoped queryset: a user with no
role assignment sees nothing, and a record outside the user's areas does not exist for them."""

from dataclasses import dataclass, field

from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from ppaos.accounts.policy import (
    Action,
    area_prefixes_for,
    can,
    has_any_assignment,
    role_grants,
    scope_q,
    scope_queryset,
)
from ppaos.audit.models import AuditEvent
from ppaos.thai.thai_dates import fiscal_year_be

from .models import (
    ClassificationResult,
    DuplicateCandidate,
    DuplicateStatus,
    Household,
    Membership,
    Person,
    PersonTransferRequest,
    RegistrantFinding,
    Relation,
    TransferStatus,
    WelfareRegistrant,
)
from .national_id_display import national_id_for_viewer
from .search_query import QueryKind, SearchQuery, parse_search_query
from .surveys.transitions import EDIT, statuses_allowing

# A search answers with the best matches only: a facilitator refines the query, never pages.
SEARCH_LIMIT = 50


# --- Registrants (welfare-registry leads) ------------------------------------------------------


def registrants_visible_to(user, action: Action = Action.VIEW_HOUSEHOLD) -> QuerySet:
    """Registry rows in the user's areas, with their latest finding's value annotated."""
    latest = RegistrantFinding.objects.filter(registrant=OuterRef("pk")).order_by(
        "-created_at", "-id"
    )
    queryset = WelfareRegistrant.objects.select_related("area").annotate(has_finding=Exists(latest))
    return scope_queryset(user, queryset, action)


def registrant_worklist(user) -> QuerySet:
    """The facilitator's work list: registrants in their areas with no finding recorded yet,
    street by street (village, then house number)."""
    return (
        registrants_visible_to(user, Action.REVIEW_REGISTRANT)
        .filter(has_finding=False)
        .order_by("area_id", "house_number", "last_name", "first_name", "id")
    )


def registrant_findings(registrant) -> QuerySet:
    return registrant.findings.select_related("recorded_by", "household", "new_area").order_by(
        "-created_at", "-id"
    )


def _name_match(queryset: QuerySet, name: str) -> QuerySet:
    """Typo-tolerant match on "first last" with pg_trgm, served by the GIN trigram index.

    A full name ("สมสรี ใจดี") matches by similarity (`%`, threshold in `trigram_settings`); a
    single word ("สมสรี") by word similarity (`%>`: the word is close to a part of the name).
    Using one operator per query keeps the index's candidate set small. Best match first.

    Measured alternatives (benchmarks/search.py, 1,000,000 persons): a GiST gist_trgm_ops index
    (siglen 128) ordered by distance (`<->` … LIMIT) read the whole 83 MB index for a Thai full
    name, 170-210 ms a query, because its page signatures saturate on names built from common
    syllables; the GIN index with a 0.5 similarity threshold answers in a fraction of that.
    """
    if " " in name:
        return (
            queryset.filter(search_name__trigram_similar=name)
            .annotate(rank=TrigramSimilarity("search_name", name))
            .order_by("-rank", "id")
        )
    return (
        queryset.filter(search_name__trigram_word_similar=name)
        .annotate(rank=TrigramWordSimilarity(name, "search_name"))
        .order_by("-rank", "id")
    )


def apply_search_query(queryset: QuerySet, query: SearchQuery) -> QuerySet:
    if query.kind == QueryKind.NATIONAL_ID:
        return queryset.filter(national_id=query.value)
    if query.kind == QueryKind.NAME:
        return _name_match(queryset, query.value)
    if query.kind == QueryKind.INVALID_ID:
        return queryset.none()
    return queryset


def search_registrants(
    user, *, text: str = "", village: str = "", house_number: str = ""
) -> QuerySet:
    """Registrants by national ID (any format), Thai name (typos tolerated), village and house
    number. With no criterion at all, nothing is returned: a search is never a full listing."""
    query = parse_search_query(text)
    if query.kind == QueryKind.EMPTY and not village and not house_number:
        return WelfareRegistrant.objects.none()
    queryset = registrants_visible_to(user)
    if village:
        queryset = queryset.filter(area__pk__startswith=village)
    if house_number:
        queryset = queryset.filter(house_number=house_number.strip())
    queryset = apply_search_query(queryset, query)
    if query.kind != QueryKind.NAME:
        queryset = queryset.order_by("area_id", "house_number", "last_name", "id")
    return queryset[:SEARCH_LIMIT]


# --- Households and persons --------------------------------------------------------------------


def households_visible_to(user, action: Action = Action.VIEW_HOUSEHOLD) -> QuerySet:
    return scope_queryset(user, Household.objects.select_related("area"), action)


# --- Current members and heads (the one definition: a membership with no leaving date) ----------


def current_memberships() -> QuerySet:
    """Memberships that have not ended: each person's household now, each household's members."""
    return Membership.objects.filter(left_on__isnull=True)


def current_members_of(household: Household) -> QuerySet:
    """A household's current members with their persons, in the order they joined."""
    return (
        current_memberships()
        .filter(household=household)
        .select_related("person")
        .order_by("joined_on", "id")
    )


def current_head_of(household: Household) -> Membership | None:
    return current_memberships().filter(household=household, relation=Relation.HEAD).first()


def current_membership_of(person: Person) -> Membership | None:
    """The household the person lives in now (with its village), or None."""
    return current_memberships().filter(person=person).select_related("household__area").first()


def current_persons_of(household: Household) -> QuerySet:
    """The persons living in the household now, by first name (choices in forms)."""
    return Person.objects.filter(
        pk__in=current_memberships().filter(household=household).values("person")
    ).order_by("first_name", "id")


def current_person_ids(household: Household) -> set[int]:
    return set(current_memberships().filter(household=household).values_list("person", flat=True))


def _with_current_head(queryset: QuerySet) -> QuerySet:
    """Prefetch each household's current head (one query for the whole page)."""
    heads = current_memberships().filter(relation=Relation.HEAD).select_related("person")
    return queryset.prefetch_related(Prefetch("memberships", heads, to_attr="current_heads"))


def persons_visible_to(user, action: Action = Action.VIEW_HOUSEHOLD) -> QuerySet:
    """Persons who live in the user's areas; a person who lives nowhere now (moved out, died) is
    visible where they lived before. Persons have no area of their own: their household has."""
    in_scope = scope_q(user, action, area_field="household__area_id")
    memberships = Membership.objects.filter(person=OuterRef("pk"))
    current = current_memberships().filter(person=OuterRef("pk"))
    return Person.objects.filter(
        Exists(current.filter(in_scope)) | (~Exists(current) & Exists(memberships.filter(in_scope)))
    )


# --- Latest classification (the one definition: the latest round's verified result) -----------


def latest_classifications() -> QuerySet:
    """Classification results, a household's latest round first."""
    return ClassificationResult.objects.order_by("household_id", "-fiscal_year", "-id")


def latest_classification_of(household) -> ClassificationResult | None:
    """The household's latest verified classification (None if it was never classified)."""
    return latest_classifications().filter(household=household).first()


def latest_classification_subquery(field: str) -> Subquery:
    """One field of the latest classification of the outer household (`OuterRef("pk")`)."""
    latest = latest_classifications().filter(household=OuterRef("pk"))
    return Subquery(latest.values(field)[:1])


def search_households(
    user, *, text: str = "", village: str = "", house_number: str = "", level: str = ""
) -> QuerySet:
    """Households by a member's national ID or name, by village and house number, and by level
    (the latest round's classification)."""
    query = parse_search_query(text)
    if query.kind == QueryKind.EMPTY and not (village or house_number or level):
        return Household.objects.none()
    queryset = households_visible_to(user)
    if village:
        queryset = queryset.filter(area__pk__startswith=village)
    if house_number:
        queryset = queryset.filter(house_number=house_number.strip())
    if level:
        queryset = queryset.annotate(latest_level=latest_classification_subquery("level")).filter(
            latest_level=level
        )
    if query.kind != QueryKind.EMPTY:
        members = apply_search_query(Person.objects.all(), query).order_by().values("pk")
        queryset = queryset.filter(
            Exists(current_memberships().filter(household=OuterRef("pk"), person__in=members))
        )
    return _with_current_head(queryset.order_by("area_id", "house_number", "id"))[:SEARCH_LIMIT]


@dataclass
class HouseholdPage:
    household: Household
    current_members: list = field(default_factory=list)
    past_members: list = field(default_factory=list)
    findings: list = field(default_factory=list)
    audit_trail: list = field(default_factory=list)
    open_duplicates: list = field(default_factory=list)
    surveys: list | None = None
    level_history: list | None = None
    can_edit: bool = False
    can_view_national_id: bool = False
    # This round's survey, when one exists: the page offers to continue or view it, not to
    # start another.
    current_round_survey: object = None
    current_round_survey_editable: bool = False
    can_record_exit: bool = False


def level_history_for(household: Household) -> list[ClassificationResult]:
    """The household's verified results round by round (oldest first), with their reasons."""
    return list(
        ClassificationResult.objects.filter(household=household)
        .select_related("survey")
        .order_by("fiscal_year", "id")
    )


def _surveys_of(household):
    """The household's surveys, newest round first, and its level history (oldest first)."""
    surveys = list(household.surveys.select_related("surveyed_by").order_by("-fiscal_year"))
    return surveys, level_history_for(household)


def household_page(user, household: Household) -> HouseholdPage:
    """Everything the household page shows. `household` comes from `households_visible_to`."""
    memberships = list(
        household.memberships.select_related("person").order_by("left_on", "joined_on", "id")
    )
    current = [m for m in memberships if m.left_on is None]
    current.sort(key=lambda m: (m.relation != Relation.HEAD, m.joined_on, m.id))
    person_ids = [m.person_id for m in current]
    surveys, history = _surveys_of(household)
    this_round = fiscal_year_be(timezone.localdate())
    current_round = next((s for s in surveys if s.fiscal_year == this_round), None)
    return HouseholdPage(
        household=household,
        current_members=current,
        past_members=[m for m in memberships if m.left_on is not None],
        findings=list(
            household.registrant_findings.select_related("registrant", "recorded_by").order_by(
                "-created_at"
            )
        ),
        audit_trail=list(audit_trail_of(household)[:50]),
        open_duplicates=list(
            DuplicateCandidate.objects.filter(
                person_id__in=person_ids, status=DuplicateStatus.OPEN
            ).select_related("person")
        ),
        surveys=surveys,
        level_history=history,
        can_edit=can(user, Action.EDIT_HOUSEHOLD, household),
        can_view_national_id=can(user, Action.VIEW_NATIONAL_ID, household),
        current_round_survey=current_round,
        current_round_survey_editable=current_round is not None
        and current_round.status in statuses_allowing(EDIT),
        can_record_exit=can(user, Action.VERIFY_SURVEY, household),
    )


def audit_trail_of(record) -> QuerySet:
    """Who viewed and changed a household or person, newest first."""
    return AuditEvent.objects.filter(
        object_type=record._meta.label_lower, object_id=str(record.public_id)
    ).select_related("actor")


def memberships_latest_first() -> QuerySet:
    """Memberships, the current one first, then the most recently ended."""
    return Membership.objects.order_by(F("left_on").desc(nulls_first=True), "-joined_on", "-id")


def person_area_code(person: Person) -> str:
    """The village a person's record belongs to: where they live now or, when they live nowhere
    (moved out, died), where they lived last. Masking and audit rows go by this area."""
    return (
        memberships_latest_first()
        .filter(person=person)
        .values_list("household__area_id", flat=True)
        .first()
        or ""
    )


@dataclass
class HistoryEntry:
    membership: Membership
    visible: bool  # False: another area's household, shown without its address


@dataclass
class PersonPage:
    person: Person
    current: Membership | None
    area_code: str
    history: list[HistoryEntry]


def person_page(user, person: Person) -> PersonPage:
    """What the person page shows. `person` comes from `persons_visible_to`. Earlier households
    outside the user's areas are listed without their address."""
    memberships = list(
        memberships_latest_first().filter(person=person).select_related("household__area")
    )
    current = next((m for m in memberships if m.left_on is None), None)
    return PersonPage(
        person=person,
        current=current,
        area_code=memberships[0].household.area_id if memberships else "",
        history=[
            HistoryEntry(m, can(user, Action.VIEW_HOUSEHOLD, m.household))
            for m in sorted(memberships, key=lambda m: (m.joined_on, m.id), reverse=True)
        ],
    )


# --- Duplicate review queue --------------------------------------------------------------------


def _record_area_subquery(person_ref: str) -> Subquery:
    """The village of the current (else last) household of the person at `person_ref`."""
    latest = memberships_latest_first().filter(person=OuterRef(person_ref))
    return Subquery(latest.values("household__area_id")[:1], output_field=CharField())


def duplicates_visible_to(user, *, status: str = DuplicateStatus.OPEN) -> QuerySet:
    """Flagged pairs filed under an area in the user's areas for reviewing duplicates, with the
    area each record belongs to now (`person_area`, `other_area`): a pair is filed under the
    lowest area containing both records, but a person may have moved since."""
    queryset = DuplicateCandidate.objects.select_related(
        "person", "other_person", "other_registrant", "area", "reviewed_by"
    ).annotate(
        person_area=_record_area_subquery("person"),
        other_area=Coalesce(F("other_registrant__area_id"), _record_area_subquery("other_person")),
    )
    queryset = scope_queryset(user, queryset, Action.REVIEW_DUPLICATES)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


@dataclass
class DuplicateRow:
    """A flagged pair as one reviewer may see it: a record outside the reviewer's areas is
    shown as "a record in another area", with none of its details."""

    candidate: DuplicateCandidate
    person_visible: bool
    other_visible: bool
    person_area: str
    other_area: str


def duplicate_row(user, candidate: DuplicateCandidate) -> DuplicateRow:
    """`candidate` comes from `duplicates_visible_to` (its areas annotated)."""
    person_area = getattr(candidate, "person_area", None) or candidate.area_id
    other_area = getattr(candidate, "other_area", None) or ""
    return DuplicateRow(
        candidate=candidate,
        person_visible=can(user, Action.VIEW_HOUSEHOLD, area_code=person_area),
        other_visible=bool(other_area) and can(user, Action.VIEW_HOUSEHOLD, area_code=other_area),
        person_area=person_area,
        other_area=other_area,
    )


def villages_for(user, action: Action = Action.VIEW_HOUSEHOLD) -> QuerySet:
    """Villages in the user's areas for `action` (choices for search and new households)."""
    from ppaos.areas.models import Area, AreaLevel

    villages = Area.objects.filter(level=AreaLevel.VILLAGE).order_by("code")
    return scope_queryset(user, villages, action, area_field="code")


# --- API lists (one query each, plus one prefetch) ----------------------------------------------


def households_for_api(user) -> QuerySet:
    """Visible households with the latest level and target-poor flag and their current members."""
    members = current_memberships().select_related("person").order_by("joined_on", "id")
    return (
        households_visible_to(user)
        .annotate(
            latest_level=latest_classification_subquery("level"),
            latest_target_poor=latest_classification_subquery("target_poor"),
        )
        .prefetch_related(Prefetch("memberships", members, to_attr="current_members"))
        .order_by("area_id", "house_number", "id")
    )


def persons_for_api(user) -> QuerySet:
    """Visible persons with the village code and public id of their current household, and the
    village their record belongs to (`home_area`: the current one, else the last one)."""
    current = current_memberships().filter(person=OuterRef("pk"))
    latest = memberships_latest_first().filter(person=OuterRef("pk"))
    return persons_visible_to(user).annotate(
        current_area=Subquery(current.values("household__area_id")[:1]),
        current_household=Subquery(current.values("household__public_id")[:1]),
        current_relation=Subquery(current.values("relation")[:1]),
        home_area=Subquery(latest.values("household__area_id")[:1]),
    )


def search_persons(user, *, text: str) -> QuerySet:
    """Persons (as `persons_for_api`) by national ID in any format or by Thai name (typos
    tolerated); best match first for a name, by name otherwise. An empty text matches nobody."""
    query = parse_search_query(text)
    if query.kind == QueryKind.EMPTY:
        return Person.objects.none()
    queryset = persons_for_api(user).order_by("last_name", "first_name", "id")
    return apply_search_query(queryset, query)


# --- Person transfer requests ------------------------------------------------------------------

TRANSFER_SOURCE = "from"  # the area where the person lives, or lived last
TRANSFER_TARGET = "to"  # the requesting area (the target household's village)


def ensure_may_follow_transfers(user) -> None:
    """403 for a role that neither decides transfers nor edits households; a user with no role
    passes and sees nothing (the scoped queryset is empty)."""
    if has_any_assignment(user) and not (
        role_grants(user, Action.DECIDE_PERSON_TRANSFER) or role_grants(user, Action.EDIT_HOUSEHOLD)
    ):
        raise PermissionDenied(_("Your role does not allow this."))


def transfer_requests_visible_to(user, *, status: str = TransferStatus.PENDING) -> QuerySet:
    """Transfer requests whose source or target area lies in the user's areas, for deciding
    transfers (managers, provincial officers) or for editing households (facilitators follow
    what they asked for). Anyone else: nothing."""
    condition = Q(pk__in=[])
    for action in (Action.DECIDE_PERSON_TRANSFER, Action.EDIT_HOUSEHOLD):
        if area_prefixes_for(user, action):
            condition |= scope_q(user, action, area_field="from_area_id")
            condition |= scope_q(user, action, area_field="to_area_id")
    queryset = PersonTransferRequest.objects.select_related(
        "person", "from_area", "to_area", "to_household", "requested_by"
    ).filter(condition)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def transfer_sides_decided_by(user, transfer: PersonTransferRequest) -> set[str]:
    """The sides (`TRANSFER_SOURCE`, `TRANSFER_TARGET`) the user may decide for: those whose
    area lies in the user's areas for deciding transfers (both for a manager covering both)."""
    sides = set()
    if can(user, Action.DECIDE_PERSON_TRANSFER, area_code=transfer.from_area_id):
        sides.add(TRANSFER_SOURCE)
    if can(user, Action.DECIDE_PERSON_TRANSFER, area_code=transfer.to_area_id):
        sides.add(TRANSFER_TARGET)
    return sides


@dataclass
class TransferRow:
    """A transfer request as one user may see it. The requesting side learns nothing of the
    person or their area beyond "a person with this ID" until the transfer is approved; the
    source side sees its own person and the requesting area's code and name."""

    transfer: PersonTransferRequest
    sees_person: bool
    sees_target: bool
    national_id: str
    person_label: str
    waiting_for_source: bool
    waiting_for_target: bool
    may_approve: bool
    may_reject: bool


def transfer_row(user, transfer: PersonTransferRequest) -> TransferRow:
    approved = transfer.status == TransferStatus.APPROVED
    sees_target = can(user, Action.VIEW_HOUSEHOLD, area_code=transfer.to_area_id)
    sees_person = can(user, Action.VIEW_HOUSEHOLD, area_code=transfer.from_area_id) or (
        approved and sees_target
    )
    person = transfer.person
    id_area = transfer.from_area_id if sees_person else transfer.to_area_id
    sides = transfer_sides_decided_by(user, transfer)
    pending = transfer.status == TransferStatus.PENDING
    waiting = {
        TRANSFER_SOURCE: transfer.from_approved_by_id is None,
        TRANSFER_TARGET: transfer.to_approved_by_id is None,
    }
    return TransferRow(
        transfer=transfer,
        sees_person=sees_person,
        sees_target=sees_target,
        national_id=national_id_for_viewer(user, person.national_id, id_area),
        person_label=str(person) if sees_person else "",
        waiting_for_source=pending and waiting[TRANSFER_SOURCE],
        waiting_for_target=pending and waiting[TRANSFER_TARGET],
        may_approve=pending and any(waiting[side] for side in sides),
        may_reject=pending and bool(sides),
    )
