"""PDPA: no names of data subjects in the audit log, every read of a record logged, national IDs
masked by the area of the record they belong to."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from households import services
from households.models import DuplicateCandidate, Finding, Person
from ppaos.audit.models import AuditEvent
from ppaos.thai.thai_id import format_national_id
from tests.factories import RegistrantFactory, household_with_head, make_national_id
from tests.households.surveys.survey_helpers import started_survey

pytestmark = pytest.mark.django_db

BORN = datetime.date(1975, 3, 9)


def test_the_services_log_persons_and_registrants_without_their_names(facilitator):
    registrant = RegistrantFactory(first_name="สมศรี", last_name="ใจดีมาก")
    services.record_registrant_finding(
        actor=facilitator, registrant=registrant, finding=Finding.FOUND
    )
    person = Person.objects.get(national_id=registrant.national_id)
    services.record_person_viewed(actor=facilitator, person=person)
    rows = AuditEvent.objects.filter(
        object_type__in=["households.person", "households.welfareregistrant"]
    )
    assert {row.object_repr for row in rows} == {
        f"person {person.public_id}",
        f"registrant {registrant.public_id}",
    }
    assert not AuditEvent.objects.filter(object_repr__contains="ใจดีมาก").exists()


def test_the_person_page_access_record_reads_well(client, facilitator):
    household = household_with_head(first_name="บุญมี", last_name="ศรีสุข")
    person = household.memberships.get().person
    client.force_login(facilitator)
    body = client.get(reverse("households:person_detail", args=[person.public_id])).content
    body = body.decode()
    assert "person.viewed" in body and str(facilitator) in body
    assert AuditEvent.objects.get(action="person.viewed").object_repr == (
        f"person {person.public_id}"
    )


def _flag_against_registrant_in(area_code, facilitator):
    """A person added in 49010101 with the same name and birth date as a registry row elsewhere."""
    other = RegistrantFactory(
        first_name="สมศรี", last_name="ใจดี", birth_date=BORN, area_id=area_code
    )
    household = household_with_head("49010101")
    services.add_member(
        actor=facilitator,
        household=household,
        person={
            "national_id": make_national_id(7),
            "first_name": "สมศรี",
            "last_name": "ใจดี",
            "birth_date": BORN,
        },
        relation="child",
    )
    return DuplicateCandidate.objects.get(other_registrant=other), other


def test_duplicate_review_of_a_pair_across_districts_is_the_provincial_officers(
    client, facilitator, area_manager, provincial_officer
):
    # The registry row is in district 4902: the 4901 manager may not see it, so the pair is
    # filed under the province (it used to be shown to the 4901 manager, masked).
    candidate, other = _flag_against_registrant_in("49020101", facilitator)
    url = reverse("households:duplicate_review", args=[candidate.public_id])
    client.force_login(area_manager)
    assert client.get(url).status_code == 404
    client.force_login(provincial_officer)
    body = client.get(url).content.decode()
    assert format_national_id(other.national_id) in body
    assert format_national_id(candidate.person.national_id) in body


def test_duplicate_review_shows_the_other_record_in_full_inside_the_reviewers_area(
    client, facilitator, area_manager
):
    candidate, other = _flag_against_registrant_in("49010201", facilitator)
    client.force_login(area_manager)
    body = client.get(reverse("households:duplicate_review", args=[candidate.public_id]))
    assert format_national_id(other.national_id) in body.content.decode()


def test_duplicate_review_of_another_districts_person_is_not_the_area_managers(
    client, facilitator, area_manager
):
    elsewhere = household_with_head("49020101", first_name="สมศรี", last_name="ใจดี", birth_date=BORN)
    other = elsewhere.memberships.get().person
    household = household_with_head("49010101")
    services.add_member(
        actor=facilitator,
        household=household,
        person={
            "national_id": make_national_id(8),
            "first_name": "สมศรี",
            "last_name": "ใจดี",
            "birth_date": BORN,
        },
        relation="child",
    )
    candidate = DuplicateCandidate.objects.get(other_person=other)
    # Across districts: not the 4901 manager's pair any more (it was shown to them, masked).
    client.force_login(area_manager)
    url = reverse("households:duplicate_review", args=[candidate.public_id])
    assert client.get(url).status_code == 404


def test_reading_a_survey_through_the_api_is_logged_like_the_page(facilitator):
    survey = started_survey(facilitator)
    api = APIClient()
    api.force_authenticate(facilitator)
    response = api.get(f"/api/v1/surveys/{survey.public_id}/")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="survey.viewed")
    assert event.actor == facilitator and event.object_id == str(survey.public_id)
    assert event.area_code == survey.household.area_id
    # The list does not name members: it is not logged per survey.
    api.get("/api/v1/surveys/")
    assert AuditEvent.objects.filter(action="survey.viewed").count() == 1


@pytest.mark.parametrize(
    ("resource", "action"),
    [
        ("households", "household.viewed"),
        ("persons", "person.viewed"),
        ("registrants", "registrant.viewed"),
    ],
)
def test_reading_registry_records_through_the_api_is_logged(facilitator, resource, action):
    household = household_with_head()
    record = {
        "households": household,
        "persons": household.memberships.get().person,
        "registrants": RegistrantFactory(),
    }[resource]
    api = APIClient()
    api.force_authenticate(facilitator)
    assert api.get(f"/api/v1/{resource}/{record.public_id}/").status_code == 200
    assert AuditEvent.objects.get(action=action).object_id == str(record.public_id)
