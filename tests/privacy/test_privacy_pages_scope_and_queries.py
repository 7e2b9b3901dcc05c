"""Privacy pages: an officer sees the requests of their province only, other roles are refused,
and the request list's queries do not grow with the number of requests."""

import pytest
from django.urls import reverse

from households.models import Membership
from privacy.models import RequestKind
from tests.factories import TEST_PASSWORD, household_with_head
from tests.privacy.privacy_helpers import logged_request

pytestmark = pytest.mark.django_db


def _request(officer):
    person = Membership.objects.get(household=household_with_head()).person
    return logged_request(officer, person, RequestKind.OBJECTION)


def test_other_province_gets_404_and_other_roles_403(
    client, provincial_officer, other_province_officer, facilitator
):
    item = _request(provincial_officer)
    url = reverse("privacy:request_detail", args=[item.public_id])
    client.login(username=other_province_officer.username, password=TEST_PASSWORD)
    assert client.get(url).status_code == 404
    assert client.get(reverse("privacy:request_list")).context["rows"] == []
    client.login(username=facilitator.username, password=TEST_PASSWORD)
    assert client.get(url).status_code == 403
    client.login(username=provincial_officer.username, password=TEST_PASSWORD)
    assert client.get(url).status_code == 200


def test_request_list_queries_are_bounded(
    client, provincial_officer, django_assert_max_num_queries
):
    for _ in range(5):
        _request(provincial_officer)
    client.login(username=provincial_officer.username, password=TEST_PASSWORD)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("privacy:request_list"))
    assert len(response.context["rows"]) == 5
