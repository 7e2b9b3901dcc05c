"""An area manager imports a round of surveys on a phone (390 px): downloads the template,
fills 20 households in it (some bad), uploads it as a dry run, reads what would happen, imports
it, and the surveys wait in the review queue; then a KoboToolbox export of the generated form
with the same households imports with nothing duplicated."""

import uuid

import pytest
from django.urls import reverse

from households.models import Household, Person, Survey, SurveyStatus
from ppaos.accounts.policy import Role
from tests.browser.conftest import PHONE, close_checking_csp, log_in, watch_for_csp_violations
from tests.factories import TEST_PASSWORD, UserFactory, assign
from tests.households.survey_import.files import household, write_kobo_xlsx, write_template_xlsx
from tests.imports.files import bad_checksum
from tests.worker import start_worker, stop_worker

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("survey_instrument"),
]

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def survey_import_worker(settings, tmp_path):
    queue = f"ppaos-test-survey-journey-{uuid.uuid4().hex[:8]}"
    settings.IMPORT_TASK_QUEUE = queue
    settings.MEDIA_ROOT = str(tmp_path / "media")
    worker = start_worker(
        name="survey-import-journey", queue=queue, env={"MEDIA_ROOT": settings.MEDIA_ROOT}
    )
    yield worker
    stop_worker(worker)


def new_page(browser, live_server, viewport, **options):
    context = browser.new_context(
        viewport=viewport, locale="th-TH", accept_downloads=True, **options
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.base_url = live_server.url
    watch_for_csp_violations(context, page)
    return page


def phone(browser, live_server):
    return new_page(
        browser, live_server, PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )


def wait_until_finished(page):
    page.wait_for_function(
        "() => ['succeeded','partly_succeeded','failed'].includes("
        "document.querySelector('[data-testid=job-progress]').dataset.status)",
        timeout=180_000,
    )


def counts(page) -> dict[str, str]:
    return {
        name: page.inner_text(f"[data-testid=count-{name}]")
        for name in ("created", "updated", "unchanged", "rejected")
    }


def twenty_households():
    rows = [household(n, village="49010101" if n % 2 else "49010102") for n in range(1, 21)]
    rows[3][1][0]["national_id"] = bad_checksum(rows[3][1][0]["national_id"])  # checksum
    rows[7][0]["village_code"] = "49020101"  # another district: not this manager's
    rows[11][0]["surveyed_on"] = "31/02/2568"  # no such date
    return rows


def test_manager_imports_a_round_of_surveys_on_a_phone(
    browser, live_server, survey_import_worker, area_manager, screenshot, tmp_path
):
    page = phone(browser, live_server)
    log_in(page, area_manager.username, TEST_PASSWORD)
    page.goto(page.base_url + "/imports/upload/")
    assert page.locator("[data-testid=import-kind-surveys]").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "survey-import-01-upload-phone")
    with page.expect_download() as download_info:
        page.click("[data-testid=template-surveys]")
    template = tmp_path / "template.xlsx"
    download_info.value.save_as(template)

    rows = twenty_households()
    filled = write_template_xlsx(tmp_path / "round.xlsx", rows, template=template.read_bytes())

    page.set_input_files("input[type=file]", str(filled))
    page.check("input[name=dry_run]")
    page.click("[data-testid=upload-submit]")
    page.wait_for_url("**/imports/jobs/**")
    wait_until_finished(page)
    assert page.locator("[data-testid=dry-run-note]").is_visible()
    assert counts(page) == {"created": "17", "updated": "0", "unchanged": "0", "rejected": "3"}
    text = page.inner_text("[data-testid=error-groups]")
    assert "นอกพื้นที่" in text and "วันที่" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "survey-import-02-dry-run-phone")
    assert Survey.objects.count() == 0

    page.click("[data-testid=import-for-real]")
    page.wait_for_url("**/imports/jobs/**")
    wait_until_finished(page)
    assert counts(page) == {"created": "17", "updated": "0", "unchanged": "0", "rejected": "3"}
    screenshot(page, "survey-import-03-imported-phone")
    assert Survey.objects.filter(status=SurveyStatus.SUBMITTED).count() == 17
    close_checking_csp(page)

    # Four eyes: the uploader submitted them, so another manager of the district reviews them.
    reviewer = assign(UserFactory(username="mgr_4901_b"), Role.AREA_MANAGER, "4901")
    queue = phone(browser, live_server)
    log_in(queue, reviewer.username, TEST_PASSWORD)
    answer = queue.goto(queue.base_url + reverse("households:review_queue"))
    assert answer.status == 200, (answer.status, queue.inner_text("body")[:2000])
    screenshot(queue, "survey-import-04-review-queue-phone")
    assert queue.locator("[data-testid=open-review]").count() == 17, queue.inner_text("main")
    close_checking_csp(queue)

    # The same households exported from KoboToolbox: nothing is duplicated.
    state = (Household.objects.count(), Person.objects.count(), Survey.objects.count())
    good = [row for n, row in enumerate(rows) if n not in (3, 7, 11)]
    numbers = [n + 1 for n in range(20) if n not in (3, 7, 11)]
    kobo = write_kobo_xlsx(tmp_path / "kobo.xlsx", good, numbers=numbers)
    desk = new_page(browser, live_server, DESKTOP)
    log_in(desk, area_manager.username, TEST_PASSWORD)
    desk.goto(desk.base_url + "/imports/upload/")
    desk.set_input_files("input[type=file]", str(kobo))
    desk.click("[data-testid=upload-submit]")
    desk.wait_for_url("**/imports/jobs/**")
    wait_until_finished(desk)
    assert counts(desk) == {"created": "0", "updated": "0", "unchanged": "17", "rejected": "0"}
    screenshot(desk, "survey-import-05-kobo-desktop")
    assert (Household.objects.count(), Person.objects.count(), Survey.objects.count()) == state
    close_checking_csp(desk)
