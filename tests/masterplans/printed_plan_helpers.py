"""A small village's plan with two problems and two projects, built through the services."""

import datetime as dt
from decimal import Decimal

from masterplans import services
from masterplans.models import LaoKind, LocalAdministrativeOrganisation

from .plan_helpers import small_village

PROJECT_TITLE = "กองทุนแก้หนี้นอกระบบ"
OTHER_TITLE = "ปลูกผักปลอดสารพิษลดรายจ่าย"
BUDGET = Decimal("125000")
BUDGET_WORDS = "หนึ่งแสนสองหมื่นห้าพันบาทถ้วน"
FORUM_DATE = dt.date(2026, 11, 20)  # "20 พ.ย. 2569"


def village_plan(facilitator, area_manager, *, endorse=False):
    """The 2570 plan of บ้านโนนสูง (49010101) from its three verified surveys: debt (financial)
    and spending (natural) problems; a project for all three households, 125,000 baht requested,
    carried by the TAO; a second one the community carries itself."""
    surveys = small_village(facilitator, area_manager)
    lao, _ = LocalAdministrativeOrganisation.objects.get_or_create(
        code="print-tao", defaults={"name_th": "องค์การบริหารส่วนตำบลทดสอบพิมพ์", "kind": LaoKind.TAO}
    )
    lao.areas.add("490101")
    plan = services.create_plan(actor=area_manager, area_code="49010101", fiscal_year=2570)
    services.update_plan(
        actor=area_manager,
        plan=plan,
        vision="ชุมชนพึ่งตนเอง ปลอดหนี้นอกระบบ",
        forum_date=FORUM_DATE,
    )
    debt = services.add_problem(
        actor=area_manager, plan=plan, title="หนี้นอกระบบสูง", capital="financial"
    )
    spending = services.add_problem(
        actor=area_manager, plan=plan, title="รายจ่ายค่าอาหารสูง", capital="natural"
    )
    services.add_project(
        actor=area_manager,
        plan=plan,
        problem=debt,
        title=PROJECT_TITLE,
        objective="ลดหนี้นอกระบบของครัวเรือนเป้าหมาย",
        activities="อบรมบัญชีครัวเรือน\nตั้งกองทุนหมุนเวียน",
        budget_requested=BUDGET,
        carrier="lao",
        lao=lao,
        target_households=[s.household for s in surveys],
    )
    services.add_project(
        actor=area_manager,
        plan=plan,
        problem=spending,
        title=OTHER_TITLE,
        objective="ลดรายจ่ายค่าอาหาร",
        budget_requested=Decimal("8500"),
        carrier="community",
    )
    if endorse:
        for project in plan.projects.all():
            services.transition_project(actor=area_manager, project=project, name="rank")
        services.endorse_plan(actor=area_manager, plan=plan)
    plan.refresh_from_db()
    return plan, surveys
