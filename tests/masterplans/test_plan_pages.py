"""The master-plan pages: the whole path through the browser forms, scope (404 / 403 / empty),
refusals with a message, the household panel and "help received", the home card, query bounds
and the xlsx export."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from households.models import Household
from masterplans import selectors
from masterplans.models import LaoKind, LocalAdministrativeOrganisation, MasterPlan, Project
from masterplans.services import (
    add_problem,
    add_project,
    create_plan,
    endorse_plan,
    households_by_level,
    transition_project,
)
from ppaos.audit.models import AuditEvent

from .plan_helpers import small_village, verified

pytestmark = pytest.mark.django_db


def _as(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def lao(villages):
    lao = LocalAdministrativeOrganisation.objects.create(
        code="test-tao-490101", name_th="อบต.ทดสอบ", kind=LaoKind.TAO
    )
    lao.areas.add("490101")
    return lao


@pytest.fixture
def surveys(facilitator, area_manager):
    return small_village(facilitator, area_manager)


@pytest.fixture
def plan(surveys, facilitator):
    return create_plan(actor=facilitator, area_code="49010101", fiscal_year=2570)


def _messages(answer) -> list[str]:
    return [str(m) for m in answer.context["messages"]]


def test_area_manager_drafts_endorses_and_follows_a_project_through_the_pages(
    client, surveys, area_manager, lao
):
    client = _as(client, area_manager)
    answer = client.post(
        reverse("masterplans:plan_create"), {"village": "49010101", "fiscal_year": 2570}
    )
    plan = MasterPlan.objects.get(area_id="49010101", fiscal_year=2570)
    assert answer.status_code == 302 and answer.url == reverse(
        "masterplans:plan_detail", args=[plan.public_id]
    )
    page = client.get(answer.url)
    assert page.status_code == 200
    assert page.context["data"]["households"] == 3
    assert b'data-testid="households-total">3<' in page.content

    detail = reverse("masterplans:plan_detail", args=[plan.public_id])
    add = reverse("masterplans:problem_add", args=[plan.public_id])
    client.post(add, {"title": "หนี้นอกระบบสูง", "capital": "financial", "evidence": []})
    answer = client.post(
        add,
        {"title": "ขาดน้ำทำการเกษตร", "capital": "natural", "evidence": ["capital:natural"]},
        HTTP_HX_REQUEST="true",
    )
    assert answer.status_code == 200 and b'id="problems"' in answer.content
    assert b"<html" not in answer.content  # the partial only
    water = plan.problems.get(title="ขาดน้ำทำการเกษตร")
    assert water.rank == 2 and water.evidence[0]["key"] == "capital:natural"
    client.post(
        reverse("masterplans:problem_move", args=[plan.public_id]),
        {"problem": water.pk, "direction": "up"},
    )
    assert list(plan.problems.order_by("rank").values_list("title", flat=True)) == [
        "ขาดน้ำทำการเกษตร",
        "หนี้นอกระบบสูง",
    ]

    households = list(Household.objects.filter(area_id="49010101").order_by("id"))
    answer = client.post(
        reverse("masterplans:project_add", args=[plan.public_id]),
        {
            "title": "ธนาคารน้ำใต้ดิน",
            "problem": water.pk,
            "objective": "มีน้ำใช้ตลอดปี",
            "activities": "ขุดบ่อ",
            "indicators": "ครัวเรือนมีน้ำ 12 เดือน",
            "budget_requested": "150000",
            "carrier": "lao",
            "lao": lao.pk,
            "starts_on": "2026-12-01",
            "ends_on": "2027-09-30",
            "target_levels": ["in_hardship"],
            "target_households": [households[2].pk],
        },
    )
    project = Project.objects.get(title="ธนาคารน้ำใต้ดิน")
    assert answer.status_code == 302, answer.context["form"].errors
    expected = set(households_by_level(plan, ["in_hardship"])) | {households[2].pk}
    assert set(project.target_households.values_list("pk", flat=True)) == expected

    step = reverse("masterplans:project_step", args=[project.public_id])
    client.post(step, {"name": "rank"})
    answer = client.post(reverse("masterplans:plan_endorse", args=[plan.public_id]), follow=True)
    plan.refresh_from_db()
    assert plan.is_frozen and "แผนได้รับการรับรองแล้ว" in " ".join(_messages(answer))
    client.post(step, {"name": "submit"})
    client.post(
        step,
        {"name": "record_local_plan", "edition": "เพิ่มเติม ฉบับที่ 4", "first_year": 2570,
         "last_year": 2572},
    )  # fmt: skip
    client.post(step, {"name": "record_ordinance", "fiscal_year": 2570, "amount": "120000"})
    project.refresh_from_db()
    assert project.state == "in_budget" and project.budget_adopted == Decimal("120000")
    page = client.get(reverse("masterplans:project_detail", args=[project.public_id]))
    assert [h["to_label"] for h in page.context["history"]][-1] == "อยู่ในข้อบัญญัติงบประมาณ"
    assert len(page.context["history"]) == 5
    # The frozen plan offers no drafting any more.
    page = client.get(detail)
    assert page.context["may_draft"] is False and b"refresh-data" not in page.content


def test_refusals_are_explained_in_thai(client, plan, area_manager):
    client = _as(client, area_manager)
    answer = client.post(reverse("masterplans:plan_endorse", args=[plan.public_id]), follow=True)
    assert _messages(answer) == ["ต้องมีโครงการที่ผ่านการจัดลำดับในเวทีประชาคมหมู่บ้านอย่างน้อยหนึ่งโครงการก่อน"]
    project = add_project(
        actor=area_manager, plan=plan, title="ก", objective="ข", carrier="community"
    )
    answer = client.post(
        reverse("masterplans:project_step", args=[project.public_id]),
        {"name": "submit"},
        follow=True,
    )
    assert _messages(answer) == ["ทำขั้นตอนนี้ไม่ได้ในสถานะปัจจุบันของโครงการ"]
    answer = client.post(
        reverse("masterplans:plan_create"), {"village": "49010101", "fiscal_year": 2570}
    )
    assert "หมู่บ้านนี้มีแผนของปีงบประมาณนั้นแล้ว" in str(answer.context["form"].errors)


def test_scope_other_area_404_wrong_role_403_no_assignment_empty(
    client, plan, neighbour_facilitator, executive, provincial_officer, facilitator, no_role_user
):
    detail = reverse("masterplans:plan_detail", args=[plan.public_id])
    refresh = reverse("masterplans:plan_refresh", args=[plan.public_id])
    endorse = reverse("masterplans:plan_endorse", args=[plan.public_id])
    project = add_project(actor=facilitator, plan=plan, title="ก", objective="ข", carrier="lao")
    project_page = reverse("masterplans:project_detail", args=[project.public_id])

    client = _as(client, neighbour_facilitator)  # 490102: the plan of 49010101 does not exist
    assert client.get(detail).status_code == 404
    assert client.get(project_page).status_code == 404
    assert client.post(refresh).status_code == 404
    assert list(client.get(reverse("masterplans:plan_list")).context["plans"]) == []

    client = _as(client, executive)  # figures only: no plan pages
    assert client.get(reverse("masterplans:plan_list")).status_code == 403
    assert client.get(detail).status_code == 403
    assert client.get(reverse("masterplans:overview")).status_code == 200

    client = _as(client, provincial_officer)  # sees, endorses, does not draft
    assert client.get(detail).status_code == 200
    assert client.post(refresh).status_code == 403
    assert client.get(reverse("masterplans:project_add", args=[plan.public_id])).status_code == 403

    client = _as(client, facilitator)  # drafts, does not endorse, no overview
    assert client.post(endorse).status_code == 403
    assert client.get(reverse("masterplans:overview")).status_code == 403
    assert client.get(reverse("masterplans:plan_create")).status_code == 200

    client = _as(client, no_role_user)
    assert list(client.get(reverse("masterplans:plan_list")).context["plans"]) == []
    assert client.get(detail).status_code == 404
    assert client.get(reverse("masterplans:plan_create")).status_code == 403


def test_small_groups_are_masked_outside_the_village(client, plan, provincial_officer, facilitator):
    page = _as(client, provincial_officer).get(
        reverse("masterplans:plan_detail", args=[plan.public_id])
    )
    assert page.context["data"]["households"] == "<5"
    assert b"&lt;5" in page.content
    page = _as(client, facilitator).get(reverse("masterplans:plan_detail", args=[plan.public_id]))
    assert page.context["data"]["households"] == 3


def test_household_page_shows_the_projects_that_target_it(
    client, plan, surveys, facilitator, area_manager, neighbour_facilitator
):
    household = surveys[0].household
    project = add_project(
        actor=facilitator,
        plan=plan,
        title="กองทุนแก้หนี้",
        objective="ลดหนี้",
        carrier="community",
        target_households=[household.pk],
    )
    page = _as(client, facilitator).get(
        reverse("households:household_detail", args=[household.public_id])
    )
    assert b'data-testid="household-projects"' in page.content
    assert "กองทุนแก้หนี้" in page.content.decode()
    other = surveys[1].household
    page = client.get(reverse("households:household_detail", args=[other.public_id]))
    assert b'data-testid="household-projects"' not in page.content

    record = selectors.help_received(household)
    assert [(item["kind"], item["title"]) for item in record] == [("project", "กองทุนแก้หนี้")]
    assert record[0]["object"] == project and record[0]["received"] is False


def test_help_received_joins_referrals_and_projects(plan, surveys, facilitator, agency):
    from referrals.models import Service
    from referrals.services import propose_referral

    household = surveys[0].household
    service = Service.objects.create(
        agency=agency, code="t-svc", name_th="เบี้ยยังชีพทดสอบ", expected_days=30
    )
    propose_referral(
        facilitator, household=household, service=service, need="ต้องการเบี้ยยังชีพ", submit=False
    )
    add_project(
        actor=facilitator,
        plan=plan,
        title="ลานตากข้าว",
        objective="ลดต้นทุน",
        carrier="community",
        target_households=[household.pk],
    )
    kinds = sorted(item["kind"] for item in selectors.help_received(household))
    assert kinds == ["project", "referral"]


def test_home_card_counts_the_plans_to_endorse(client, plan, area_manager, facilitator):
    project = add_project(actor=facilitator, plan=plan, title="ก", objective="ข", carrier="lao")
    transition_project(actor=facilitator, project=project, name="rank")
    home = _as(client, area_manager).get(reverse("home"))
    card = next(c for c in home.context["cards"] if c.key == "plans_to_endorse")
    listed = client.get(card.url).context["plans"]
    assert card.count == len(listed) == 1
    assert not any(
        c.key == "plans_to_endorse" for c in _as(client, facilitator).get("/").context["cards"]
    )
    nav = [item.url for item in client.get("/").context["nav_items"]]
    assert reverse("masterplans:plan_list") in nav and reverse("masterplans:overview") not in nav


def _many_plans(facilitator, area_manager, lao, count=4):
    for number in range(count):
        code = f"490101{number + 11:02d}"
        from ppaos.areas.models import Area

        Area.objects.get_or_create(
            code=code, defaults={"level": "village", "parent_id": "490101", "name_th": code}
        )
        verified(facilitator, area_manager, code)
        plan = create_plan(actor=facilitator, area_code=code, fiscal_year=2570)
        problem = add_problem(actor=facilitator, plan=plan, title="ปัญหา", capital="natural")
        for index in range(2):
            project = add_project(
                actor=facilitator,
                plan=plan,
                problem=problem,
                title=f"โครงการ {index}",
                objective="ทดสอบ",
                carrier="lao",
                lao=lao,
                budget_requested=Decimal("1000"),
                target_households=households_by_level(plan, ["in_hardship", "struggling"]),
            )
            transition_project(actor=facilitator, project=project, name="rank")
        endorse_plan(actor=area_manager, plan=plan)


@pytest.mark.parametrize("count", [1, 4])
def test_list_pages_have_query_bounds(
    client, facilitator, area_manager, provincial_officer, lao, count, django_assert_max_num_queries
):
    _many_plans(facilitator, area_manager, lao, count)
    client = _as(client, provincial_officer)
    with django_assert_max_num_queries(16):
        assert len(client.get(reverse("masterplans:plan_list")).context["plans"]) == count
    with django_assert_max_num_queries(18):
        page = client.get(reverse("masterplans:overview"))
    assert len(page.context["plans"]) == count
    plan = MasterPlan.objects.first()
    with django_assert_max_num_queries(22):
        page = client.get(reverse("masterplans:plan_detail", args=[plan.public_id]))
    assert page.status_code == 200


def test_export_is_scoped_audited_and_neutralises_formulas(
    client, plan, facilitator, neighbour_facilitator, lao
):
    add_project(
        actor=facilitator,
        plan=plan,
        title='=HYPERLINK("http://evil.example","คลิก")',
        objective="+1+1",
        carrier="lao",
        lao=lao,
        budget_requested=Decimal("1234567.5"),
    )
    answer = _as(client, facilitator).get(reverse("masterplans:export"))
    assert answer.status_code == 200
    workbook = load_workbook(io.BytesIO(answer.content))
    plans_sheet, projects_sheet = workbook.worksheets
    assert plans_sheet["A1"].value == "รหัสหมู่บ้าน" and plans_sheet["C2"].value == 2570
    title = projects_sheet["D2"]
    assert title.value.startswith("=HYPERLINK") and title.data_type == "s" and title.quotePrefix
    assert projects_sheet["F2"].data_type == "s" and projects_sheet["F2"].quotePrefix
    budget = projects_sheet["K2"]
    assert budget.value == 1234567.5 and budget.number_format == "#,##0.00"
    assert AuditEvent.objects.filter(actor=facilitator, action="master_plan_export.listed").exists()

    answer = _as(client, neighbour_facilitator).get(reverse("masterplans:export"))
    workbook = load_workbook(io.BytesIO(answer.content))
    assert workbook.worksheets[1].max_row == 1  # headers only


def test_help_received_for_many_households_takes_two_queries(
    plan, surveys, facilitator, django_assert_num_queries
):
    first, second, third = (s.household for s in surveys)
    add_project(
        actor=facilitator,
        plan=plan,
        title="ลานตากข้าว",
        objective="ลดต้นทุน",
        carrier="community",
        target_households=[first.pk, second.pk],
    )
    with django_assert_num_queries(2):
        record = selectors.help_received_for([first.pk, second.pk, third.pk])
    assert [len(record[h.pk]) for h in (first, second, third)] == [1, 1, 0]
    assert record[first.pk][0]["title"] == "ลานตากข้าว"


def test_project_page_offers_only_the_steps_the_table_allows(
    client, plan, facilitator, area_manager, provincial_officer, lao
):
    with_lao = add_project(
        actor=facilitator, plan=plan, title="ก", objective="ข", carrier="lao", lao=lao
    )
    by_community = add_project(
        actor=facilitator, plan=plan, title="ค", objective="ง", carrier="community"
    )
    for project in (with_lao, by_community):
        transition_project(actor=facilitator, project=project, name="rank")

    def step_names(user, project):
        page = _as(client, user).get(
            reverse("masterplans:project_detail", args=[project.public_id])
        )
        return [step["name"] for step in page.context["steps"]]

    assert step_names(facilitator, with_lao) == ["unrank"]  # endorse goes with the plan
    endorse_plan(actor=area_manager, plan=plan)
    assert step_names(facilitator, with_lao) == ["submit"]
    assert step_names(facilitator, by_community) == ["submit", "complete"]
    assert step_names(provincial_officer, with_lao) == []  # sees, does not record steps

    answer = _as(client, facilitator).get(
        reverse("masterplans:project_add", args=[plan.public_id]), follow=True
    )
    assert _messages(answer) == ["แผนนี้ได้รับการรับรองแล้ว จึงแก้ไขเนื้อหาไม่ได้อีก"]
