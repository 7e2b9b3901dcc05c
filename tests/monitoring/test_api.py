"""The monitoring API: the pages' numbers (a hand count for an officer, protected for the
executive), filters by area and round, scope (another area 404, a facilitator 403), bounded
queries, and the OpenAPI schema."""

import pytest
from django.urls import reverse

from monitoring.rollup import full_rebuild
from tests.monitoring.test_rollup_equals_hand_count import two_rounds  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(two_rounds):  # noqa: F811
    full_rebuild()
    return two_rounds


def _get(client, user, name, **params):
    client.force_login(user)
    return client.get(reverse(f"monitoring_api:{name}"), params)


def test_the_rollups_of_an_area_and_round_equal_a_hand_count(client, provincial_officer, built):
    response = _get(client, provincial_officer, "rollups", area="4901", round=2567)
    assert response.status_code == 200
    body = response.json()
    assert (body["area"], body["round"], body["exact"]) == ("4901", 2567, True)
    assert body["data_as_of"]
    headlines = {h["key"]: h["value"] for h in body["headlines"]}
    assert headlines["hh"] == 3 and headlines["hardship"] == 2
    children = {c["code"]: c for c in body["children"]}
    assert children["490101"]["levels"] == {
        "in_hardship": 2, "struggling": 1, "getting_by": 0, "doing_well": 0
    }  # fmt: skip
    assert children["490101"]["total"] == 3
    later = _get(client, provincial_officer, "rollups", area="4901", round=2568).json()
    assert {h["key"]: h["value"] for h in later["headlines"]}["hh"] == 3
    assert later["previous_round"] == 2567


def test_the_executive_gets_the_numbers_protected(client, executive, built):
    body = _get(client, executive, "rollups", area="49", round=2567).json()
    assert body["exact"] is False
    values = [h["value"] for h in body["headlines"]] + [
        v for c in body["children"] for v in [*c["levels"].values(), c["total"]]
    ]
    assert not any(v in (1, 2, 3, 4) for v in values)
    assert "<5" in values or "x" in values
    transitions = _get(
        client, executive, "transitions", area="49", from_round=2567, to_round=2568
    ).json()
    cells = [v for row in transitions["matrix"] for v in row]
    assert not any(v in (1, 2, 3, 4) for v in cells)
    assert transitions["improved"] is None  # no sums over hidden cells


def test_the_transition_matrix_equals_a_hand_count(client, provincial_officer, built):
    body = _get(
        client, provincial_officer, "transitions", area="49", from_round=2567, to_round=2568
    ).json()
    assert body["levels"][-1] == "-"
    assert body["matrix"][0][:5] == [1, 1, 0, 0, 0]
    assert body["matrix"][2][:5] == [0, 0, 0, 0, 1]  # d: not surveyed again
    assert (body["entered"], body["exited"], body["improved"]) == (0, 1, 2)


def test_scope_another_area_is_404_and_a_facilitator_403(
    client, area_manager, facilitator, no_role_user, built
):
    assert _get(client, area_manager, "rollups", area="4902").status_code == 404
    assert _get(client, area_manager, "transitions", area="49").status_code == 404
    assert _get(client, area_manager, "agencies", area="4902").status_code == 404
    assert _get(client, area_manager, "rollups", area="4901").status_code == 200
    for name in ("rollups", "transitions", "agencies", "report_list"):
        assert _get(client, facilitator, name, area="490101").status_code == 403, name
    assert _get(client, no_role_user, "rollups").status_code == 403
    assert _get(client, area_manager, "rollups", area="49x").status_code == 400


def test_a_report_is_asked_for_with_202_and_listed(
    client, area_manager, provincial_officer, other_province_officer, built
):
    url = reverse("monitoring_api:report_list")
    # reports are the provincial officer's and the executive's (RUN_REPORTS, DESIGN §1): an area
    # manager has the dashboard but may not make one
    client.force_login(area_manager)
    body = {"area": "4901", "round": 2567}
    assert client.post(url, body, content_type="application/json").status_code == 403
    client.force_login(provincial_officer)
    response = client.post(url, {"area": "4901", "round": 2567}, content_type="application/json")
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["download"] is None and body["exact"] is True
    listed = client.get(url).json()
    assert [r["id"] for r in listed["results"]] == [body["id"]]
    detail = client.get(reverse("monitoring_api:report_detail", args=[body["id"]]))
    assert detail.status_code == 200
    # not ready: no download yet
    download = client.get(reverse("monitoring_api:report_download", args=[body["id"]]))
    assert download.status_code == 404
    # the area manager reads the report of their own area (the history stays VIEW_DASHBOARD)
    client.force_login(area_manager)
    assert [r["id"] for r in client.get(url).json()["results"]] == [body["id"]]
    client.force_login(other_province_officer)
    refused = client.post(url, {"area": "4901", "round": 2567}, content_type="application/json")
    assert refused.status_code == 404
    client.force_login(provincial_officer)
    no_round = client.post(url, {"area": "4901", "round": 2599}, content_type="application/json")
    assert no_round.status_code == 400


def test_api_reads_a_bounded_number_of_queries(
    client, provincial_officer, executive, built, django_assert_max_num_queries
):
    for user in (provincial_officer, executive):
        client.force_login(user)
        with django_assert_max_num_queries(12):
            assert client.get(reverse("monitoring_api:rollups"), {"area": "49"}).status_code == 200
        with django_assert_max_num_queries(10):
            assert (
                client.get(reverse("monitoring_api:transitions"), {"area": "49"}).status_code == 200
            )
        with django_assert_max_num_queries(10):
            assert client.get(reverse("monitoring_api:agencies"), {"area": "49"}).status_code == 200


def test_the_schema_documents_the_monitoring_operations(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    for path in (
        "/api/v1/monitoring/rollups/",
        "/api/v1/monitoring/transitions/",
        "/api/v1/monitoring/agencies/",
        "/api/v1/monitoring/reports/",
        "/api/v1/monitoring/reports/{public_id}/download/",
    ):
        assert path in schema["paths"], path
    params = {
        p["name"] for p in schema["paths"]["/api/v1/monitoring/rollups/"]["get"]["parameters"]
    }
    assert {"area", "round"} <= params
