"""The executive opens the dashboard (390 px and 1280 px), clicks a district on the map, then a
subdistrict, then a village, and reads the transition matrix. Screenshots under test-results/."""

import random

import pytest

from monitoring.rollup import full_rebuild
from ppaos.accounts.models import Role
from tests.browser.conftest import close_checking_csp, log_in, watch_for_csp_violations
from tests.factories import TEST_PASSWORD, UserFactory, assign
from tests.monitoring.builders import household, result

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEVELS = ["in_hardship", "struggling", "getting_by", "doing_well"]


@pytest.fixture
def province(villages, survey_instrument):
    rng = random.Random(49)
    for code, count in (("49010101", 40), ("49010102", 25), ("49010201", 30), ("49020101", 20)):
        for _ in range(count):
            home = household(code, [{}])
            first = rng.choice(LEVELS)
            result(home, 2567, first, target_poor=first == "in_hardship")
            result(home, 2568, rng.choice(LEVELS[max(0, LEVELS.index(first) - 1) :]))
    full_rebuild()


def test_the_executive_drills_down_from_the_map_to_a_village(
    browser, live_server, province, screenshot
):
    assign(UserFactory(username="governor"), Role.EXECUTIVE, "49")
    for name, viewport in (
        ("phone", {"width": 390, "height": 844}),
        ("desktop", {"width": 1280, "height": 900}),
    ):
        context = browser.new_context(viewport=viewport, locale="th-TH")
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.base_url = live_server.url
        watch_for_csp_violations(context, page)
        log_in(page, "governor", TEST_PASSWORD)
        page.goto(live_server.url + "/monitoring/")
        page.wait_for_selector("text=ข้อมูล ณ")
        screenshot(page, f"dashboard-province-{name}")
        page.click("svg a[href='/monitoring/area/4901/']")
        page.wait_for_selector("nav.crumbs >> text=เมืองมุกดาหาร")
        assert page.url.endswith("/monitoring/area/4901/")
        screenshot(page, f"dashboard-district-{name}")
        page.click("svg a[href='/monitoring/area/490101/']")
        page.wait_for_selector("nav.crumbs a[href='/monitoring/area/4901/']")
        screenshot(page, f"dashboard-subdistrict-{name}")
        page.click("table.figures a[href='/monitoring/area/49010101/']")
        page.wait_for_selector("nav.crumbs a[href='/monitoring/area/490101/']")
        screenshot(page, f"dashboard-village-{name}")
        page.click("text=การเปลี่ยนระดับระหว่างรอบ")
        page.wait_for_selector("table.matrix")
        screenshot(page, f"dashboard-transitions-{name}")
        body = page.content()
        assert "TEST_PASSWORD" not in body
        close_checking_csp(page)
