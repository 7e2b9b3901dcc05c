"""Editing and deleting problems, editing projects (while the transitions allow it), the Thai
date inputs of the project form, and the paged plan list / overview with totals over every row."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from households.models import Household
from masterplans import views
from masterplans.forms import ProjectForm
from masterplans.models import LaoKind, LocalAdministrativeOrganisation, MasterPlan, Project
from masterplans.services import (
    add_problem,
    add_project,
    create_plan,
    endorse_plan,
    transition_project,
)
from ppaos.audit.models import AuditEvent
from ppaos.core.date_inputs import EraDateField

from .plan_helpers import small_village
from .test_plan_pages import _many_plans

pytestmark = pytest.mark.django_db

ENDORSED = "แผนนี้ได้รับการรับรองแล้ว จึงแก้ไขเนื้อหาไม่ได้อีก"


def _as(client, user):
    client.force_login(user)
    return client


def _messages(answer) -> list[str]:
    return [str(m) for m in answer.context["messages"]]


@pytest.fixture
def lao(villages):
    lao = LocalAdministrativeOrganisation.objects.create(
        code="test-tao-490101", name_th="อบต.ทดสอบ", kind=LaoKind.TAO
    )
    lao.areas.add("490101")
    return lao


@pytest.fixture
def plan(facilitator, area_manager):
    small_village(facilitator, area_manager)
    return create_plan(actor=facilitator, area_code="49010101", fiscal_year=2570)


def _problem_post(problem, **values):
    prefix = f"problem{problem.pk}"
    data = {"problem": problem.pk}
    for name, value in values.items():
        data[f"{prefix}-{name}"] = value
    return data


def _endorse(plan, facilitator, area_manager):
    project = add_project(
        actor=facilitator, plan=plan, title="ธนาคารน้ำ", objective="มีน้ำ", carrier="community"
    )
    transition_project(actor=facilitator, project=project, name="rank")
    endorse_plan(actor=area_manager, plan=plan)
    return project


def test_a_problem_is_edited_and_deleted_through_the_page(client, plan, facilitator):
    debt = add_problem(actor=facilitator, plan=plan, title="หนี้นอกระบบ", capital="financial")
    water = add_problem(actor=facilitator, plan=plan, title="ขาดน้ำ", capital="natural")
    roads = add_problem(actor=facilitator, plan=plan, title="ถนนชำรุด", capital="physical")
    project = add_project(
        actor=facilitator, plan=plan, problem=debt, title="ก", objective="ข", carrier="community"
    )
    client = _as(client, facilitator)
    page = client.get(reverse("masterplans:plan_detail", args=[plan.public_id]))
    assert page.content.count(b'data-testid="problem-edit-form"') == 3
    assert 'value="ขาดน้ำ"'.encode() in page.content  # the edit form is filled in

    answer = client.post(
        reverse("masterplans:problem_edit", args=[plan.public_id]),
        _problem_post(
            water,
            title="ขาดน้ำทำการเกษตรหน้าแล้ง",
            capital="natural",
            evidence=["capital:natural"],
            description="บ่อตื้นเขิน",
        ),
        HTTP_HX_REQUEST="true",
    )
    assert answer.status_code == 200 and b"<html" not in answer.content
    water.refresh_from_db()
    assert water.title == "ขาดน้ำทำการเกษตรหน้าแล้ง" and water.description == "บ่อตื้นเขิน"
    assert water.evidence[0]["key"] == "capital:natural" and water.rank == 2
    assert "บันทึกการแก้ไขปัญหาแล้ว" in answer.content.decode()
    event = AuditEvent.objects.get(action="masterplan.problem.update", actor=facilitator)
    assert "title" in event.details["fields"]

    answer = client.post(  # an empty title is refused by the form, shown in its place
        reverse("masterplans:problem_edit", args=[plan.public_id]),
        _problem_post(water, title="", capital="natural"),
    )
    assert answer.status_code == 200 and answer.context["problem_rows"][1][1].errors
    water.refresh_from_db()
    assert water.title == "ขาดน้ำทำการเกษตรหน้าแล้ง"

    answer = client.post(
        reverse("masterplans:problem_delete", args=[plan.public_id]),
        {"problem": debt.pk},
        follow=True,
    )
    assert _messages(answer) == ["ลบปัญหาออกจากแผนแล้ว"]
    assert list(plan.problems.order_by("rank").values_list("title", "rank")) == [
        ("ขาดน้ำทำการเกษตรหน้าแล้ง", 1),
        (roads.title, 2),
    ]
    project.refresh_from_db()
    assert project.problem is None  # the project stays, without a problem
    assert AuditEvent.objects.filter(
        action="masterplan.problem.delete", actor=facilitator, object_id=str(debt.pk)
    ).exists()
    missing = client.post(reverse("masterplans:problem_delete", args=[plan.public_id]), {})
    assert missing.status_code == 400


def test_problems_cannot_change_after_endorsement(client, plan, facilitator, area_manager):
    problem = add_problem(actor=facilitator, plan=plan, title="หนี้", capital="financial")
    _endorse(plan, facilitator, area_manager)
    client = _as(client, area_manager)
    answer = client.post(
        reverse("masterplans:problem_edit", args=[plan.public_id]),
        _problem_post(problem, title="อื่น", capital="financial"),
        follow=True,
    )
    assert _messages(answer) == [ENDORSED]
    answer = client.post(
        reverse("masterplans:problem_delete", args=[plan.public_id]),
        {"problem": problem.pk},
        follow=True,
    )
    assert _messages(answer) == [ENDORSED]
    problem.refresh_from_db()
    assert problem.title == "หนี้"
    assert b'data-testid="problem-edit-form"' not in answer.content


def test_a_project_is_edited_with_thai_dates_until_it_is_endorsed(
    client, plan, facilitator, area_manager, lao
):
    problem = add_problem(actor=facilitator, plan=plan, title="ขาดน้ำ", capital="natural")
    households = list(Household.objects.filter(area_id="49010101").order_by("id"))
    project = add_project(
        actor=facilitator,
        plan=plan,
        title="ธนาคารน้ำใต้ดิน",
        objective="มีน้ำใช้",
        carrier="community",
        budget_requested=Decimal("1000"),
        starts_on=dt.date(2026, 12, 1),
        target_households=[households[0].pk],
    )
    client = _as(client, facilitator)
    detail = reverse("masterplans:project_detail", args=[project.public_id])
    edit = reverse("masterplans:project_edit", args=[project.public_id])
    assert edit.encode() in client.get(detail).content

    page = client.get(edit)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="01/12/2569"' in html and "วว/ดด/ปปปป (พ.ศ.)" in html  # BE, says so
    assert 'type="date"' not in html
    assert page.context["form"]["target_households"].value() == [households[0].pk]

    answer = client.post(
        edit,
        {
            "title": "ธนาคารน้ำใต้ดิน (ปรับ)",
            "problem": problem.pk,
            "objective": "มีน้ำใช้ตลอดปี",
            "budget_requested": "250000",
            "carrier": "lao",
            "lao": lao.pk,
            "starts_on": "15/01/2570",  # BE
            "ends_on": "30/9/2027",  # CE is accepted too
            "target_households": [households[1].pk, households[2].pk],
        },
    )
    assert answer.status_code == 302 and answer.url == detail, answer.context["form"].errors
    project.refresh_from_db()
    assert project.title == "ธนาคารน้ำใต้ดิน (ปรับ)" and project.problem == problem
    assert project.budget_requested == Decimal("250000") and project.lao == lao
    assert (project.starts_on, project.ends_on) == (dt.date(2027, 1, 15), dt.date(2027, 9, 30))
    assert set(project.target_households.values_list("pk", flat=True)) == {
        households[1].pk,
        households[2].pk,
    }
    event = AuditEvent.objects.get(action="masterplan.project.update", actor=facilitator)
    assert event.details["target_households"] == 2 and "budget_requested" in event.details["fields"]
    page = client.get(detail)
    assert "15 ม.ค. 2570" in page.content.decode()  # shown through show_date

    bad = client.post(
        edit,
        {
            "title": "x",
            "objective": "y",
            "budget_requested": "1",
            "carrier": "community",
            "starts_on": "31/02/2570",
        },
    )
    assert bad.status_code == 200 and "starts_on" in bad.context["form"].errors

    transition_project(actor=facilitator, project=project, name="rank")
    assert client.get(edit).status_code == 200  # ranked: still the forum's to change
    endorse_plan(actor=area_manager, plan=plan)
    answer = client.get(edit, follow=True)
    assert answer.redirect_chain[-1][0] == detail and _messages(answer) == [ENDORSED]
    assert edit.encode() not in answer.content
    answer = client.post(edit, {"title": "หลังรับรอง"}, follow=True)
    assert _messages(answer) == [ENDORSED]
    project.refresh_from_db()
    assert project.title == "ธนาคารน้ำใต้ดิน (ปรับ)"


def test_edit_pages_are_scoped_other_area_404_wrong_role_403(
    client, plan, facilitator, neighbour_facilitator, provincial_officer, executive, area_manager
):
    problem = add_problem(actor=facilitator, plan=plan, title="หนี้", capital="financial")
    project = add_project(actor=facilitator, plan=plan, title="ก", objective="ข", carrier="lao")
    problem_edit = reverse("masterplans:problem_edit", args=[plan.public_id])
    problem_delete = reverse("masterplans:problem_delete", args=[plan.public_id])
    project_edit = reverse("masterplans:project_edit", args=[project.public_id])
    body = _problem_post(problem, title="อื่น", capital="financial")

    client = _as(client, neighbour_facilitator)
    assert client.post(problem_edit, body).status_code == 404
    assert client.post(problem_delete, {"problem": problem.pk}).status_code == 404
    assert client.get(project_edit).status_code == 404
    assert client.post(project_edit, {"title": "x"}).status_code == 404

    client = _as(client, provincial_officer)  # sees the plan, does not draft it
    assert client.post(problem_edit, body).status_code == 403
    assert client.post(problem_delete, {"problem": problem.pk}).status_code == 403
    assert client.get(project_edit).status_code == 403

    client = _as(client, executive)  # figures only
    assert client.post(problem_edit, body).status_code == 403
    assert client.get(project_edit).status_code == 403

    other = create_plan(actor=area_manager, area_code="49010102", fiscal_year=2570)
    foreign = add_problem(actor=area_manager, plan=other, title="อื่น", capital="human")
    client = _as(client, facilitator)  # a problem of another plan through this plan's URL
    assert client.post(problem_delete, {"problem": foreign.pk}).status_code == 404
    problem.refresh_from_db()
    assert problem.title == "หนี้" and foreign.__class__.objects.filter(pk=foreign.pk).exists()


def test_project_form_dates_use_the_era_field():
    assert isinstance(ProjectForm.base_fields["starts_on"], EraDateField)
    assert isinstance(ProjectForm.base_fields["ends_on"], EraDateField)


def test_plan_list_and_overview_are_paged_and_totals_cover_every_plan(
    client, facilitator, area_manager, provincial_officer, lao, monkeypatch
):
    _many_plans(facilitator, area_manager, lao, 4)  # 4 endorsed plans, 2 projects of 1,000 each
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    client = _as(client, provincial_officer)

    first = client.get(reverse("masterplans:plan_list"), {"status": "endorsed"})
    assert len(first.context["plans"]) == 3 and first.context["page"].paginator.count == 4
    assert 'href="?status=endorsed&amp;page=2"' in first.content.decode()
    second = client.get(reverse("masterplans:plan_list"), {"status": "endorsed", "page": 2})
    shown = {p.pk for p in first.context["plans"]} | {p.pk for p in second.context["plans"]}
    assert shown == set(MasterPlan.objects.values_list("pk", flat=True))

    overview = client.get(reverse("masterplans:overview"), {"page": 2})
    assert len(overview.context["plans"]) == 1
    assert overview.context["requested"] == Decimal("8000")  # all 8 projects, not the page's
    assert sum(count for _, _, count in overview.context["status_counts"]) == 4
    assert (
        sum(row["projects"] for row in overview.context["by_district"]) == Project.objects.count()
    )
    assert 'href="?page=1#plans"' in overview.content.decode()
