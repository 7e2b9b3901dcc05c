"""Every write to the household registry. Each service: keyword-only arguments, the acting user
first, one transaction, the permission check, the state check, the write, the audit row.

Errors the user can fix raise `django.core.exceptions.ValidationError` (with a field name where
one applies); actions outside the user's role or area raise `PermissionDenied` (HTTP 403).
Audit details hold record ids and codes only, never national IDs or names (PDPA).
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ppaos.accounts.policy import Action, can, require
from ppaos.areas.models import Area, AreaLevel
from ppaos.audit.services import record_audit_event
from ppaos.thai.thai_id import MESSAGES_EN, MESSAGES_TH, NationalIdError, normalize_national_id

from .models import (
    DuplicateCandidate,
    DuplicateStatus,
    Finding,
    Household,
    HouseholdStatus,
    Membership,
    Person,
    PersonTransferRequest,
    RegistrantFinding,
    Relation,
    TransferStatus,
    WelfareRegistrant,
)
from .person_transfer_transitions import APPROVE, REJECT, allows, next_status
from .selectors import (
    TRANSFER_SOURCE,
    TRANSFER_TARGET,
    current_head_of,
    current_membership_of,
    current_memberships,
    person_area_code,
    transfer_sides_decided_by,
)

# Who a person is: the identity fields (the national ID is validated separately).
PERSON_IDENTITY_FIELDS = (
    "national_id",
    "title",
    "first_name",
    "last_name",
    "birth_date",
    "sex",
    "education",
    "occupation",
)
# The fields of a person a form or API may set.
PERSON_FIELDS = (
    *PERSON_IDENTITY_FIELDS,
    "welfare_card_holder",
    "has_disability",
    "has_chronic_illness",
    "is_bedridden",
)
HOUSEHOLD_FIELDS = ("house_number", "house_registration_code", "latitude", "longitude")

# Duplicate review: an open candidate is decided once.
DUPLICATE_TRANSITIONS = {
    DuplicateStatus.OPEN: {DuplicateStatus.CONFIRMED_DISTINCT, DuplicateStatus.MERGED_BY_HAND},
}


# --- National ID and persons -------------------------------------------------------------------


def validated_national_id(value) -> str:
    """The 13-digit ID from any format (dashes, spaces, Thai digits), or a ValidationError on
    `national_id` in the user's language."""
    try:
        return normalize_national_id(value)
    except NationalIdError as error:
        message = validated_national_id_message(error.code)
        raise ValidationError({"national_id": message}, code=error.code) from error


def validated_national_id_message(code: str) -> str:
    """The message for a NationalIdError code, in the user's language."""
    language = translation.get_language() or ""
    return (MESSAGES_TH if language.startswith("th") else MESSAGES_EN)[code]


def neutral_national_id_refusal() -> str:
    """The one answer for a national ID that belongs to a person of an area the user may not
    see, whether the person lives in a household there or lives nowhere now and lived there
    last: it says nothing of the other record or its area (PDPA data minimisation)."""
    return _(
        "This national ID cannot be used here. A request to move the record has been sent; "
        "ask your area manager."
    )


@dataclass
class _TransferTarget:
    area: Area
    household: Household | None
    relation: str
    house_number: str = ""
    house_registration_code: str = ""


class _PersonElsewhere(Exception):
    """Linking refused: the person's record belongs to an area the acting user may not edit.
    Raised inside a service's transaction (which it rolls back) and turned into a transfer
    request and the neutral refusal outside it, by `_refusing_persons_elsewhere`."""

    def __init__(self, person: Person, from_area_code: str):
        super().__init__("person of another area")
        self.person = person
        self.from_area_code = from_area_code
        self.target: _TransferTarget | None = None


def record_area_of(person: Person) -> str:
    """The area a person's record belongs to: the village of their current household, else of
    their last one; for a person who never lived in a household, their registry row's area."""
    return (
        person_area_code(person)
        or WelfareRegistrant.objects.filter(national_id=person.national_id)
        .values_list("area_id", flat=True)
        .first()
        or ""
    )


def unsaved_person(data: dict, national_id: str) -> Person:
    """A new person from the PERSON_FIELDS of `data`, with a validated national ID (not saved,
    not cleaned): the services and the bulk survey import build new persons alike."""
    values = {name: data[name] for name in PERSON_FIELDS if name in data}
    values["national_id"] = national_id
    return Person(**values)


def _check_may_link(actor, person: Person) -> None:
    """Only a person whose record lies in the actor's areas is linked by national ID. A record
    that belongs to no area at all (never in a household, not in the registry) is nobody
    else's and is linked like a new person."""
    area_code = record_area_of(person)
    if area_code and not can(actor, Action.EDIT_HOUSEHOLD, area_code=area_code):
        raise _PersonElsewhere(person, area_code)


