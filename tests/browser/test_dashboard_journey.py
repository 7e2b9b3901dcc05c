"""The executive opens the dashboard (390 px and 1280 px), clicks a district on the map, then a
subdistrict, then a village, reads the transition matrix, opens the referrals by agency, and
downloads the xlsx report after its progress bar (a real Celery worker writes it). The charts
are drawn as SVG by the vendored ECharts under the strict Content-Security-Policy. Screenshots
under test-results/."""

import datetime as dt
import io
import random
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from monitoring.rollup import full_rebuild
from ppaos.accounts.models import Role
from referrals.models import Referral, ReferralStatus
from tests.browser.conftest import close_checking_csp, log_in, watch_for_csp_violations
from tests.factories import TEST_PASSWORD, UserFactory, assign
from tests.monitoring.builders import _user, household, result
from tests.referrals.conftest import make_service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEVELS = ["in_hardship", "struggling", "getting_by", "doing_well"]


@pytest.fixture
def province(villages, survey_instrument, agency):
    rng = random.Random(49)
    service = make_service(agency, "journey-welfare")
    made = dt.datetime(2024, 11, 15, 9, 0, tzinfo=dt.UTC)  # fiscal year 2568
    # two villages cycle through the levels (at least five households in each level), so the
    # districts' map classes and most cells show; the others are random and smaller
    for code, count, cycle in (
        ("49010101", 40, False), ("49010102", 25, False), ("49010201", 32, True),
        ("49020101", 32, True),
    ):  # fmt: skip
        for index in range(count):
            home = household(code, [{}])
            first = rng.choice(LEVELS)
            result(home, 2567, first, target_poor=first == "in_hardship")
            second = (
                LEVELS[index % 4]
                if cycle
                else rng.choice(LEVELS[max(0, LEVELS.index(first) - 1) :])
            )
            result(home, 2568, second)
            if index % 3 == 0:
                referral = Referral.objects.create(
                    household=home, area_id=code, service=service, agency=agency, need="x",
                    reason="x", proposed_by=_user(), status=ReferralStatus.COMPLETED,
                    help_value=Decimal(1500), outcome="ได้รับแล้ว", submitted_at=made,
                    completed_at=made + dt.timedelta(days=rng.randint(3, 40)),
                )  # fmt: skip
                Referral.objects.filter(pk=referral.pk).update(created_at=made)
    full_rebuild()


def test_the_executive_drills_down_from_the_map_to_a_village(
    browser, live_server, province, screenshot, celery_worker
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
        # the chart: SVG drawn by ECharts from the json_script data, beside its table
        page.wait_for_selector(".chart[data-drawn] svg")
        screenshot(page, f"dashboard-province-{name}")
        if name == "desktop":  # prints on A4: the print style sheet at A4's width, and a PDF
            page.emulate_media(media="print")
            page.set_viewport_size({"width": 794, "height": 1123})
            page.wait_for_timeout(300)  # the chart follows the resize
            screenshot(page, "dashboard-province-print-a4")
            pdf = page.pdf(format="A4", print_background=True)
            assert pdf.startswith(b"%PDF") and b"/Type /Page" in pdf
            page.emulate_media(media="screen")
            page.set_viewport_size(viewport)
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
        # outside their own area the matrix is for the top of the scope only (subtraction)
        page.wait_for_selector("[data-testid=matrix-top-only]")
        page.goto(live_server.url + "/monitoring/area/49/transitions/")
        page.wait_for_selector("table.matrix")
        assert page.locator("[data-testid=entered-exited]").is_visible()
        screenshot(page, f"dashboard-transitions-{name}")
        body = page.content()
        assert "TEST_PASSWORD" not in body
        # the province's referrals by agency: a chart and its table
        page.goto(live_server.url + "/monitoring/area/49/agencies/?round=2568")
        page.wait_for_selector(".chart[data-drawn] svg")
        assert page.locator("[data-testid=agency-table]").is_visible()
        screenshot(page, f"dashboard-agencies-{name}")
        # the xlsx report: asked for on the dashboard, its progress bar, then the download
        page.goto(live_server.url + "/monitoring/area/49/?round=2568")
        page.click("[data-testid=request-report]")
        page.wait_for_selector("[data-testid=report-progress]")
        status = page.locator("[data-testid=report-progress]").get_attribute("data-status")
        if status in ("queued", "running"):  # the worker has not finished yet: the bar shows
            assert page.locator("[data-testid=report-bar]").is_visible()
        screenshot(page, f"dashboard-report-progress-{name}")
        page.wait_for_selector("[data-testid=report-download]", timeout=90_000)
        screenshot(page, f"dashboard-report-ready-{name}")
        with page.expect_download() as download_info:
            page.click("[data-testid=report-download]")
        download = download_info.value
        assert download.suggested_filename == "monitoring-49-2568.xlsx"
        book = load_workbook(io.BytesIO(open(download.path(), "rb").read()))  # noqa: SIM115
        assert "อำเภอ" in book.sheetnames and "การเปลี่ยนระดับ" in book.sheetnames
        close_checking_csp(page)
