"""Household registry writes: findings, households, members, the one-head rule, audit rows."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from households import services
from households.models import (
    Finding,
    Household,
    HouseholdStatus,
    Membership,
    Person,
    RegistrantFinding,
    Relation,
)
from ppaos.areas.models import Area
from ppaos.audit.models import AuditEvent
from tests.factories import RegistrantFactory, household_with_head, make_national_id

pytestmark = pytest.mark.django_db

HEAD = {"national_id": "1-1017-00207-03-0", "first_name": "บุญมี", "last_name": "ศรีสุข"}


def _audit(action):
    return AuditEvent.objects.filter(action=action)


# --- findings ---------------------------------------------------------------------------------


def test_found_creates_household_and_person_with_head_membership(facilitator):
    registrant = RegistrantFactory(house_number="12/3", birth_date=datetime.date(1970, 5, 1))
    finding = services.record_registrant_finding(
        actor=facilitator, registrant=registrant, finding=Finding.FOUND, note="พบที่บ้าน"
    )
    person = Person.objects.get(national_id=registrant.national_id)
    assert (person.first_name, person.birth_date) == (registrant.first_name, registrant.birth_date)
    assert finding.person == person and finding.household.house_number == "12/3"
    assert finding.household.area_id == "49010101"
    membership = Membership.objects.get(person=person)
    assert membership.relation == Relation.HEAD and membership.left_on is None
    assert _audit("registrant.finding_recorded").get().details["finding"] == "found"
    assert _audit("household.created").count() == 1


def test_found_links_a_person_already_in_a_household(facilitator):
    household = household_with_head()
    head = household.memberships.get().person
    registrant = RegistrantFactory(national_id=head.national_id)
    finding = services.record_registrant_finding(
        actor=facilitator, registrant=registrant, finding=Finding.FOUND
    )
    assert finding.household == household and finding.person == head
    assert Household.objects.count() == 1 and Person.objects.count() == 1


def test_found_joins_a_chosen_household_with_a_relation(facilitator):
    household = household_with_head()
    registrant = RegistrantFactory()
    finding = services.record_registrant_finding(
        actor=facilitator,
        registrant=registrant,
        finding=Finding.FOUND,
        household=household,
        relation=Relation.SPOUSE,
    )
    assert finding.household == household
    assert household.memberships.filter(left_on__isnull=True).count() == 2


def test_found_refuses_a_second_head_in_a_chosen_household(facilitator):
    household = household_with_head()
    with pytest.raises(ValidationError) as error:
        services.record_registrant_finding(
            actor=facilitator,
            registrant=RegistrantFactory(),
            finding=Finding.FOUND,
            household=household,
            relation=Relation.HEAD,
        )
    assert "relation" in error.value.message_dict
    assert RegistrantFinding.objects.count() == 0


def test_found_without_a_village_asks_for_one(facilitator):
    registrant = RegistrantFactory(area_id="490101", village_number=None)
    with pytest.raises(ValidationError) as error:
        services.record_registrant_finding(
            actor=facilitator, registrant=registrant, finding=Finding.FOUND
        )
    assert "village" in error.value.message_dict
    finding = services.record_registrant_finding(
        actor=facilitator,
        registrant=registrant,
        finding=Finding.FOUND,
        village=Area.objects.get(code="49010102"),
    )
    assert finding.household.area_id == "49010102"


def test_moved_needs_the_new_address(facilitator):
    registrant = RegistrantFactory()
    with pytest.raises(ValidationError) as error:
        services.record_registrant_finding(
            actor=facilitator, registrant=registrant, finding=Finding.MOVED, note="ย้ายไปแล้ว"
        )
    assert "new_address" in error.value.message_dict
    finding = services.record_registrant_finding(
        actor=facilitator,
        registrant=registrant,
        finding=Finding.MOVED,
        note="ย้ายไปอยู่กับลูก",
        new_address="99 ถ.พิทักษ์พนมเขต อ.เมือง",
    )
    assert finding.new_address.startswith("99") and finding.household is None
    assert Person.objects.count() == 0


@pytest.mark.parametrize("finding", [Finding.DECEASED, Finding.NOT_FOUND, Finding.NOT_POOR])
def test_other_findings_need_a_note_and_create_no_person(facilitator, finding):
    registrant = RegistrantFactory()
    with pytest.raises(ValidationError) as error:
        services.record_registrant_finding(
            actor=facilitator, registrant=registrant, finding=finding, note="  "
        )
    assert "note" in error.value.message_dict
    record = services.record_registrant_finding(
        actor=facilitator, registrant=registrant, finding=finding, note="สอบถามเพื่อนบ้านแล้ว"
    )
    assert record.finding == finding and record.person is None and record.household is None
    assert Person.objects.count() == 0
    assert _audit("registrant.finding_recorded").get().details == {
        "finding": finding,
        "finding_id": str(record.public_id),
    }


def test_finding_outside_the_area_is_refused(neighbour_facilitator):
    registrant = RegistrantFactory(area_id="49010101")
    with pytest.raises(PermissionDenied):
        services.record_registrant_finding(
            actor=neighbour_facilitator, registrant=registrant, finding=Finding.NOT_FOUND, note="x"
        )


def test_provincial_officer_may_not_record_findings(provincial_officer):
    with pytest.raises(PermissionDenied):
        services.record_registrant_finding(
            actor=provincial_officer,
            registrant=RegistrantFactory(),
            finding=Finding.NOT_FOUND,
            note="x",
        )


def test_audit_details_hold_no_national_id_or_name(facilitator):
    registrant = RegistrantFactory()
    services.record_registrant_finding(
        actor=facilitator, registrant=registrant, finding=Finding.FOUND
    )
    for event in AuditEvent.objects.all():
        text = str(event.details)
        assert registrant.national_id not in text and registrant.last_name not in text


# --- households and members -----------------------------------------------------------------


def test_create_household_validates_the_national_id_in_any_format(facilitator, villages):
    household = services.create_household(
        actor=facilitator, area=villages["49010101"], house_number=" 7 ", head=HEAD
    )
    head = household.memberships.get()
    assert head.relation == Relation.HEAD and head.person.national_id == "1101700207030"
    assert household.house_number == "7"
    thai = dict(HEAD, national_id="๑๑๐๑๗๐๐๒๓๐๗๐๕")  # bad checksum, Thai digits
    with pytest.raises(ValidationError) as error:
        services.create_household(actor=facilitator, area=villages["49010102"], head=thai)
    assert "national_id" in error.value.message_dict
    assert Household.objects.count() == 1


def test_create_household_needs_a_village_in_scope(facilitator, villages):
    with pytest.raises(PermissionDenied):
        services.create_household(actor=facilitator, area=villages["49010201"], head=HEAD)
    with pytest.raises(ValidationError):
        services.create_household(
            actor=facilitator, area=Area.objects.get(code="490101"), head=HEAD
        )


def test_add_member_refuses_a_second_head(facilitator):
    household = household_with_head()
    member = {"national_id": make_national_id(42), "first_name": "ก", "last_name": "ข"}
    with pytest.raises(ValidationError) as error:
        services.add_member(actor=facilitator, household=household, person=member, relation="head")
    assert "relation" in error.value.message_dict
    membership = services.add_member(
        actor=facilitator, household=household, person=member, relation=Relation.CHILD
    )
    assert membership.person.national_id == make_national_id(42)
    assert _audit("household.member_added").count() == 1


def test_a_person_lives_in_one_household_at_a_time(facilitator):
    first = household_with_head()
    second = household_with_head(area_code="49010102")
    person = first.memberships.get().person
    data = {"national_id": person.national_id, "first_name": "x", "last_name": "y"}
    with pytest.raises(ValidationError):
        services.add_member(actor=facilitator, household=second, person=data, relation="child")


def test_moving_out_keeps_history_and_allows_joining_elsewhere(facilitator):
    first = household_with_head()
    member = services.add_member(
        actor=facilitator,
        household=first,
        person={"national_id": make_national_id(7), "first_name": "ก", "last_name": "ข"},
        relation=Relation.CHILD,
        joined_on=datetime.date(2021, 1, 1),
    )
    services.move_member_out(
        actor=facilitator, membership=member, left_on=datetime.date(2024, 6, 1), reason="แต่งงาน"
    )
    second = household_with_head(area_code="49010102")
    services.add_member(
        actor=facilitator,
        household=second,
        person={"national_id": make_national_id(7), "first_name": "ก", "last_name": "ข"},
        relation=Relation.SPOUSE,
    )
    history = Membership.objects.filter(person=member.person).order_by("joined_on")
    assert [(m.household_id, m.left_on) for m in history] == [
        (first.pk, datetime.date(2024, 6, 1)),
        (second.pk, None),
    ]
    assert _audit("household.member_moved_out").count() == 1


def test_the_head_cannot_leave_others_headless(facilitator):
    household = household_with_head()
    head = household.memberships.get()
    services.add_member(
        actor=facilitator,
        household=household,
        person={"national_id": make_national_id(8), "first_name": "ก", "last_name": "ข"},
        relation=Relation.SPOUSE,
    )
    with pytest.raises(ValidationError):
        services.move_member_out(actor=facilitator, membership=head)
    head.refresh_from_db()
    assert head.left_on is None


def test_the_last_member_leaving_dissolves_the_household(facilitator):
    household = household_with_head()
    services.move_member_out(actor=facilitator, membership=household.memberships.get())
    household.refresh_from_db()
    assert household.status == HouseholdStatus.DISSOLVED


def test_transfer_head_is_one_operation(facilitator):
    household = household_with_head()
    former = household.memberships.get()
    spouse = services.add_member(
        actor=facilitator,
        household=household,
        person={"national_id": make_national_id(9), "first_name": "ก", "last_name": "ข"},
        relation=Relation.SPOUSE,
    )
    services.transfer_head(
        actor=facilitator,
        household=household,
        new_head=spouse,
        former_head_relation=Relation.SPOUSE,
    )
    relations = dict(household.memberships.values_list("pk", "relation"))
    assert relations == {former.pk: Relation.SPOUSE, spouse.pk: Relation.HEAD}
    # Now the former head may move out: someone else heads the household.
    former.refresh_from_db()
    services.move_member_out(actor=facilitator, membership=former)


def test_update_member_cannot_change_the_head_role(facilitator):
    household = household_with_head()
    head = household.memberships.get()
    with pytest.raises(ValidationError):
        services.update_member(actor=facilitator, membership=head, person={}, relation="spouse")


def test_update_member_validates_and_audits(facilitator):
    household = household_with_head()
    head = household.memberships.get()
    with pytest.raises(ValidationError):
        services.update_member(
            actor=facilitator,
            membership=head,
            person={"national_id": "1101700230705"},
            relation="head",
        )
    services.update_member(
        actor=facilitator,
        membership=head,
        person={"occupation": "ทำนา", "is_bedridden": True},
        relation="head",
    )
    head.person.refresh_from_db()
    assert head.person.occupation == "ทำนา" and head.person.is_bedridden
    event = _audit("person.updated").get()
    assert event.details == {"fields": ["is_bedridden", "occupation"]}


def test_database_refuses_two_current_heads(villages):
    household = household_with_head()
    other = household_with_head().memberships.get().person
    Membership.objects.filter(person=other).update(left_on=datetime.date(2020, 2, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            household=household, person=other, relation="head", joined_on=datetime.date(2021, 1, 1)
        )


def test_editing_another_areas_household_is_refused(neighbour_facilitator):
    household = household_with_head()
    with pytest.raises(PermissionDenied):
        services.update_household(
            actor=neighbour_facilitator, household=household, house_number="1"
        )
