"""At 390 px: the demo area manager builds the 2570 community master plan of a demo village from
its survey data, adds two problems and two projects (one targeting five households), endorses
it, submits a project to the TAO, records it into the local development plan and then the budget
ordinance with an amount; the household page of a target household shows the project; the
provincial officer's overview shows the plan and the adopted budget. Screenshots at 390 and
1280 px under test-results/screenshots/."""

import re

import pytest

from households.demo import seed_demo_households
from masterplans.demo import seed_demo_plans
from masterplans.models import MasterPlan, Project
from ppaos.accounts.models import Role, User
from ppaos.areas.models import Area
from ppaos.demo.services import DEMO_PASSWORD, seed_demo
from tests.browser.conftest import close_checking_csp, log_in, watch_for_csp_violations
from tests.factories import assign
from tests.masterplans.plan_helpers import verified

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FISCAL_YEAR = 2570
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def demo_province(official_areas, survey_instrument):
    """The demo province with households, its LAOs and demo plans; then six verified surveys of
    round 2569 in a village of ตำบลศรีบุญเรือง (a TAO's area) that has no plan yet."""
    seed_demo(seed=1)
    seed_demo_households(count=150, seed=1)
    seed_demo_plans(seed=1)
    planned = MasterPlan.objects.values_list("area_id", flat=True)
    village = (
        Area.objects.filter(level="village", code__startswith="490102")
        .exclude(code__in=planned)
        .order_by("code")
        .first()
    )
    facilitator = User.objects.get(username="facilitator")
    manager = User.objects.get(username="manager")
    # The demo facilitator works in 490101: here they also cover 490102 to enter the surveys.
    assign(facilitator, Role.FACILITATOR, "490102")
    answers = [(1, "fail"), (1, "fail"), (2, "fail"), (2, "pass"), (3, "pass"), (4, "pass")]
    for score, result in answers:
        verified(facilitator, manager, village.code, score=score, result=result)
    return village


def _phone(browser, live_server):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="th-TH",
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    watch_for_csp_violations(context, page)
    return page


def _desktop_shot(browser, live_server, screenshot, username, path, name):
    context = browser.new_context(viewport=DESKTOP, locale="th-TH")
    page = context.new_page()
    page.base_url = live_server.url
    watch_for_csp_violations(context, page)
    log_in(page, username, DEMO_PASSWORD)
    page.goto(live_server.url + path)
    screenshot(page, name)
    close_checking_csp(page)


def _step(page, name, fields=None):
    form = page.locator(f"form.step-form:has([data-testid=step-{name}])")
    for label, value in (fields or {}).items():
        form.locator(f"[name={label}]").fill(str(value))
    form.locator(f"[data-testid=step-{name}]").click()
    page.wait_for_selector("ul.messages li")