def _person_for(*, actor, data: dict) -> tuple[Person, bool]:
    """The person with `data["national_id"]`, created when new. An existing person is linked
    only when their record lies in the actor's areas (`_check_may_link`; otherwise
    `_PersonElsewhere`) and they live in no household now (one household at a time)."""
    national_id = validated_national_id(data.get("national_id"))
    person = Person.objects.select_for_update().filter(national_id=national_id).first()
    if person is not None:
        _check_may_link(actor, person)
        if current_membership_of(person) is not None:
            raise ValidationError(
                {
                    "national_id": _(
                        "This person already lives in another household. Move them out of it first."
                    )
                }
            )
        return person, False
    person = unsaved_person(data, national_id)
    person.full_clean(validate_unique=False)
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction stays usable
            person.save()
    except IntegrityError as error:
        # Another request registered the same national ID between the lookup and the insert.
        other = Person.objects.filter(national_id=national_id).first()
        if other is None:
            raise
        _check_may_link(actor, other)
        raise ValidationError(
            {
                "national_id": _(
                    "This person already lives in another household. Move them out of it first."
                )
            },
            code="national_id_taken",
        ) from error
    record_audit_event(actor=actor, action="person.created", target=person)
    return person, True


class _IdTakenElsewhere(Exception):
    """A member's ID changed to one held by a person of an area the actor may not edit: raised
    inside the edit's transaction (rolled back), answered outside it by `_refusing_taken_ids`."""

    def __init__(self, person: Person, area_code: str):
        super().__init__("national ID held in another area")
        self.person = person
        self.area_code = area_code


def _refuse_taken_national_id(*, actor, taken: Person) -> None:
    """Changing a member's ID to one another person holds: said plainly inside the actor's
    areas; for a record elsewhere, the neutral answer linking gives (nothing about where)."""
    area_code = record_area_of(taken)
    if not area_code or can(actor, Action.EDIT_HOUSEHOLD, area_code=area_code):
        raise ValidationError({"national_id": _("Another person already has this national ID.")})
    raise _IdTakenElsewhere(taken, area_code)


def _refusing_taken_ids(actor, write):
    """`write()`; when it tried to give a member another area's national ID, nothing it wrote
    is kept, the attempt is audited in that area (its managers see it) and the neutral refusal
    raised."""
    try:
        return write()
    except _IdTakenElsewhere as elsewhere:
        record_audit_event(
            actor=actor,
            action="person.national_id_refused",
            target=elsewhere.person,
            area_code=elsewhere.area_code,
        )
        raise ValidationError(
            {"national_id": neutral_national_id_refusal()}, code="national_id_elsewhere"
        ) from None


def _refusing_persons_elsewhere(actor, write):
    """`write()` (a service body with its own transaction); when it tried to link a person of
    another area, nothing it wrote is kept: a transfer request is recorded instead and the
    neutral refusal raised, the same for every such person."""
    try:
        return write()
    except _PersonElsewhere as elsewhere:
        _request_person_transfer(actor=actor, elsewhere=elsewhere)
        raise ValidationError(
            {"national_id": neutral_national_id_refusal()}, code="national_id_elsewhere"
        ) from None


def lowest_common_area(first: str, second: str) -> str:
    """The smallest official area containing both codes (village 8, subdistrict 6, district 4,
    province 2 digits); "" when they lie in different provinces."""
    for length in (8, 6, 4, 2):
        if len(first) >= length and len(second) >= length and first[:length] == second[:length]:
            return first[:length]
    return ""


def flag_possible_duplicates(*, actor, person: Person, area_id: str) -> list[DuplicateCandidate]:
    """Flag other persons and registry rows with the same first name, last name and birth date
    under a different national ID. Called inside the services that create or link a person;
    nothing is merged: a manager reviews each candidate.

    Only records of the same province are compared (a prefix scope the area-code indexes
    answer), and each pair is filed under the lowest area containing both records, so only a
    reviewer who may see both (the area manager covering both, else the provincial officer)
    ever sees the pair. Records in different provinces are not paired: nobody reviews both.
    """
    if person.birth_date is None or len(area_id) < 2:
        return []
    province = area_id[:2]
    same = {
        "first_name": person.first_name.strip(),
        "last_name": person.last_name.strip(),
        "birth_date": person.birth_date,
    }
    flagged = []
    in_province = Membership.objects.filter(
        person=OuterRef("pk"), household__area__pk__startswith=province
    )
    others = (
        Person.objects.filter(**same)
        .filter(Exists(in_province))
        .exclude(pk=person.pk)
        .exclude(national_id=person.national_id)
    )
    for other in others:
        common = lowest_common_area(area_id, record_area_of(other))
        if not common:
            continue  # lived in the province once, belongs to another one now
        if DuplicateCandidate.objects.filter(person=other, other_person=person).exists():
            continue  # already flagged from the other side
        candidate, created = DuplicateCandidate.objects.get_or_create(
            person=person, other_person=other, defaults={"area_id": common}
        )
        if created:
            flagged.append(candidate)
    registrants = WelfareRegistrant.objects.filter(**same, area__pk__startswith=province).exclude(
        national_id=person.national_id
    )
    for registrant in registrants:
        common = lowest_common_area(area_id, registrant.area_id)
        candidate, created = DuplicateCandidate.objects.get_or_create(
            person=person, other_registrant=registrant, defaults={"area_id": common}
        )
        if created:
            flagged.append(candidate)
    for candidate in flagged:
        record_audit_event(
            actor=actor, action="duplicate.flagged", target=candidate, area_code=candidate.area_id
        )
    return flagged


