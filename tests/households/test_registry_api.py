"""Registry REST API: scope, roles, filters, bounded queries, masking, findings, members."""

import datetime

import pytest
from rest_framework.test import APIClient

from households import services
from households.models import Finding, Household, RegistrantFinding
from ppaos.accounts import policy
from ppaos.accounts.models import Role
from ppaos.audit.models import AuditEvent
from tests.factories import RegistrantFactory, household_with_head, make_national_id

pytestmark = pytest.mark.django_db

NID = "1101700207030"


@pytest.fixture
def api():
    return APIClient()


def _as(api, user):
    api.force_authenticate(user)
    return api


def test_list_endpoints_need_login(api):
    for url in ("/api/v1/households/", "/api/v1/persons/", "/api/v1/registrants/"):
        assert api.get(url).status_code in (401, 403)


@pytest.mark.parametrize("resource", ["households", "persons", "registrants"])
def test_wrong_role_answers_403(api, executive, resource):
    assert _as(api, executive).get(f"/api/v1/{resource}/").status_code == 403


@pytest.mark.parametrize("resource", ["households", "persons", "registrants"])
def test_no_assignment_gets_an_empty_list(api, no_role_user, resource):
    household_with_head(national_id=NID)
    RegistrantFactory()
    response = _as(api, no_role_user).get(f"/api/v1/{resource}/")
    assert response.status_code == 200 and response.json()["count"] == 0


def test_another_areas_records_answer_404(api, neighbour_facilitator):
    household = household_with_head("49010101")
    person = household.memberships.get().person
    registrant = RegistrantFactory()
    client = _as(api, neighbour_facilitator)
    assert client.get(f"/api/v1/households/{household.public_id}/").status_code == 404
    assert client.get(f"/api/v1/persons/{person.public_id}/").status_code == 404
    assert client.get(f"/api/v1/registrants/{registrant.public_id}/").status_code == 404
    response = client.post(
        f"/api/v1/registrants/{registrant.public_id}/findings/",
        {"finding": "not_found", "note": "x"},
        format="json",
    )
    assert response.status_code == 404


def test_household_list_has_a_bounded_number_of_queries(
    api, facilitator, django_assert_max_num_queries
):
    for _ in range(20):
        household = household_with_head()
        services.add_member(
            actor=facilitator,
            household=household,
            person={
                "national_id": make_national_id(household.pk + 70000),
                "first_name": "ก",
                "last_name": "ข",
            },
            relation="child",
        )
    client = _as(api, facilitator)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/households/")
    body = response.json()
    assert body["count"] == 20 and len(body["results"][0]["members"]) == 2


@pytest.mark.parametrize("resource", ["persons", "registrants"])
def test_person_and_registrant_lists_have_a_bounded_number_of_queries(
    api, facilitator, django_assert_max_num_queries, resource
):
    for _ in range(20):
        household_with_head()
        RegistrantFactory()
    client = _as(api, facilitator)
    with django_assert_max_num_queries(6):
        response = client.get(f"/api/v1/{resource}/")
    assert response.json()["count"] == 20


def test_page_size_is_bounded(api, facilitator):
    for _ in range(3):
        RegistrantFactory()
    body = _as(api, facilitator).get("/api/v1/registrants/", {"page_size": 10000}).json()
    assert body["count"] == 3  # accepted, and capped at the maximum (200) by the paginator


def test_search_by_id_in_any_format_and_misspelt_name(api, facilitator):
    household_with_head(national_id=NID, first_name="สมศรี", last_name="ใจดี")
    household_with_head(first_name="ประยุทธ", last_name="มั่นคง")
    client = _as(api, facilitator)
    for q in ("1-1017-00207-03-0", "๑๑๐๑๗๐๐๒๐๗๐๓๐", "สมสรี ใจดี"):
        results = client.get("/api/v1/persons/", {"q": q}).json()["results"]
        assert [r["first_name"] for r in results][:1] == ["สมศรี"], q


def test_vulnerable_group_and_area_filters(api, facilitator):
    plain = household_with_head("49010101")
    bedridden = household_with_head("49010102", is_bedridden=True)
    elderly = household_with_head("49010102", birth_date=datetime.date(1940, 1, 1))
    client = _as(api, facilitator)

    def ids(**params):
        return {r["id"] for r in client.get("/api/v1/households/", params).json()["results"]}

    assert ids(bedridden="true") == {str(bedridden.public_id)}
    assert ids(elderly="true") == {str(elderly.public_id)}
    assert ids(area="49010102") == {str(bedridden.public_id), str(elderly.public_id)}
    assert ids(area="49010101", bedridden="false") == {str(plain.public_id)}