def test_area_manager_builds_endorses_and_follows_a_plan_into_the_budget(
    browser, live_server, demo_province, screenshot
):
    village = demo_province
    page = _phone(browser, live_server)
    log_in(page, "manager", DEMO_PASSWORD)
    # The demo's draft plan has a project ranked at the forum: one plan waits for endorsement.
    assert page.inner_text("[data-testid=count-plans_to_endorse]") == "1"
    page.click("nav.main-nav >> text=แผนแม่บทชุมชน")
    page.click("[data-testid=new-plan]")
    page.select_option("#id_village", village.code)
    page.select_option("#id_fiscal_year", str(FISCAL_YEAR))
    screenshot(page, "plan-create-phone")
    page.click("[data-testid=create-plan]")
    page.wait_for_selector("[data-testid=data-section]")
    assert page.inner_text("[data-testid=households-total]") == "6"
    assert "สร้างแผนจากข้อมูลการสำรวจของหมู่บ้านแล้ว" in page.inner_text("ul.messages")
    plan = MasterPlan.objects.get(area=village, fiscal_year=FISCAL_YEAR)
    assert plan.data["households"] == 6

    # The data can be computed again while drafting (htmx swaps the section).
    page.click("[data-testid=refresh-data]")
    page.wait_for_selector("#data-section >> text=คำนวณข้อมูลจากการสำรวจใหม่แล้ว")

    for title, capital, figure in (
        ("หนี้นอกระบบสูง", "financial", "accounts:debt_informal"),
        ("ขาดน้ำทำการเกษตรหน้าแล้ง", "natural", "capital:natural"),
    ):
        page.click("[data-testid=open-problem-form]")
        form = page.locator("[data-testid=problem-form]")
        form.locator("#id_title").fill(title)
        form.locator("#id_capital").select_option(capital)
        form.locator(f"input[name=evidence][value='{figure}']").check()
        form.locator("[data-testid=save-problem]").click()
        page.wait_for_selector(f"[data-testid=problem-row] >> text={title}")
    assert page.locator("[data-testid=problem-row]").count() == 2
    screenshot(page, "plan-draft-phone")

    # A problem is corrected in place, and one added by mistake is removed (htmx swaps).
    debt = page.locator("[data-testid=problem-row]").nth(1)
    debt.locator("[data-testid=edit-problem]").click()
    debt.locator("textarea[name$=description]").fill("กู้เงินนอกระบบดอกเบี้ยร้อยละ 20 ต่อเดือน")
    screenshot(page, "problem-edit-phone")
    debt.locator("[data-testid=save-problem-edit]").click()
    page.wait_for_selector("#problems >> text=บันทึกการแก้ไขปัญหาแล้ว")
    assert "ร้อยละ 20" in page.inner_text("#problems")
    page.click("[data-testid=open-problem-form]")
    form = page.locator("[data-testid=problem-form]")
    form.locator("#id_title").fill("ปัญหาที่เพิ่มผิด")
    form.locator("[data-testid=save-problem]").click()
    page.wait_for_selector("[data-testid=problem-row] >> text=ปัญหาที่เพิ่มผิด")
    wrong = page.locator("[data-testid=problem-row]:has-text('ปัญหาที่เพิ่มผิด')")
    wrong.locator("[data-testid=delete-problem]").click()
    wrong.locator("[data-testid=confirm-delete-problem]").click()
    page.wait_for_selector("#problems >> text=ลบปัญหาออกจากแผนแล้ว")
    assert page.locator("[data-testid=problem-row]").count() == 2

    # Project 1: with the TAO, five households chosen by hand.
    page.click("[data-testid=add-project]")
    page.fill("#id_title", "ธนาคารน้ำใต้ดินเพื่อการเกษตร")
    page.select_option("#id_problem", label="2. ขาดน้ำทำการเกษตรหน้าแล้ง")
    page.fill("#id_objective", "มีน้ำใช้ทำการเกษตรตลอดปี")
    page.fill("#id_activities", "สำรวจพื้นที่ ขุดบ่อรับน้ำ อบรมการดูแล")
    page.fill("#id_indicators", "ครัวเรือนเป้าหมายมีน้ำใช้ 12 เดือน")
    page.fill("#id_budget_requested", "250000")
    page.select_option("#id_carrier", "lao")
    page.select_option("#id_lao", label="องค์การบริหารส่วนตำบลศรีบุญเรือง")
    page.fill("#id_starts_on", "01/12/2569")  # Buddhist era, as the box says
    page.fill("#id_ends_on", "30/09/2570")
    page.click("[data-testid=pick-by-hand]")
    boxes = page.locator("input[name=target_households]")
    assert boxes.count() == 6
    for index in range(5):
        boxes.nth(index).check()
    screenshot(page, "project-form-phone")
    page.click("[data-testid=save-project]")
    page.wait_for_selector("text=เพิ่มโครงการแล้ว มีครัวเรือนเป้าหมาย 5 ครัวเรือน")
    water = Project.objects.get(title="ธนาคารน้ำใต้ดินเพื่อการเกษตร")
    assert water.target_households.count() == 5

    # Still a draft: the content can be corrected (the dates come back in BE).
    page.click("[data-testid=edit-project]")
    assert page.input_value("#id_starts_on") == "01/12/2569"
    page.fill("#id_budget_requested", "260000")
    screenshot(page, "project-edit-phone")
    page.click("[data-testid=save-project]")
    page.wait_for_selector("text=บันทึกการแก้ไขโครงการแล้ว มีครัวเรือนเป้าหมาย 5 ครัวเรือน")
    water.refresh_from_db()
    assert water.budget_requested == 260000 and str(water.ends_on) == "2027-09-30"
    assert "1 ธ.ค. 2569" in page.inner_text(".plan-facts")
    _step(page, "rank")

    # Project 2: the community carries it, households in hardship chosen by level.
    page.click("[data-testid=back-to-plan]")
    page.click("[data-testid=add-project]")
    page.fill("#id_title", "กลุ่มออมทรัพย์แก้หนี้นอกระบบ")
    page.select_option("#id_problem", label="1. หนี้นอกระบบสูง")
    page.fill("#id_objective", "ลดหนี้นอกระบบของครัวเรือน")
    page.fill("#id_budget_requested", "20000")
    page.select_option("#id_carrier", "community")
    page.check("input[name=target_levels][value=in_hardship]")
    page.click("[data-testid=save-project]")
    page.wait_for_selector("[data-testid=project-steps]")
    _step(page, "rank")

    # Endorsement on the forum's behalf: the data freeze.
    page.click("[data-testid=back-to-plan]")
    page.click("[data-testid=endorse-plan]")
    page.wait_for_selector("[data-testid=data-frozen]")
    assert "ชุมชนรับรองแล้ว" in page.inner_text("[data-testid=plan-status]")
    assert page.locator("[data-testid=refresh-data]").count() == 0
    screenshot(page, "plan-endorsed-phone")

    # Into the TAO's local development plan and budget ordinance.
    page.click("[data-testid=project-row] >> text=ธนาคารน้ำใต้ดินเพื่อการเกษตร")
    _step(page, "submit")
    local_plan = {"edition": "เพิ่มเติม ฉบับที่ 4", "first_year": 2570, "last_year": 2574}
    _step(page, "record_local_plan", local_plan)
    assert "เพิ่มเติม ฉบับที่ 4" in page.inner_text("[data-testid=local-plan]")
    _step(page, "record_ordinance", {"fiscal_year": 2570, "amount": "230000"})
    assert "230,000" in page.inner_text("[data-testid=budget-adopted]")
    assert "อยู่ในข้อบัญญัติงบประมาณ" in page.inner_text("[data-testid=project-state]")
    assert page.locator("[data-testid=history] li").count() == 5
    screenshot(page, "project-in-budget-phone")
    project_path = page.url.removeprefix(live_server.url)

    # The household page of a target household shows the project.
    page.click("[data-testid=target-households] a >> nth=0")
    page.wait_for_selector("[data-testid=household-projects]")
    assert "ธนาคารน้ำใต้ดินเพื่อการเกษตร" in page.inner_text("[data-testid=household-projects]")
    screenshot(page, "household-projects-phone")
    household_path = page.url.removeprefix(live_server.url)
    page.click("[data-testid=logout]")

    # The provincial officer's overview shows the plan and its adopted budget.
    log_in(page, "officer", DEMO_PASSWORD)
    page.click("nav.main-nav >> text=ภาพรวมแผนแม่บทชุมชน")
    row = page.locator("[data-testid=overview-plan-row]", has_text=village.name_th)
    assert re.search(r"230,000", row.locator("[data-testid=plan-adopted]").inner_text())
    district = page.locator("[data-testid=by-district] tr", has_text="เมืองมุกดาหาร")
    assert district.count() == 1
    lao = page.locator("[data-testid=by-lao] tr", has_text="องค์การบริหารส่วนตำบลศรีบุญเรือง")
    assert "230,000" in lao.inner_text()
    screenshot(page, "plans-overview-phone")
    row.locator("a").click()
    page.wait_for_selector("[data-testid=data-section]")
    assert "ธนาคารน้ำใต้ดินเพื่อการเกษตร" in page.inner_text("[data-testid=projects]")
    close_checking_csp(page)

    plan_path = f"/plans/p/{plan.public_id}/"
    for username, path, name in (
        ("manager", plan_path, "plan-endorsed-desktop"),
        ("manager", project_path, "project-in-budget-desktop"),
        ("manager", household_path, "household-projects-desktop"),
        ("officer", "/plans/overview/", "plans-overview-desktop"),
    ):
        _desktop_shot(browser, live_server, screenshot, username, path, name)
