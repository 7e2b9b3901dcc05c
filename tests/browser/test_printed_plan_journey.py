"""The printed plan on a phone and on a desk: the facilitator opens it, asks for the PDF, follows
its progress and downloads it; nothing on the page breaks the Content-Security-Policy."""

import pytest

from tests.browser.conftest import (
    PHONE,
    SCREENSHOTS,
    close_checking_csp,
    log_in,
    watch_for_csp_violations,
)
from tests.factories import TEST_PASSWORD
from tests.masterplans.printed_plan_helpers import PROJECT_TITLE, village_plan

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _page(browser, live_server, viewport):
    context = browser.new_context(viewport=viewport, locale="th-TH", accept_downloads=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.base_url = live_server.url
    watch_for_csp_violations(context, page)
    return page


def test_the_facilitator_prints_the_plan_and_downloads_its_pdf(
    browser, live_server, celery_worker, facilitator, area_manager, screenshot, tmp_path,
    survey_instrument,
):  # fmt: skip
    plan, _ = village_plan(facilitator, area_manager)
    url = f"/plans/{plan.public_id}/print/"
    for name, viewport in (("phone", PHONE), ("desk", {"width": 1280, "height": 900})):
        page = _page(browser, live_server, viewport)
        log_in(page, facilitator.username, TEST_PASSWORD)
        page.goto(page.base_url + url)
        assert page.inner_text("[data-testid=village-name]") == "บ้านโนนสูง"
        assert PROJECT_TITLE in page.inner_text("[data-testid=projects]")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"the page scrolls sideways at {viewport['width']} px"
        screenshot(page, f"printed-plan-{name}")
        for part in ("cover", "data-section", "projects", "budget"):  # one screen each, to read
            page.locator(f"[data-testid={part}]").scroll_into_view_if_needed()
            page.screenshot(path=str(SCREENSHOTS / f"printed-plan-{name}-{part}.png"))
        if name == "phone":
            page.click("[data-testid=pdf-request]")
            page.wait_for_selector("[data-testid=pdf-status]")  # the progress, polled by htmx
            page.screenshot(path=str(SCREENSHOTS / "printed-plan-phone-pdf-progress.png"))
            page.wait_for_selector("[data-testid=pdf-download]", timeout=120_000)
            with page.expect_download() as download:
                page.click("[data-testid=pdf-download]")
            saved = tmp_path / "plan.pdf"
            download.value.save_as(saved)
            assert saved.read_bytes().startswith(b"%PDF-")
            assert download.value.suggested_filename.endswith(".pdf")
        close_checking_csp(page)
