"""A provincial officer, on a phone, logs a correction request and writes the corrected name into
the person's record; then reads the retention dry run. Screenshots at 390 and 1280 px."""

import pytest

from households.models import Membership
from tests.browser.conftest import PHONE, close_checking_csp, log_in, watch_for_csp_violations
from tests.factories import TEST_PASSWORD, household_with_head

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_corrects_a_name_and_reads_the_retention_report(
    browser, live_server, provincial_officer, screenshot
):
    person = Membership.objects.get(household=household_with_head()).person
    context = browser.new_context(viewport=PHONE, locale="th-TH")
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.base_url = live_server.url
    watch_for_csp_violations(context, page)
    log_in(page, provincial_officer.username, TEST_PASSWORD)

    page.goto(page.base_url + "/privacy/requests/new/")
    page.fill("#id_national_id", person.national_id)
    page.select_option("#id_kind", "correction")
    page.fill("#id_received_on", "2026-11-30")
    page.fill("#id_details", "นามสกุลสะกดผิด ที่ถูกคือ ศรีสุขใจ")
    page.click("[data-testid=request-save]")
    page.wait_for_selector("[data-testid=correction-form]")
    page.select_option("#id_field", "last_name")
    page.fill("#id_value", "ศรีสุขใจ")
    screenshot(page, "privacy-correction-phone")
    page.click("[data-testid=apply-correction]")
    page.wait_for_selector("[data-testid=request-outcome]")
    assert "แก้ไขข้อมูลของเจ้าของข้อมูลเรียบร้อยแล้ว" in page.inner_text("[data-testid=request-outcome]")
    person.refresh_from_db()
    assert person.last_name == "ศรีสุขใจ"

    page.goto(page.base_url + "/privacy/retention/")
    page.wait_for_selector("[data-testid=retention-exited_persons]")
    assert "ระยะเวลาการเก็บรักษาข้อมูลส่วนบุคคล" in page.inner_text("h1")
    screenshot(page, "privacy-retention-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "privacy-retention-desktop")
    close_checking_csp(page)
