"""Survey API: read with filters, actions per role, scope (404 / 403 / empty), query bounds."""

import pytest
from rest_framework.test import APIClient

from households.models import SurveyStatus
from households.surveys.services import save_survey_draft, submit_survey, verify_survey
from tests.households.surveys.survey_helpers import family, fill_survey, started_survey

pytestmark = pytest.mark.django_db

LIST = "/api/v1/surveys/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def verified(facilitator, manager, area_code="49010101", score=2, card=True, fail=False):
    survey = fill_survey(
        facilitator,
        started_survey(facilitator, area_code, card=card),
        score=score,
        result="fail" if fail else "pass",
    )
    if not card:
        save_survey_draft(
            actor=facilitator, survey=survey, consent={"welfare_card_in_household": False}
        )
    verify_survey(actor=manager, survey=submit_survey(actor=facilitator, survey=survey))
    survey.refresh_from_db()
    return survey


def ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_list_and_detail_with_result(facilitator, area_manager):
    survey = verified(facilitator, area_manager, score=1)
    response = api(facilitator).get(LIST)
    row = response.json()["results"][0]
    assert row["id"] == str(survey.public_id)
    assert row["status"] == "verified" and row["area"] == "49010101"
    assert row["result"]["level"] == "in_hardship"
    assert row["result"]["overall_score"] == "1.00"
    assert row["result"]["target_poor"] is True  # indicator 22 fails, card held
    assert row["result"]["rule_set_version"] == "1"
    detail = api(facilitator).get(f"{LIST}{survey.public_id}/").json()["answers"]
    assert row["answers"] is None  # lists carry no answers
    assert detail["capital_scores"]["H1"] == 1 and len(detail["capital_scores"]) == 21
    assert detail["accounts"]["income_farming"] == "6000.00"
    assert {n["category"] for n in detail["needs"]} == {"occupation"}
    assert any(i["number"] == 22 and i["result"] == "fail" for i in detail["indicators"])


def test_filters_area_level_target_poor_round_status(
    facilitator, area_manager, neighbour_facilitator
):
    hardship = verified(facilitator, area_manager, "49010101", score=1)
    well = verified(facilitator, area_manager, "49010102", score=4, card=False)
    # A survey in the neighbouring subdistrict, verified by the same district manager.
    other = verified(neighbour_facilitator, area_manager, "49010201", score=3)
    draft = started_survey(facilitator)
    client = api(area_manager)
    assert ids(client.get(LIST)) == {str(s.public_id) for s in (hardship, well, other, draft)}
    assert ids(client.get(LIST, {"area": "490101"})) == {
        str(s.public_id) for s in (hardship, well, draft)
    }
    assert ids(client.get(LIST, {"area": "49010201"})) == {str(other.public_id)}
    assert ids(client.get(LIST, {"level": "in_hardship"})) == {str(hardship.public_id)}
    assert ids(client.get(LIST, {"level": "doing_well"})) == {str(well.public_id)}
    assert ids(client.get(LIST, {"target_poor": "true"})) == {
        str(hardship.public_id),
        str(other.public_id),
    }
    assert ids(client.get(LIST, {"target_poor": "false"})) == {str(well.public_id)}
    assert ids(client.get(LIST, {"round": 2569})) == {
        str(s.public_id) for s in (hardship, well, other, draft)
    }
    assert ids(client.get(LIST, {"round": 2570})) == set()
    assert ids(client.get(LIST, {"status": "draft"})) == {str(draft.public_id)}


def test_actions_per_role(facilitator, area_manager):
    household = family()
    fac = api(facilitator)
    created = fac.post(LIST, {"household": str(household.public_id)}, format="json")
    assert created.status_code == 201
    survey = household.surveys.get()
    # Incomplete: submit is refused with the missing parts.
    refused = fac.post(f"{LIST}{survey.public_id}/submit/")
    assert refused.status_code == 400
    fill_survey(facilitator, survey)
    assert fac.post(f"{LIST}{survey.public_id}/submit/").json()["status"] == "submitted"
    # A facilitator may not verify or return.
    assert fac.post(f"{LIST}{survey.public_id}/verify/").status_code == 403
    assert fac.post(f"{LIST}{survey.public_id}/return/", {"comment": "x"}).status_code == 403
    mgr = api(area_manager)
    assert mgr.post(f"{LIST}{survey.public_id}/return/", {}).status_code == 400
    returned = mgr.post(f"{LIST}{survey.public_id}/return/", {"comment": "ตรวจหนี้อีกครั้ง"})
    assert returned.json()["status"] == "returned"
    assert returned.json()["return_comment"] == "ตรวจหนี้อีกครั้ง"
    fac.post(f"{LIST}{survey.public_id}/submit/")
    verified_response = mgr.post(f"{LIST}{survey.public_id}/verify/")
    assert verified_response.status_code == 200
    assert verified_response.json()["result"]["level"] == "struggling"
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.VERIFIED
    # Verified twice: a state error, not a crash.
    assert mgr.post(f"{LIST}{survey.public_id}/verify/").status_code == 400


def test_another_areas_survey_is_404(facilitator, neighbour_facilitator):
    survey = started_survey(facilitator)
    client = api(neighbour_facilitator)
    assert client.get(f"{LIST}{survey.public_id}/").status_code == 404
    assert client.post(f"{LIST}{survey.public_id}/submit/").status_code == 404
    other_household = family("49010101")
    response = client.post(LIST, {"household": str(other_household.public_id)}, format="json")
    assert response.status_code == 404


def test_wrong_roles_are_403(facilitator, executive, agency_staff, provincial_officer):
    survey = started_survey(facilitator)
    assert api(executive).get(LIST).status_code == 403
    assert api(executive).get(f"{LIST}{survey.public_id}/").status_code == 403
    assert api(agency_staff).get(LIST).status_code == 403
    # A provincial officer reads, but may not start or verify.
    officer = api(provincial_officer)
    assert ids(officer.get(LIST)) == {str(survey.public_id)}
    household = family()
    assert officer.post(LIST, {"household": str(household.public_id)}).status_code == 403
    assert officer.post(f"{LIST}{survey.public_id}/verify/").status_code == 403


def test_no_assignment_gets_an_empty_list(facilitator, no_role_user):
    started_survey(facilitator)
    response = api(no_role_user).get(LIST)
    assert response.status_code == 200 and response.json()["results"] == []


def test_list_has_a_bounded_number_of_queries(
    facilitator, area_manager, django_assert_max_num_queries
):
    for score in (1, 2, 3, 4):
        verified(facilitator, area_manager, score=score)
    for _ in range(3):
        started_survey(facilitator)
    client = api(area_manager)
    with django_assert_max_num_queries(6):
        response = client.get(LIST, {"page_size": 200})
    assert len(response.json()["results"]) == 7


def test_page_size_is_capped(facilitator):
    started_survey(facilitator)
    response = api(facilitator).get(LIST, {"page_size": 5000})
    assert response.status_code == 200
    assert response.json()["count"] == 1
