"""Likely duplicates (same names and birth date, another ID) go to a review queue, never merged."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from households import selectors, services
from households.models import DuplicateCandidate, DuplicateStatus, Finding, Person
from tests.factories import RegistrantFactory, household_with_head, make_national_id

pytestmark = pytest.mark.django_db

BORN = datetime.date(1975, 3, 9)


def _member(n, **fields):
    return {
        "national_id": make_national_id(n),
        "first_name": "สมศรี",
        "last_name": "ใจดี",
        "birth_date": BORN,
        **fields,
    }


def test_same_name_and_birth_date_under_another_id_is_flagged(facilitator):
    household = household_with_head(first_name="สมศรี", last_name="ใจดี", birth_date=BORN)
    services.add_member(actor=facilitator, household=household, person=_member(1), relation="child")
    candidate = DuplicateCandidate.objects.get()
    assert candidate.person.national_id == make_national_id(1)
    assert candidate.other_person == household.memberships.get(relation="head").person
    assert candidate.status == DuplicateStatus.OPEN and candidate.area_id == "49010101"
    assert Person.objects.count() == 2  # nothing merged


def test_a_different_birth_date_is_not_flagged(facilitator):
    household = household_with_head(first_name="สมศรี", last_name="ใจดี", birth_date=BORN)
    services.add_member(
        actor=facilitator,
        household=household,
        person=_member(2, birth_date=datetime.date(1976, 3, 9)),
        relation="child",
    )
    assert not DuplicateCandidate.objects.exists()


def test_a_registry_row_with_the_same_name_and_birth_date_is_flagged(facilitator):
    other = RegistrantFactory(first_name="สมศรี", last_name="ใจดี", birth_date=BORN)
    found = RegistrantFactory(first_name="สมศรี", last_name="ใจดี", birth_date=BORN)
    services.record_registrant_finding(actor=facilitator, registrant=found, finding=Finding.FOUND)
    candidate = DuplicateCandidate.objects.get()
    assert candidate.other_registrant == other
    assert candidate.person.national_id == found.national_id


def test_editing_names_into_a_clash_is_flagged_once(facilitator):
    household = household_with_head(first_name="สมศรี", last_name="ใจดี", birth_date=BORN)
    member = services.add_member(
        actor=facilitator,
        household=household,
        person=_member(3, last_name="ใจงาม"),
        relation="child",
    )
    assert not DuplicateCandidate.objects.exists()
    for _ in range(2):
        services.update_member(
            actor=facilitator, membership=member, person={"last_name": "ใจดี"}, relation="child"
        )
    assert DuplicateCandidate.objects.count() == 1


def test_area_manager_reviews_and_the_decision_is_final(area_manager, facilitator):
    household = household_with_head(first_name="สมศรี", last_name="ใจดี", birth_date=BORN)
    services.add_member(actor=facilitator, household=household, person=_member(4), relation="child")
    candidate = selectors.duplicates_visible_to(area_manager).get()
    with pytest.raises(PermissionDenied):
        services.review_duplicate(
            actor=facilitator, candidate=candidate, status=DuplicateStatus.CONFIRMED_DISTINCT
        )
    services.review_duplicate(
        actor=area_manager,
        candidate=candidate,
        status=DuplicateStatus.CONFIRMED_DISTINCT,
        note="คนละคน ตรวจบัตรแล้ว",
    )
    candidate.refresh_from_db()
    assert candidate.reviewed_by == area_manager and candidate.reviewed_at is not None
    assert not selectors.duplicates_visible_to(area_manager).exists()
    with pytest.raises(ValidationError):
        services.review_duplicate(
            actor=area_manager, candidate=candidate, status=DuplicateStatus.MERGED_BY_HAND
        )


def test_the_queue_is_scoped(facilitator, neighbour_facilitator, no_role_user):
    household = household_with_head(first_name="สมศรี", last_name="ใจดี", birth_date=BORN)
    services.add_member(actor=facilitator, household=household, person=_member(5), relation="child")
    assert not selectors.duplicates_visible_to(facilitator).exists()  # role lacks the action
    assert not selectors.duplicates_visible_to(no_role_user).exists()