def _join(*, actor, household: Household, person: Person, relation: str, joined_on: date):
    membership = Membership(
        household=household, person=person, relation=relation, joined_on=joined_on
    )
    membership.full_clean(validate_unique=False, validate_constraints=False)
    membership.save()
    record_audit_event(
        actor=actor,
        action="household.member_added",
        target=household,
        details={"person": str(person.public_id), "relation": relation},
    )
    flag_possible_duplicates(actor=actor, person=person, area_id=household.area_id)
    return membership


def _lock_household(household: Household) -> Household:
    return Household.objects.select_for_update().select_related("area").get(pk=household.pk)


_RELATIONS = frozenset(Relation.values)


def check_relation(relation: str) -> None:
    if relation not in _RELATIONS:
        raise ValidationError({"relation": _("Choose the relation to the head.")})


# --- Households and members --------------------------------------------------------------------


def create_household(
    *,
    actor,
    area: Area,
    head: dict,
    house_number: str = "",
    house_registration_code: str = "",
    latitude=None,
    longitude=None,
    joined_on: date | None = None,
) -> Household:
    """Create a household in a village with its head (a household always has exactly one head).

    Who: a user who may edit households in the village. The head is created from `head` (person
    fields) or linked when their national ID is known, their record lies in the user's areas and
    they live in no household now. A known ID of another area creates nothing: a transfer
    request goes to the managers and the neutral refusal is raised (`national_id`).
    """
    return _refusing_persons_elsewhere(
        actor,
        lambda: _create_household(
            actor=actor,
            area=area,
            head=head,
            house_number=house_number,
            house_registration_code=house_registration_code,
            latitude=latitude,
            longitude=longitude,
            joined_on=joined_on,
        ),
    )


def _create_household(
    *, actor, area, head, house_number, house_registration_code, latitude, longitude, joined_on
) -> Household:
    with transaction.atomic():
        require(actor, Action.EDIT_HOUSEHOLD, area_code=area.code)
        if area.level != AreaLevel.VILLAGE:
            raise ValidationError({"area": _("Choose a village.")})
        household = Household(
            area=area,
            house_number=house_number.strip(),
            house_registration_code=house_registration_code.strip(),
            latitude=latitude,
            longitude=longitude,
        )
        household.full_clean()
        household.save()
        record_audit_event(actor=actor, action="household.created", target=household)
        try:
            person, _created = _person_for(actor=actor, data=head)
        except _PersonElsewhere as elsewhere:
            elsewhere.target = _TransferTarget(
                area=area,
                household=None,
                relation=Relation.HEAD,
                house_number=household.house_number,
                house_registration_code=household.house_registration_code,
            )
            raise
        _join(
            actor=actor,
            household=household,
            person=person,
            relation=Relation.HEAD,
            joined_on=joined_on or timezone.localdate(),
        )
        return household


def update_household(*, actor, household: Household, **changes) -> Household:
    """Edit a household's address fields and location (not its village: a household that moves
    to another village is a new household there)."""
    unknown = set(changes) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise TypeError(f"update_household() cannot change {sorted(unknown)}")
    with transaction.atomic():
        household = _lock_household(household)
        require(actor, Action.EDIT_HOUSEHOLD, household)
        changed = []
        for name, value in changes.items():
            if isinstance(value, str):
                value = value.strip()
            if getattr(household, name) != value:
                setattr(household, name, value)
                changed.append(name)
        if changed:
            household.full_clean()
            household.save()
            record_audit_event(
                actor=actor,
                action="household.updated",
                target=household,
                details={"fields": sorted(changed)},
            )
        return household


