"""The master-plan API: the full path by HTTP, scope (404 / 403 / empty), audit, query bounds."""

import pytest

from masterplans.models import LaoKind, LocalAdministrativeOrganisation, MasterPlan, Project
from ppaos.audit.models import AuditEvent

from .plan_helpers import small_village

pytestmark = pytest.mark.django_db

PLANS = "/api/v1/master-plans/"
PROJECTS = "/api/v1/plan-projects/"


def _as(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def lao(villages):
    lao = LocalAdministrativeOrganisation.objects.create(
        code="test-tao", name_th="อบต.ทดสอบ", kind=LaoKind.TAO
    )
    lao.areas.add("490101")
    return lao


@pytest.fixture
def plan_id(client, facilitator, area_manager):
    small_village(facilitator, area_manager)
    answer = _as(client, area_manager).post(
        PLANS, {"area": "49010101", "fiscal_year": 2570}, content_type="application/json"
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["data"]["households"] == 3
    return answer.json()["public_id"]


def test_area_manager_builds_endorses_and_records_the_budget(client, plan_id, area_manager, lao):
    client = _as(client, area_manager)
    problem = client.post(
        f"{PLANS}{plan_id}/problems/",
        {"title": "หนี้นอกระบบ", "capital": "financial"},
        content_type="application/json",
    ).json()
    project = client.post(
        PROJECTS,
        {
            "plan": plan_id,
            "problem": problem["id"],
            "title": "กองทุนแก้หนี้",
            "objective": "ลดหนี้",
            "budget_requested": "50000",
            "carrier": "lao",
            "lao": "test-tao",
            "target_levels": ["in_hardship", "struggling", "getting_by", "doing_well"],
        },
        content_type="application/json",
    )
    assert project.status_code == 201, project.content
    assert project.json()["target_household_count"] == 3
    url = f"{PROJECTS}{project.json()['public_id']}/step/"

    def step(**body):
        return client.post(url, body, content_type="application/json")

    assert step(name="rank").status_code == 200
    assert step(name="submit").status_code == 400  # the plan is not yet endorsed
    assert client.post(f"{PLANS}{plan_id}/endorse/").json()["status"] == "endorsed"
    assert step(name="submit").json()["state"] == "submitted"
    assert step(name="record_local_plan").status_code == 400
    assert (
        step(
            name="record_local_plan", edition="เพิ่มเติม ฉบับที่ 4", first_year=2570, last_year=2572
        ).json()["state"]
        == "in_local_plan"
    )
    done = step(name="record_ordinance", fiscal_year=2570, amount="45000").json()
    assert done["state"] == "in_budget" and done["budget_adopted"] == "45000.00"
    assert [h["name"] for h in done["history"]] == [
        "rank",
        "endorse",
        "submit",
        "record_local_plan",
        "record_ordinance",
    ]
    totals = client.get(f"{PLANS}budget-totals/").json()
    assert totals == [
        {
            "district": "4901",
            "lao": "อบต.ทดสอบ",
            "projects": 1,
            "requested": "50000.00",
            "adopted": "45000.00",
        }
    ]
    assert AuditEvent.objects.filter(action="masterplan.endorse").count() == 1


def test_scope_other_area_404_wrong_role_403_no_assignment_empty(
    client,
    plan_id,
    neighbour_facilitator,
    facilitator,
    executive,
    no_role_user,
    provincial_officer,
):
    assert _as(client, neighbour_facilitator).get(f"{PLANS}{plan_id}/").status_code == 404
    assert _as(client, neighbour_facilitator).post(f"{PLANS}{plan_id}/refresh/").status_code == 404
    assert _as(client, neighbour_facilitator).get(PLANS).json()["results"] == []
    assert _as(client, facilitator).post(f"{PLANS}{plan_id}/endorse/").status_code == 403
    assert _as(client, provincial_officer).post(f"{PLANS}{plan_id}/refresh/").status_code == 403
    assert _as(client, executive).get(PLANS).status_code == 403
    assert _as(client, executive).get(f"{PLANS}budget-totals/").status_code == 200
    assert _as(client, no_role_user).get(PLANS).json()["results"] == []
    assert _as(client, no_role_user).get(f"{PLANS}{plan_id}/").status_code == 404


def test_small_groups_masked_for_the_provincial_officer(client, plan_id, provincial_officer):
    data = _as(client, provincial_officer).get(f"{PLANS}{plan_id}/").json()["data"]
    assert data["households"] == "<5"


def test_lists_have_query_bounds(client, area_manager, villages, django_assert_max_num_queries):
    for n, village in enumerate(["49010101", "49010102", "49010201"]):
        plan = MasterPlan.objects.create(
            area_id=village, fiscal_year=2570 + n, survey_round=2569, created_by=area_manager
        )
        for i in range(3):
            Project.objects.create(plan=plan, title=f"p{i}", objective="o", carrier="community")
    client = _as(client, area_manager)
    client.get(PLANS)
    with django_assert_max_num_queries(10):
        assert client.get(PLANS).json()["count"] == 3
    with django_assert_max_num_queries(10):
        assert client.get(PROJECTS).json()["count"] == 9
    with django_assert_max_num_queries(10):
        assert client.get(PROJECTS, {"area": "490101"}).json()["count"] == 6