def test_national_ids_are_masked_for_roles_without_the_right(api, provincial_officer, monkeypatch):
    household_with_head(national_id=NID)
    client = _as(api, provincial_officer)
    assert client.get("/api/v1/persons/").json()["results"][0]["national_id"] == (
        "1-1017-00207-03-0"
    )
    reduced = policy.ROLE_ACTIONS[Role.PROVINCIAL_OFFICER] - {policy.Action.VIEW_NATIONAL_ID}
    monkeypatch.setitem(policy.ROLE_ACTIONS, Role.PROVINCIAL_OFFICER, reduced)
    person = client.get("/api/v1/persons/").json()["results"][0]
    assert person["national_id"] == "1-1017-xxxxx-xx-0"
    household = client.get("/api/v1/households/").json()["results"][0]
    assert household["members"][0]["national_id"] == "1-1017-xxxxx-xx-0"


def test_record_a_finding_through_the_api(api, facilitator):
    registrant = RegistrantFactory()
    client = _as(api, facilitator)
    url = f"/api/v1/registrants/{registrant.public_id}/findings/"
    refused = client.post(url, {"finding": "moved", "note": "ย้าย"}, format="json")
    assert refused.status_code == 400 and "new_address" in refused.json()
    response = client.post(url, {"finding": Finding.FOUND}, format="json")
    assert response.status_code == 201
    household = Household.objects.get()
    assert response.json()["household"] == str(household.public_id)
    assert [f["finding"] for f in client.get(url).json()] == ["found"]
    reviewed = client.get("/api/v1/registrants/", {"reviewed": "false"}).json()
    assert reviewed["count"] == 0


def test_provincial_officer_may_read_but_not_record_findings(api, provincial_officer):
    registrant = RegistrantFactory()
    client = _as(api, provincial_officer)
    assert client.get(f"/api/v1/registrants/{registrant.public_id}/").status_code == 200
    response = client.post(
        f"/api/v1/registrants/{registrant.public_id}/findings/",
        {"finding": "not_found", "note": "x"},
        format="json",
    )
    assert response.status_code == 403 and not RegistrantFinding.objects.exists()
    response = client.post(
        "/api/v1/households/",
        {"area": "49010101", "head": {"national_id": NID, "first_name": "ก", "last_name": "ข"}},
        format="json",
    )
    assert response.status_code == 403


def test_create_household_add_member_transfer_head_and_move_out(api, facilitator):
    client = _as(api, facilitator)
    response = client.post(
        "/api/v1/households/",
        {
            "area": "49010101",
            "house_number": "9",
            "head": {"national_id": "1 1017 00207 03 0", "first_name": "บุญ", "last_name": "มา"},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    url = f"/api/v1/households/{response.json()['id']}/"
    second_head = client.post(
        url + "members/",
        {
            "person": {"national_id": make_national_id(5), "first_name": "ก", "last_name": "ข"},
            "relation": "head",
        },
        format="json",
    )
    assert second_head.status_code == 400
    added = client.post(
        url + "members/",
        {
            "person": {"national_id": make_national_id(5), "first_name": "ก", "last_name": "ข"},
            "relation": "spouse",
        },
        format="json",
    )
    assert added.status_code == 201
    members = {m["national_id"]: m["id"] for m in added.json()["members"]}
    spouse_id = members["1-0000-00000-05-" + make_national_id(5)[-1]]
    head_id = members["1-1017-00207-03-0"]
    assert client.post(url + "move-out/", {"membership": head_id}).status_code == 400
    moved = client.post(
        url + "transfer-head/", {"membership": spouse_id, "former_head_relation": "spouse"}
    )
    assert moved.status_code == 200
    assert client.post(url + "move-out/", {"membership": head_id}).status_code == 200
    assert len(client.get(url).json()["members"]) == 1
    assert AuditEvent.objects.filter(action="household.viewed").exists()


def test_schema_renders(api, facilitator):
    response = _as(api, facilitator).get("/api/v1/schema/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/api/v1/registrants/{id}/findings/" in body and "/api/v1/households/" in body