def add_member(
    *, actor, household: Household, person: dict, relation: str, joined_on: date | None = None
) -> Membership:
    """Add a person (new, or known and living nowhere now) to an active household.

    The household already has its head: a second head is refused (use `transfer_head`). A known
    national ID of another area is not linked: a transfer request goes to the managers and the
    neutral refusal is raised (`national_id`).
    """
    return _refusing_persons_elsewhere(
        actor,
        lambda: _add_member(
            actor=actor, household=household, person=person, relation=relation, joined_on=joined_on
        ),
    )


def _add_member(*, actor, household, person, relation, joined_on) -> Membership:
    with transaction.atomic():
        household = _lock_household(household)
        require(actor, Action.EDIT_HOUSEHOLD, household)
        check_relation(relation)
        if household.status != HouseholdStatus.ACTIVE:
            raise ValidationError(_("Members can be added only to an active household."))
        if relation == Relation.HEAD:
            raise ValidationError(
                {
                    "relation": _(
                        "This household already has a head. Add the person with their relation "
                        "to the head, then make them head."
                    )
                }
            )
        joined_on = joined_on or timezone.localdate()
        try:
            member, _created = _person_for(actor=actor, data=person)
        except _PersonElsewhere as elsewhere:
            elsewhere.target = _TransferTarget(
                area=household.area, household=household, relation=relation
            )
            raise
        return _join(
            actor=actor, household=household, person=member, relation=relation, joined_on=joined_on
        )


def update_member(*, actor, membership: Membership, person: dict, relation: str) -> Membership:
    """Edit a current member's personal details and relation to the head.

    The head role is not changed here: making someone else head is `transfer_head`, so a
    household never has no head or two heads. A national ID another person holds is refused;
    when that person's record lies outside the actor's areas, with the neutral answer of
    linking, and the attempt is audited in that area.
    """
    return _refusing_taken_ids(
        actor,
        lambda: _update_member(
            actor=actor, membership=membership, person=person, relation=relation
        ),
    )


def _update_member(
    *,
    actor,
    membership: Membership,
    person: dict,
    relation: str,
    action: Action = Action.EDIT_HOUSEHOLD,
    audit_details: dict | None = None,
) -> Membership:
    with transaction.atomic():
        household = _lock_household(membership.household)
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        require(actor, action, household)
        if membership.left_on is not None:
            raise ValidationError(_("This person has moved out; their record is history."))
        check_relation(relation)
        is_head = membership.relation == Relation.HEAD
        if is_head != (relation == Relation.HEAD):
            raise ValidationError(
                {"relation": _("Use “Make head of household” to change who the head is.")}
            )
        member = Person.objects.select_for_update().get(pk=membership.person_id)
        changed = []
        for name in PERSON_FIELDS:
            if name not in person:
                continue
            value = person[name]
            if name == "national_id":
                value = validated_national_id(value)
                taken = Person.objects.filter(national_id=value).exclude(pk=member.pk).first()
                if taken is not None:
                    _refuse_taken_national_id(actor=actor, taken=taken)
            if getattr(member, name) != value:
                setattr(member, name, value)
                changed.append(name)
        if changed:
            member.full_clean(validate_unique=False)
            try:
                with transaction.atomic():
                    member.save()
            except IntegrityError as error:  # the ID was registered meanwhile by someone else
                if (
                    not Person.objects.filter(national_id=member.national_id)
                    .exclude(pk=member.pk)
                    .exists()
                ):
                    raise
                raise ValidationError(
                    {"national_id": _("Another person already has this national ID.")}
                ) from error
            record_audit_event(
                actor=actor,
                action="person.updated",
                target=member,
                area_code=household.area_id,
                details={"fields": sorted(changed), **(audit_details or {})},
            )
        if membership.relation != relation:
            membership.relation = relation
            membership.save(update_fields=["relation", "updated_at"])
            changed.append("relation")
        if changed:
            record_audit_event(
                actor=actor,
                action="household.member_updated",
                target=household,
                details={"person": str(member.public_id), "fields": sorted(changed)},
            )
        if {"first_name", "last_name", "birth_date", "national_id"} & set(changed):
            flag_possible_duplicates(actor=actor, person=member, area_id=household.area_id)
        membership.person = member
        return membership


# A data-subject's correction (PDPA s.35–36): the identity fields, not the health flags (their
# removal is a withdrawal of consent) nor the welfare card (the ministry's registry decides it).
CORRECTABLE_PERSON_FIELDS = PERSON_IDENTITY_FIELDS


