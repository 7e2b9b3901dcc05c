"""The person page's history and the national ID masked by the area of the person's last
household: what a viewer sees of a person who moved, on the page and through the API."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from households.models import Membership
from ppaos.thai.thai_id import format_national_id, mask_national_id
from tests.factories import household_with_head

pytestmark = pytest.mark.django_db


def _person_page(client, user, person) -> str:
    client.force_login(user)
    response = client.get(reverse("households:person_detail", args=[person.public_id]))
    assert response.status_code == 200
    return response.content.decode()


def _moved(person, *, to_household, on=datetime.date(2024, 5, 1)):
    Membership.objects.filter(person=person, left_on__isnull=True).update(left_on=on)
    Membership.objects.create(
        household=to_household, person=person, relation="relative", joined_on=on
    )


def test_person_history_hides_the_address_of_a_household_outside_the_viewers_areas(
    client, facilitator
):
    earlier = household_with_head("49020101", first_name="ประยูร")  # district 4902: not theirs
    earlier.house_number = "999/77"
    earlier.save()
    person = earlier.memberships.get().person
    now = household_with_head("49010101")
    now.house_number = "12/3"
    now.save()
    _moved(person, to_household=now)

    body = _person_page(client, facilitator, person)

    assert "12/3" in body
    assert "999/77" not in body
    assert earlier.area.name_th not in body.split('data-testid="person-history"')[1]
    assert body.count('data-testid="history-elsewhere"') == 1
    assert body.count('data-testid="history-row"') == 2


def test_person_history_shows_every_household_to_a_province_wide_viewer(client, provincial_officer):
    earlier = household_with_head("49020101")
    earlier.house_number = "999/77"
    earlier.save()
    person = earlier.memberships.get().person
    _moved(person, to_household=household_with_head("49010101"))

    body = _person_page(client, provincial_officer, person)

    assert "999/77" in body and 'data-testid="history-elsewhere"' not in body


def test_a_person_who_moved_out_shows_their_id_where_they_last_lived(client, facilitator):
    household = household_with_head("49010101")
    person = household.memberships.get().person
    Membership.objects.filter(person=person).update(left_on=datetime.date(2025, 1, 1))

    body = _person_page(client, facilitator, person)

    assert format_national_id(person.national_id) in body
    assert 'data-testid="current-household"' not in body


def test_a_person_who_moved_out_elsewhere_is_masked_by_their_last_area(
    client, facilitator, area_manager
):
    """Lived in 490101 (the facilitator's), then in 490102, now nowhere: the record is the last
    area's, so the 490101 facilitator sees it masked, the 4901 area manager in full."""
    first = household_with_head("49010101")
    person = first.memberships.get().person
    _moved(person, to_household=household_with_head("49010201"))
    Membership.objects.filter(person=person, left_on__isnull=True).update(
        left_on=datetime.date(2025, 1, 1)
    )

    body = _person_page(client, facilitator, person)
    assert mask_national_id(person.national_id) in body
    assert format_national_id(person.national_id) not in body
    assert body.count('data-testid="history-elsewhere"') == 1

    body = _person_page(client, area_manager, person)
    assert format_national_id(person.national_id) in body


def test_person_api_shows_a_moved_out_persons_id_where_they_last_lived(facilitator):
    household = household_with_head("49010101")
    person = household.memberships.get().person
    Membership.objects.filter(person=person).update(left_on=datetime.date(2025, 1, 1))
    api = APIClient()
    api.force_authenticate(facilitator)

    body = api.get(f"/api/v1/persons/{person.public_id}/").json()

    assert body["national_id"] == format_national_id(person.national_id)
    assert body["area"] is None  # lives nowhere now


def test_person_api_masks_an_id_outside_the_viewers_id_areas(facilitator):
    household = household_with_head("49010101")
    person = household.memberships.get().person
    other = household_with_head("49010201").memberships.get().person
    api = APIClient()
    api.force_authenticate(facilitator)

    rows = api.get("/api/v1/persons/").json()["results"]

    assert [r["national_id"] for r in rows] == [format_national_id(person.national_id)]
    assert mask_national_id(other.national_id) not in str(rows)  # not even listed
