"""Erasure anonymises a person who left the registry's care, and is refused (with the legal
reason) while a duty to keep the record applies."""

import datetime

import pytest

from households.models import Membership, Person, WelfareRegistrant
from privacy.models import RequestKind, RequestStatus
from privacy.services import ERASED_NAME, erase_person
from tests.factories import RegistrantFactory, household_with_head
from tests.privacy.privacy_helpers import logged_request

pytestmark = pytest.mark.django_db


def _person_who_moved_out():
    household = household_with_head(birth_date=datetime.date(1980, 6, 15))
    membership = Membership.objects.get(household=household)
    membership.left_on = datetime.date(2025, 1, 1)
    membership.save()
    return household, membership.person


def test_erasure_anonymises_and_keeps_the_rows(provincial_officer):
    household, person = _person_who_moved_out()
    RegistrantFactory(national_id=person.national_id, phone="0812345678")
    old_id = person.national_id
    request = logged_request(provincial_officer, person, RequestKind.ERASURE)

    erase_person(actor=provincial_officer, request=request)

    person.refresh_from_db()
    assert (person.first_name, person.last_name) == (ERASED_NAME, "")
    assert person.national_id.startswith("0") and len(person.national_id) == 13
    assert person.birth_date == datetime.date(1980, 1, 1)
    assert not Person.objects.filter(national_id=old_id).exists()
    assert not WelfareRegistrant.objects.filter(national_id=old_id).exists()
    assert WelfareRegistrant.objects.get(national_id=person.national_id).phone == ""
    assert Membership.objects.filter(household=household, person=person).exists()
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED


def test_erasure_is_refused_for_a_member_of_an_active_household(provincial_officer):
    household = household_with_head()
    person = Membership.objects.get(household=household).person
    name = person.first_name
    request = logged_request(provincial_officer, person, RequestKind.ERASURE)

    erase_person(actor=provincial_officer, request=request)

    request.refresh_from_db()
    person.refresh_from_db()
    assert request.status == RequestStatus.REFUSED
    assert "33" in request.outcome  # the section, in Thai or English
    assert person.first_name == name


def test_erasure_clears_the_answers_kept_from_phones(provincial_officer, facilitator):
    import uuid

    from households.models import OfflineChange, OfflineChangeStatus

    household, person = _person_who_moved_out()
    change = OfflineChange.objects.create(
        change_id=uuid.uuid4(),
        user=facilitator,
        household=household,
        step="members",
        base_version=1,
        fields={"m0_chronic_illness": True},
        status=OfflineChangeStatus.CONFLICT,
        response_status=409,
        response={"status": "conflict", "mine": {"m0_chronic_illness": True}},
    )
    request = logged_request(provincial_officer, person, RequestKind.ERASURE)

    erase_person(actor=provincial_officer, request=request)

    change.refresh_from_db()
    assert change.fields == {} and change.response == {"status": "conflict"}