def correct_person_on_request(*, actor, person: Person, changes: dict, request_ref: str) -> list:
    """Apply a correction the person asked for (PDPA s.35–36) through the same member update as
    the household page: the same checks (a national ID another person holds is refused), the
    same `person.updated` audit row, here with the data request it answers. Who may call: users
    whose role grants HANDLE_DATA_REQUESTS in the household's area (provincial officers).
    Returns the names of the fields that changed."""
    unknown = set(changes) - set(CORRECTABLE_PERSON_FIELDS)
    if unknown or not changes:
        raise ValidationError({"field": _("Choose a field of the person's record.")})
    membership = (
        Membership.objects.filter(person=person, left_on__isnull=True)
        .select_related("household")
        .order_by("-joined_on", "-id")
        .first()
    )
    if membership is None:
        raise ValidationError(_("The person lives in no household of the registry any more."))
    before = {name: getattr(person, name) for name in changes}
    _refusing_taken_ids(
        actor,
        lambda: _update_member(
            actor=actor,
            membership=membership,
            person=changes,
            relation=membership.relation,
            action=Action.HANDLE_DATA_REQUESTS,
            audit_details={"data_request": request_ref},
        ),
    )
    person.refresh_from_db()
    return [name for name in changes if getattr(person, name) != before[name]]


def move_member_out(
    *, actor, membership: Membership, left_on: date | None = None, reason: str = ""
) -> Membership:
    """A member leaves the household: the membership ends on `left_on`; the history stays.

    The head may leave only as the last member (the household is then dissolved); otherwise the
    head role must first pass to someone else, so a household is never left without a head.
    """
    with transaction.atomic():
        household = _lock_household(membership.household)
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        require(actor, Action.EDIT_HOUSEHOLD, household)
        if membership.left_on is not None:
            raise ValidationError(_("This person has already moved out."))
        left_on = left_on or timezone.localdate()
        if left_on < membership.joined_on:
            raise ValidationError({"left_on": _("The date of leaving is before the date joined.")})
        if membership.relation == Relation.HEAD:
            others = current_memberships().filter(household=household).exclude(pk=membership.pk)
            if others.exists():
                raise ValidationError(
                    _(
                        "The head cannot move out while others live in the household. Make "
                        "another member head first."
                    )
                )
            household.status = HouseholdStatus.DISSOLVED
            household.save(update_fields=["status", "updated_at"])
        membership.left_on = left_on
        membership.left_reason = reason.strip()[:200]
        membership.save(update_fields=["left_on", "left_reason", "updated_at"])
        record_audit_event(
            actor=actor,
            action="household.member_moved_out",
            target=household,
            details={"person": str(membership.person.public_id)},
        )
        return membership


def transfer_head(
    *, actor, household: Household, new_head: Membership, former_head_relation: str
) -> Membership:
    """Make another current member the head, in one step; the former head keeps living in the
    household with `former_head_relation` (their relation to the new head)."""
    with transaction.atomic():
        household = _lock_household(household)
        require(actor, Action.EDIT_HOUSEHOLD, household)
        check_relation(former_head_relation)
        if former_head_relation == Relation.HEAD:
            raise ValidationError(
                {"former_head_relation": _("Choose the former head's relation to the new head.")}
            )
        new_head = Membership.objects.select_for_update().get(pk=new_head.pk)
        if new_head.household_id != household.pk or new_head.left_on is not None:
            raise ValidationError(_("The new head must be a current member of this household."))
        if new_head.relation == Relation.HEAD:
            raise ValidationError(_("This person is already the head."))
        former = current_head_of(household)
        if former is not None:
            # The database allows one current head: the former head steps down first.
            former.relation = former_head_relation
            former.save(update_fields=["relation", "updated_at"])
        new_head.relation = Relation.HEAD
        new_head.save(update_fields=["relation", "updated_at"])
        record_audit_event(
            actor=actor,
            action="household.head_transferred",
            target=household,
            details={"person": str(new_head.person.public_id)},
        )
        return new_head


# --- Registry leads: field findings ------------------------------------------------------------


def _check_village_for_registrant(registrant: WelfareRegistrant, village: Area | None) -> None:
    """A found registrant's new household is placed in a village of the registrant's own
    subdistrict (the registry gave the subdistrict; the facilitator names the village)."""
    if village is None:
        return
    subdistrict = registrant.area_id[:6]
    if village.level != AreaLevel.VILLAGE or not village.code.startswith(subdistrict):
        raise ValidationError(
            {"village": _("Choose a village in the registrant's subdistrict.")},
            code="village_outside_subdistrict",
        )


