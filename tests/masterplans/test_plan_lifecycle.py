"""Drafting, endorsing and the project steps: frozen data, illegal steps refused, audit rows."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from masterplans import transitions
from masterplans.models import LaoKind, LocalAdministrativeOrganisation, ProjectTransition
from masterplans.services import (
    add_problem,
    add_project,
    create_plan,
    endorse_plan,
    households_by_level,
    refresh_data,
    transition_project,
    update_project,
)
from ppaos.audit.models import AuditEvent

from .plan_helpers import ROUND, small_village, verified

pytestmark = pytest.mark.django_db


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


def _ranked_project(actor, plan, lao, **fields):
    problem = add_problem(actor=actor, plan=plan, title="หนี้นอกระบบ", capital="financial")
    project = add_project(
        actor=actor,
        plan=plan,
        problem=problem,
        title="กองทุนแก้หนี้",
        objective="ลดหนี้นอกระบบ",
        budget_requested=Decimal("120000"),
        carrier="lao",
        lao=lao,
        target_households=households_by_level(plan, ["in_hardship", "struggling", "getting_by"]),
        **fields,
    )
    return transition_project(actor=actor, project=project, name="rank")


def test_endorsed_plan_does_not_change_when_surveys_change(plan, facilitator, area_manager, lao):
    _ranked_project(facilitator, plan, lao)
    endorse_plan(actor=area_manager, plan=plan)
    before = plan.data
    verified(facilitator, area_manager, score=4)  # a fourth household verified afterwards
    plan.refresh_from_db()
    assert plan.data == before and plan.data["households"] == 3
    with pytest.raises(ValidationError):
        refresh_data(actor=facilitator, plan=plan)
    with pytest.raises(ValidationError):
        add_problem(actor=facilitator, plan=plan, title="x", capital="human")


def test_draft_plan_refreshes_on_demand(plan, facilitator, area_manager):
    verified(facilitator, area_manager, score=4)
    plan.refresh_from_db()
    assert plan.data["households"] == 3
    refresh_data(actor=facilitator, plan=plan)
    assert plan.data["households"] == 4


def test_full_path_to_the_budget_ordinance_with_history_and_audit(
    plan, facilitator, area_manager, lao
):
    project = _ranked_project(facilitator, plan, lao)
    assert project.target_households.count() == 3
    endorse_plan(actor=area_manager, plan=plan)
    project.refresh_from_db()
    assert project.state == "endorsed"
    transition_project(actor=facilitator, project=project, name="submit")
    transition_project(
        actor=area_manager,
        project=project,
        name="record_local_plan",
        edition="เพิ่มเติม ฉบับที่ 4",
        first_year=2570,
        last_year=2572,
    )
    project = transition_project(
        actor=area_manager,
        project=project,
        name="record_ordinance",
        fiscal_year=2570,
        amount="100000",
    )
    assert project.state == "in_budget"
    assert project.budget_adopted == Decimal("100000")
    assert project.local_plan_edition == "เพิ่มเติม ฉบับที่ 4"
    steps = list(ProjectTransition.objects.filter(project=project).values_list("name", flat=True))
    assert steps == ["rank", "endorse", "submit", "record_local_plan", "record_ordinance"]
    actions = set(
        AuditEvent.objects.filter(object_id=str(project.public_id)).values_list("action", flat=True)
    )
    assert {"masterplan.project.create", "masterplan.project.record_ordinance"} <= actions


def test_illegal_transitions_refused(plan, facilitator, area_manager, lao):
    project = _ranked_project(facilitator, plan, lao)
    with pytest.raises(ValidationError):  # not yet endorsed
        transition_project(actor=facilitator, project=project, name="submit")
    with pytest.raises(ValidationError):  # no such step from ranked
        transition_project(actor=facilitator, project=project, name="record_ordinance")
    endorse_plan(actor=area_manager, plan=plan)
    transition_project(actor=facilitator, project=project, name="submit")
    with pytest.raises(ValidationError):  # edition and years required
        transition_project(actor=facilitator, project=project, name="record_local_plan")
    with pytest.raises(ValidationError):  # reason required
        transition_project(actor=facilitator, project=project, name="not_adopted", reason=" ")
    with pytest.raises(ValidationError):  # content frozen once endorsed
        update_project(actor=facilitator, project=project, title="อื่น")
    project = transition_project(
        actor=facilitator, project=project, name="not_adopted", reason="งบประมาณไม่พอ"
    )
    assert project.state == "not_adopted"
    for name in ("submit", "complete", "record_local_plan"):
        with pytest.raises(ValidationError):
            transition_project(actor=facilitator, project=project, name=name)


def test_state_table_is_closed():
    for t in transitions.TRANSITIONS:
        assert t.permission in {"draft_master_plan", "endorse_master_plan"}
    assert not transitions.transitions_from("done")
    assert not transitions.transitions_from("not_adopted")
    with pytest.raises(transitions.IllegalTransition):
        transitions.find_transition("draft", "submit")


def test_facilitator_cannot_endorse_and_another_area_cannot_draft(
    plan, facilitator, neighbour_facilitator, area_manager, lao
):
    _ranked_project(facilitator, plan, lao)
    with pytest.raises(PermissionDenied):
        endorse_plan(actor=facilitator, plan=plan)
    with pytest.raises(PermissionDenied):
        add_problem(actor=neighbour_facilitator, plan=plan, title="x", capital="human")
    with pytest.raises(PermissionDenied):
        create_plan(actor=neighbour_facilitator, area_code="49010101", fiscal_year=2571)


def test_targets_must_live_in_the_village(plan, facilitator):
    from tests.factories import household_with_head

    elsewhere = household_with_head("49010102")
    with pytest.raises(ValidationError):
        add_project(
            actor=facilitator,
            plan=plan,
            title="x",
            objective="y",
            carrier="community",
            target_households=[elsewhere.pk],
        )


def test_round_is_the_year_before(plan):
    assert plan.survey_round == ROUND
