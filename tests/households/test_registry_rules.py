"""Registry rules the pages and the API share: where a found registrant's household may be placed,
a national ID registered meanwhile by someone else, and a stable order for searched lists."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation
from rest_framework.test import APIClient

from households import services
from households.models import Finding, Household, Person, RegistrantFinding
from ppaos.areas.models import Area
from tests.factories import RegistrantFactory, household_with_head, make_national_id

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


# --- the village of a found registrant's new household ---------------------------------------


def test_the_service_refuses_a_village_outside_the_registrants_subdistrict(area_manager):
    registrant = RegistrantFactory(area_id="490101")  # the registry gave only the subdistrict
    with pytest.raises(ValidationError) as refused:
        services.record_registrant_finding(
            actor=area_manager,
            registrant=registrant,
            finding=Finding.FOUND,
            village=Area.objects.get(code="49010201"),
        )
    assert "village" in refused.value.message_dict
    assert not Household.objects.exists() and not RegistrantFinding.objects.exists()


def test_the_api_refuses_a_village_outside_the_registrants_subdistrict(area_manager):
    registrant = RegistrantFactory(area_id="490101")
    url = f"/api/v1/registrants/{registrant.public_id}/findings/"
    client = _api(area_manager)
    refused = client.post(url, {"finding": "found", "village": "49010201"}, format="json")
    assert refused.status_code == 400
    # In the user's language: Thai unless English is chosen.
    assert refused.json()["village"] == ["เลือกหมู่บ้านในตำบลของผู้ลงทะเบียน"]
    assert not Household.objects.exists()
    accepted = client.post(url, {"finding": "found", "village": "49010102"}, format="json")
    assert accepted.status_code == 201
    assert Household.objects.get().area_id == "49010102"


# --- a national ID registered by someone else between the lookup and the insert ---------------


def test_a_national_id_registered_meanwhile_is_a_validation_error_not_a_500(
    facilitator, monkeypatch
):
    taken = household_with_head(national_id=make_national_id(42)).memberships.get().person
    # The lookup ran before the other request committed: it finds nobody.
    monkeypatch.setattr(Person.objects, "select_for_update", lambda: Person.objects.none())
    with pytest.raises(ValidationError) as refused:
        services.create_household(
            actor=facilitator,
            area=taken.memberships.get().household.area,
            head={"national_id": taken.national_id, "first_name": "ก", "last_name": "ข"},
        )
    assert refused.value.message_dict["national_id"] == [
        "This person already lives in another household. Move them out of it first."
    ]
    assert Household.objects.count() == 1 and Person.objects.count() == 1
    assert not connection.needs_rollback


def test_the_api_answers_400_when_the_national_id_was_registered_meanwhile(
    facilitator, monkeypatch
):
    taken = household_with_head(national_id=make_national_id(43)).memberships.get().person
    monkeypatch.setattr(Person.objects, "select_for_update", lambda: Person.objects.none())
    response = _api(facilitator).post(
        "/api/v1/households/",
        {
            "area": "49010101",
            "head": {"national_id": taken.national_id, "first_name": "ก", "last_name": "ข"},
        },
        format="json",
    )
    assert response.status_code == 400 and "national_id" in response.json()


# --- searched API lists page in a stable order ------------------------------------------------


@pytest.mark.parametrize(
    ("resource", "value"),
    [("persons", "1101700207030"), ("registrants", "1101700207030"), ("persons", "123")],
)
def test_a_national_id_search_is_explicitly_ordered(facilitator, resource, value):
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from households.api.views import PersonViewSet, RegistrantViewSet

    view_class = {"persons": PersonViewSet, "registrants": RegistrantViewSet}[resource]
    request = Request(APIRequestFactory().get(f"/api/v1/{resource}/", {"q": value}))
    request.user = facilitator
    view = view_class(request=request, action="list", format_kwarg=None, kwargs={})
    queryset = view.filter_queryset(view.get_queryset())
    assert queryset.query.order_by, "paged without an explicit order"
    assert queryset.query.order_by[-1] in ("id", "-id")


def test_a_national_id_search_through_the_api_finds_the_one_person(facilitator):
    household = household_with_head(national_id="1101700207030")
    response = _api(facilitator).get("/api/v1/persons/", {"q": "1-1017-00207-03-0"})
    assert response.status_code == 200
    person = household.memberships.get().person
    assert [row["id"] for row in response.json()["results"]] == [str(person.public_id)]