def _household_for_found_registrant(
    *, actor, registrant: WelfareRegistrant, household, relation: str, village
) -> tuple[Household, Person]:
    existing = Person.objects.select_for_update().filter(national_id=registrant.national_id)
    person = existing.first()
    # A person of another area is neither linked nor revealed: the target is checked as for an
    # unknown ID, then `_PersonElsewhere` (the same answer whether they live in a household).
    elsewhere = None
    if person is not None:
        try:
            _check_may_link(actor, person)
        except _PersonElsewhere as refused:
            elsewhere = refused
    current = current_membership_of(person) if person and elsewhere is None else None
    if current is not None:
        # Already registered in a household: link the finding to it.
        if household is not None and household.pk != current.household_id:
            raise ValidationError(
                {
                    "household": _(
                        "This person already lives in another household. Move them out of it first."
                    )
                }
            )
        require(actor, Action.EDIT_HOUSEHOLD, current.household)
        return current.household, person
    joined_on = timezone.localdate()
    if household is None:
        _check_village_for_registrant(registrant, village)
        area = village or registrant.area
        if area.level != AreaLevel.VILLAGE:
            raise ValidationError({"village": _("Choose the village where the household lives.")})
        require(actor, Action.EDIT_HOUSEHOLD, area_code=area.code)
        if elsewhere is not None:
            elsewhere.target = _TransferTarget(
                area=area,
                household=None,
                relation=Relation.HEAD,
                house_number=registrant.house_number,
            )
            raise elsewhere
        household = Household(area=area, house_number=registrant.house_number)
        household.full_clean()
        household.save()
        record_audit_event(actor=actor, action="household.created", target=household)
        relation = Relation.HEAD
    else:
        household = _lock_household(household)
        require(actor, Action.EDIT_HOUSEHOLD, household)
        if household.status != HouseholdStatus.ACTIVE:
            raise ValidationError({"household": _("Choose an active household.")})
        check_relation(relation)
        if relation == Relation.HEAD and current_head_of(household) is not None:
            raise ValidationError({"relation": _("This household already has a head.")})
        if elsewhere is not None:
            elsewhere.target = _TransferTarget(
                area=household.area, household=household, relation=relation
            )
            raise elsewhere
    if person is None:
        person, _created = _person_for(
            actor=actor,
            data={
                "national_id": registrant.national_id,
                "title": registrant.title,
                "first_name": registrant.first_name,
                "last_name": registrant.last_name,
                "birth_date": registrant.birth_date,
                "sex": registrant.sex,
                # In the state welfare registry: a welfare-card registrant (DOMAIN.md §3).
                "welfare_card_holder": True,
            },
        )
    _join(actor=actor, household=household, person=person, relation=relation, joined_on=joined_on)
    return household, person


def record_registrant_finding(
    *,
    actor,
    registrant: WelfareRegistrant,
    finding: str,
    note: str = "",
    new_address: str = "",
    new_area: Area | None = None,
    household: Household | None = None,
    relation: str = "",
    village: Area | None = None,
) -> RegistrantFinding:
    """Record what a facilitator found about a registry lead (ค้นหา สอบทาน).

    - found: the person is linked to their household, or a household is created at the
      registrant's address (`village` when the registry gave no village) with the person as
      head; with `household` given, the person joins it with `relation`.
    - moved: `new_address` (or `new_area`) is required.
    - deceased / not found / not poor: a note is required.
    A registrant may be reviewed again; the latest finding counts, earlier ones stay.
    Who: a user who may review registrants in the registrant's area. Found, with a national ID
    whose person belongs to another area: nothing is recorded, a transfer request goes to the
    managers and the neutral refusal is raised, as when adding a member.
    """
    return _refusing_persons_elsewhere(
        actor,
        lambda: _record_registrant_finding(
            actor=actor,
            registrant=registrant,
            finding=finding,
            note=note,
            new_address=new_address,
            new_area=new_area,
            household=household,
            relation=relation,
            village=village,
        ),
    )


def _record_registrant_finding(
    *, actor, registrant, finding, note, new_address, new_area, household, relation, village
) -> RegistrantFinding:
    with transaction.atomic():
        registrant = WelfareRegistrant.objects.select_for_update().get(pk=registrant.pk)
        require(actor, Action.REVIEW_REGISTRANT, registrant)
        if finding not in Finding.values:
            raise ValidationError({"finding": _("Choose what you found.")})
        note = note.strip()
        new_address = new_address.strip()
        if finding != Finding.FOUND and not note:
            raise ValidationError({"note": _("Write a short note on what you found.")})
        if finding == Finding.MOVED and not (new_address or new_area):
            raise ValidationError({"new_address": _("Write where the person lives now.")})
        person = None
        if finding == Finding.FOUND:
            household, person = _household_for_found_registrant(
                actor=actor,
                registrant=registrant,
                household=household,
                relation=relation,
                village=village,
            )
        else:
            household = None
        record = RegistrantFinding.objects.create(
            registrant=registrant,
            finding=finding,
            note=note,
            new_address=new_address if finding == Finding.MOVED else "",
            new_area=new_area if finding == Finding.MOVED else None,
            household=household,
            person=person,
            recorded_by=actor,
        )
        record_audit_event(
            actor=actor,
            action="registrant.finding_recorded",
            target=registrant,
            details={"finding": finding, "finding_id": str(record.public_id)},
        )
        return record


