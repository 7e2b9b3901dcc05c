"""A provincial officer, on a phone, logs an access request for a person: the worker builds the
Thai export, the officer downloads it and it holds every kind of record; then a withdrawal of
consent removes the health data and the household's classification is recomputed."""

import pytest
from openpyxl import load_workbook

from households.models import ClassificationResult
from privacy.access_export import SHEETS
from tests.browser.conftest import PHONE, close_checking_csp, log_in, watch_for_csp_violations
from tests.factories import TEST_PASSWORD
from tests.privacy.privacy_helpers import classified_household_with_disabled_member

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _page(browser, live_server, viewport):
    context = browser.new_context(viewport=viewport, locale="th-TH", accept_downloads=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.base_url = live_server.url
    watch_for_csp_violations(context, page)
    return page


def _log_request(page, person, kind):
    page.goto(page.base_url + "/privacy/requests/new/")
    page.fill("#id_national_id", person.national_id)
    page.select_option("#id_kind", kind)
    page.fill("#id_received_on", "2026-11-30")
    page.click("[data-testid=request-save]")
    page.wait_for_selector("[data-testid=request]")


def test_officer_gets_the_copy_and_withdraws_consent_on_a_phone(
    browser, live_server, celery_worker, facilitator, area_manager, provincial_officer,
    screenshot, tmp_path, survey_instrument,
):  # fmt: skip
    household, person = classified_household_with_disabled_member(facilitator, area_manager)
    page = _page(browser, live_server, PHONE)
    log_in(page, provincial_officer.username, TEST_PASSWORD)

    _log_request(page, person, "access")
    for _ in range(60):
        if page.locator("[data-testid=export-download]").count():
            break
        page.wait_for_timeout(500)
        page.reload()
    screenshot(page, "privacy-request-phone")
    with page.expect_download() as download_info:
        page.click("[data-testid=export-download]")
    path = tmp_path / "copy.xlsx"
    download_info.value.save_as(path)
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == list(SHEETS.values())
    for key in ("person", "households", "surveys", "answers", "classification", "reads"):
        assert len(list(book[SHEETS[key]].iter_rows(values_only=True))) >= 2, key

    before = ClassificationResult.objects.get(household=household).failed_dimensions
    _log_request(page, person, "withdraw_consent")
    page.click("[data-testid=withdraw-consent]")
    page.wait_for_selector("[data-testid=request-outcome]")
    assert "ถอนความยินยอมแล้ว" in page.inner_text("[data-testid=request-outcome]")
    person.refresh_from_db()
    assert not person.has_disability
    after = ClassificationResult.objects.get(household=household).failed_dimensions
    assert "access" in before and "access" not in after
    page.goto(page.base_url + "/privacy/requests/")
    screenshot(page, "privacy-requests-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "privacy-requests-desktop")
    close_checking_csp(page)
