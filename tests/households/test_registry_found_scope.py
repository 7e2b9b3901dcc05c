"""A "found" finding on a registry row whose national ID belongs to a person of another area
(security probe L2, L3): no household is created, nothing is linked, and the answer is the same
neutral 400 whether that person lives in a household or nowhere, never a 403."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from households import services
from households.models import (
    Finding,
    Household,
    Membership,
    PersonTransferRequest,
    RegistrantFinding,
)
from tests.factories import RegistrantFactory, household_with_head, make_national_id

pytestmark = pytest.mark.django_db

NEUTRAL_EN = (
    "This national ID cannot be used here. A request to move the record has been sent; "
    "ask your area manager."
)


def _registrant_of_person_elsewhere(n, *, living: bool):
    national_id = make_national_id(n)
    household = household_with_head("49020101", national_id=national_id, first_name="ประยูร")
    person = household.memberships.get().person
    if not living:
        Membership.objects.filter(person=person).update(left_on=datetime.date(2025, 1, 1))
    return RegistrantFactory(national_id=national_id, area_id="49010101"), person


@pytest.mark.parametrize("living", [True, False])
def test_found_with_an_id_of_another_area_creates_nothing(facilitator, living):
    registrant, person = _registrant_of_person_elsewhere(31 + living, living=living)
    before = Household.objects.count()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.record_registrant_finding(
            actor=facilitator, registrant=registrant, finding=Finding.FOUND
        )
    assert refused.value.message_dict == {"national_id": [NEUTRAL_EN]}
    assert Household.objects.count() == before
    assert not RegistrantFinding.objects.exists()
    assert Membership.objects.get(person=person).household.area_id == "49020101"
    transfer = PersonTransferRequest.objects.get()
    assert (transfer.from_area_id, transfer.to_area_id) == ("49020101", "49010101")
    assert transfer.to_household is None and transfer.relation == "head"


def test_found_into_a_chosen_household_with_an_id_of_another_area_is_refused(facilitator):
    registrant, _person = _registrant_of_person_elsewhere(33, living=False)
    household = household_with_head("49010101")
    with pytest.raises(ValidationError):
        services.record_registrant_finding(
            actor=facilitator,
            registrant=registrant,
            finding=Finding.FOUND,
            household=household,
            relation="spouse",
        )
    assert household.memberships.count() == 1
    assert PersonTransferRequest.objects.get().to_household == household


def test_api_found_answers_alike_for_both_cases_and_never_403(facilitator):
    client = APIClient()
    client.force_authenticate(facilitator)
    answers = []
    for n, living in ((34, True), (35, False)):
        registrant, _person = _registrant_of_person_elsewhere(n, living=living)
        answers.append(
            client.post(
                f"/api/v1/registrants/{registrant.public_id}/findings/",
                {"finding": "found"},
                format="json",
                HTTP_ACCEPT_LANGUAGE="en",
            )
        )
    assert [a.status_code for a in answers] == [400, 400]
    assert answers[0].json() == answers[1].json() == {"national_id": [NEUTRAL_EN]}
    assert "ประยูร" not in answers[0].content.decode()
    # An unknown ID creates the household, as before.
    unknown = RegistrantFactory(area_id="49010101")
    created = client.post(
        f"/api/v1/registrants/{unknown.public_id}/findings/", {"finding": "found"}, format="json"
    )
    assert created.status_code == 201


def test_found_page_shows_the_neutral_answer(client, facilitator):
    registrant, _person = _registrant_of_person_elsewhere(36, living=True)
    client.force_login(facilitator)
    with translation.override("en"):
        answer = client.post(
            reverse("households:registrant_detail", args=[registrant.public_id]),
            {"finding": "found"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert answer.status_code == 200
    assert NEUTRAL_EN in answer.content.decode()
    assert "ประยูร" not in answer.content.decode()
    assert not RegistrantFinding.objects.exists()


def test_found_with_an_id_living_in_the_callers_own_area_still_links(facilitator):
    household = household_with_head("49010102", national_id=make_national_id(37))
    registrant = RegistrantFactory(national_id=make_national_id(37), area_id="49010101")
    finding = services.record_registrant_finding(
        actor=facilitator, registrant=registrant, finding=Finding.FOUND
    )
    assert finding.household == household