# --- Duplicate review --------------------------------------------------------------------------


def review_duplicate(
    *, actor, candidate: DuplicateCandidate, status: str, note: str = ""
) -> DuplicateCandidate:
    """An area manager decides a flagged pair: different people, or the same person whose records
    were merged by hand. The system never merges; this records the decision."""
    with transaction.atomic():
        candidate = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
        require(actor, Action.REVIEW_DUPLICATES, candidate)
        if status not in DUPLICATE_TRANSITIONS.get(candidate.status, set()):
            raise ValidationError({"status": _("This pair has already been reviewed.")})
        candidate.status = status
        candidate.review_note = note.strip()
        candidate.reviewed_by = actor
        candidate.reviewed_at = timezone.now()
        candidate.save()
        record_audit_event(
            actor=actor, action="duplicate.reviewed", target=candidate, details={"status": status}
        )
        return candidate


# --- Moving a person's record between areas ----------------------------------------------------


def _audit_transfer(*, actor, action: str, transfer: PersonTransferRequest, details=None):
    """One audit row in each area concerned, so both areas' logs show every step. Details hold
    ids and codes only."""
    for area_code in dict.fromkeys([transfer.to_area_id, transfer.from_area_id]):
        record_audit_event(
            actor=actor,
            action=action,
            target=transfer,
            area_code=area_code,
            details=details or {},
        )


def _request_person_transfer(*, actor, elsewhere: _PersonElsewhere):
    """Record the request a refused link becomes (one pending request per person and target
    area; a repeated attempt adds nothing). Called outside the refused write's transaction."""
    target = elsewhere.target
    if target is None or not elsewhere.from_area_code:
        return None  # no area to ask (a record that never lived anywhere): refused only
    with transaction.atomic():
        pending = PersonTransferRequest.objects.filter(
            person=elsewhere.person, to_area=target.area, status=TransferStatus.PENDING
        ).first()
        if pending is not None:
            return pending
        transfer = PersonTransferRequest(
            person=elsewhere.person,
            from_area_id=elsewhere.from_area_code,
            to_area=target.area,
            to_household=target.household,
            relation=target.relation,
            house_number=target.house_number,
            house_registration_code=target.house_registration_code,
            requested_by=actor,
        )
        try:
            with transaction.atomic():
                transfer.save()
        except IntegrityError:  # the same request arrived meanwhile
            return PersonTransferRequest.objects.filter(
                person=elsewhere.person, to_area=target.area, status=TransferStatus.PENDING
            ).first()
        _audit_transfer(
            actor=actor,
            action="person_transfer.requested",
            transfer=transfer,
            details={"to_area": transfer.to_area_id},
        )
        return transfer


def _locked_transfer(transfer: PersonTransferRequest, actor, action: str):
    transfer = (
        PersonTransferRequest.objects.select_for_update()
        .select_related("to_area", "from_area")
        .get(pk=transfer.pk)
    )
    sides = transfer_sides_decided_by(actor, transfer)
    if not sides:
        raise PermissionDenied(_("You do not have permission to do this."))
    if not allows(transfer.status, action):
        raise ValidationError(_("This request has already been decided."), code="decided")
    if action == APPROVE and record_area_of(transfer.person) != transfer.from_area_id:
        # The record moved to another area after the request was made: the request no longer
        # speaks for the area that holds the person, so it may only be rejected.
        raise ValidationError(
            _("This request is out of date: the person's record is no longer in that area."),
            code="transfer_out_of_date",
        )
    return transfer, sides


def _close_other_transfers_of(*, actor, transfer: PersonTransferRequest) -> None:
    """Once a person is moved, their other pending requests speak for an area that no longer
    holds them: each is rejected, with an audit row in both of its areas."""
    others = PersonTransferRequest.objects.select_for_update().filter(
        person_id=transfer.person_id, status=TransferStatus.PENDING
    )
    for other in others.exclude(pk=transfer.pk):
        other.status = next_status(other.status, REJECT)
        other.rejected_by = actor
        other.rejected_at = timezone.now()
        other.decision_note = ""
        other.save()
        _audit_transfer(
            actor=actor,
            action="person_transfer.superseded",
            transfer=other,
            details={"by": str(transfer.public_id)},
        )


def _carry_out_transfer(*, actor, transfer: PersonTransferRequest) -> Household:
    """Link the person into the target household (or a new one in the target village) with the
    same writes as adding a member: membership, audit row, duplicate flags."""
    person = Person.objects.select_for_update().get(pk=transfer.person_id)
    if current_membership_of(person) is not None:
        # Joined a household meanwhile: said without naming where.
        raise ValidationError(
            _("This request cannot be carried out now; ask the other area's manager."),
            code="person_lives_in_a_household",
        )
    joined_on = timezone.localdate()
    if transfer.to_household_id is not None:
        household = _lock_household(transfer.to_household)
        if household.status != HouseholdStatus.ACTIVE:
            raise ValidationError(_("The household is no longer active: reject the request."))
        relation = transfer.relation
        if relation == Relation.HEAD and current_head_of(household) is not None:
            raise ValidationError(_("The household already has a head: reject the request."))
    else:
        household = Household(
            area=transfer.to_area,
            house_number=transfer.house_number,
            house_registration_code=transfer.house_registration_code,
        )
        household.full_clean()
        household.save()
        record_audit_event(actor=actor, action="household.created", target=household)
        relation = Relation.HEAD
    _join(actor=actor, household=household, person=person, relation=relation, joined_on=joined_on)
    return household


def approve_person_transfer(*, actor, transfer: PersonTransferRequest) -> PersonTransferRequest:
    """Approve a transfer for the side(s) the actor decides for. Once both sides have approved,
    the person is linked into the target household and the request is approved.

    Who: an area manager or provincial officer whose area contains the source or the target
    area (403 otherwise). The source side approves only a person who lives in no household (they
    are moved out first, in their own area).
    """
    with transaction.atomic():
        transfer, sides = _locked_transfer(transfer, actor, APPROVE)
        approved = {
            side
            for side, by in (
                (TRANSFER_SOURCE, transfer.from_approved_by_id),
                (TRANSFER_TARGET, transfer.to_approved_by_id),
            )
            if by is not None
        }
        deciding = sides - approved
        if not deciding:
            raise ValidationError(
                _("You have approved this request; it waits for the other area's manager."),
                code="already_approved",
            )
        now = timezone.now()
        if TRANSFER_SOURCE in deciding:
            if current_membership_of(transfer.person) is not None:
                raise ValidationError(
                    _("This person lives in a household. Move them out of it first, then approve."),
                    code="person_lives_in_a_household",
                )
            transfer.from_approved_by, transfer.from_approved_at = actor, now
        if TRANSFER_TARGET in deciding:
            transfer.to_approved_by, transfer.to_approved_at = actor, now
        _audit_transfer(
            actor=actor,
            action="person_transfer.side_approved",
            transfer=transfer,
            details={"sides": sorted(deciding)},
        )
        if transfer.from_approved_by_id and transfer.to_approved_by_id:
            household = _carry_out_transfer(actor=actor, transfer=transfer)
            _close_other_transfers_of(actor=actor, transfer=transfer)
            transfer.status = next_status(transfer.status, APPROVE)
            _audit_transfer(
                actor=actor,
                action="person_transfer.approved",
                transfer=transfer,
                details={"household": str(household.public_id)},
            )
        transfer.save()
        return transfer


def reject_person_transfer(
    *, actor, transfer: PersonTransferRequest, note: str = ""
) -> PersonTransferRequest:
    """Refuse a transfer: nothing changes for the person. Who: a manager of either side, as for
    `approve_person_transfer`. The note is shown only to those who may see the person."""
    with transaction.atomic():
        transfer, sides = _locked_transfer(transfer, actor, REJECT)
        transfer.status = next_status(transfer.status, REJECT)
        transfer.rejected_by = actor
        transfer.rejected_at = timezone.now()
        transfer.decision_note = note.strip()
        transfer.save()
        _audit_transfer(
            actor=actor,
            action="person_transfer.rejected",
            transfer=transfer,
            details={"sides": sorted(sides)},
        )
        return transfer


# --- Views of personal records (PDPA s.37 audit trail of access) ---------------------------------


def record_household_viewed(*, actor, household: Household) -> None:
    record_audit_event(actor=actor, action="household.viewed", target=household)


def record_person_viewed(*, actor, person: Person, area_code: str = "") -> None:
    record_audit_event(actor=actor, action="person.viewed", target=person, area_code=area_code)


def record_registrant_viewed(*, actor, registrant: WelfareRegistrant) -> None:
    record_audit_event(actor=actor, action="registrant.viewed", target=registrant)


def record_transfer_viewed(*, actor, transfer: PersonTransferRequest) -> None:
    """A transfer request names its person: the read is logged in the person's area."""
    record_audit_event(
        actor=actor,
        action="person_transfer.viewed",
        target=transfer,
        area_code=transfer.from_area_id,
    )


def record_duplicate_viewed(*, actor, candidate) -> None:
    """A duplicate review shows two records side by side (names, IDs, birth dates)."""
    record_audit_event(actor=actor, action="duplicate.viewed", target=candidate)
