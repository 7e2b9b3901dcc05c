"""An admin imports the welfare registry: uploads a file with good and bad rows, watches the
progress bar, reads the grouped errors, downloads the error report, fixes the rows and imports
again; the registrants then appear in the work list of the facilitator of their area."""

import uuid

import pytest
from openpyxl import load_workbook

from ppaos.imports.models import ImportJob
from tests.browser.conftest import PHONE, close_checking_csp, log_in, watch_for_csp_violations
from tests.factories import TEST_PASSWORD
from tests.imports.files import bad_checksum, good_row, write_xlsx
from tests.worker import start_worker, stop_worker

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}


def registry_rows(*, fixed: bool):
    rows = [good_row(n, village=1) for n in range(1, 7)]  # ต.มุกดาหาร หมู่ 1 (490101)
    rows.append(good_row(7, village=1, subdistrict="ศรีบุญเรือง"))  # the neighbour's area
    bad_id, bad_date = good_row(8, village=2), good_row(9, village=2)
    if not fixed:
        bad_id[1] = bad_checksum(bad_id[1])
        bad_date[5] = "31/02/2530"
    return rows + [bad_id, bad_date]


@pytest.fixture
def slow_import_worker(settings, tmp_path):
    """A worker of its own that checks two rows at a time, slowly, so the bar can be watched;
    uploads go to a temporary MEDIA_ROOT that this process and the worker share."""
    queue = f"ppaos-test-import-journey-{uuid.uuid4().hex[:8]}"
    settings.IMPORT_TASK_QUEUE = queue
    settings.MEDIA_ROOT = str(tmp_path / "media")
    worker = start_worker(
        name="import-journey",
        queue=queue,
        env={
            "IMPORT_BATCH_ROWS": "2",
            "IMPORT_BATCH_PAUSE": "0.6",
            "MEDIA_ROOT": settings.MEDIA_ROOT,
        },
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


def upload(page, path):
    page.goto(page.base_url + "/imports/upload/")
    page.set_input_files("input[type=file]", str(path))
    page.click("[data-testid=upload-submit]")
    page.wait_for_url("**/imports/jobs/**")


def wait_until_finished(page):
    # Functions, not bare expressions: Playwright evals an expression in the page, and the
    # Content-Security-Policy refuses eval.
    page.wait_for_function(
        "() => ['succeeded','partly_succeeded','failed'].includes("
        "document.querySelector('[data-testid=job-progress]').dataset.status)",
        timeout=60_000,
    )


def test_admin_imports_fixes_and_reimports(
    browser, live_server, slow_import_worker, admin_user, facilitator, screenshot, tmp_path
):
    page = new_page(browser, live_server, DESKTOP)
    log_in(page, admin_user.username, TEST_PASSWORD)

    first = write_xlsx(
        tmp_path / "registry.xlsx", registry_rows(fixed=False), title_rows=["ทะเบียน"]
    )
    upload(page, first)
    bar = page.locator("[data-testid=progress-bar]")
    bar.wait_for()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=progress-bar]')?.value > 0", timeout=30_000
    )
    screenshot(page, "import-01-progress")
    wait_until_finished(page)

    assert page.inner_text("[data-testid=count-created]") == "7"
    assert page.inner_text("[data-testid=count-rejected]") == "2"
    groups = page.locator("[data-testid=error-group]")
    assert groups.count() == 2
    text = page.inner_text("[data-testid=error-groups]")
    assert "เลขประจำตัวประชาชน" in text and "วันเกิด" in text
    screenshot(page, "import-02-errors")

    with page.expect_download() as download_info:
        page.click("[data-testid=download-errors]")
    report = tmp_path / "errors.xlsx"
    download_info.value.save_as(report)
    rows = list(load_workbook(report, read_only=True).active.iter_rows(values_only=True))
    # Title row 1, header row 2: the bad rows are sheet rows 10 and 11.
    assert [(r[0], r[1]) for r in rows[1:]] == [(10, "เลขประจำตัวประชาชน"), (11, "วันเกิด")]

    fixed = write_xlsx(
        tmp_path / "registry-fixed.xlsx", registry_rows(fixed=True), title_rows=["ทะเบียน"]
    )
    page.click("[data-testid=upload-another]")
    page.set_input_files("input[type=file]", str(fixed))
    page.click("[data-testid=upload-submit]")
    page.wait_for_url("**/imports/jobs/**")
    wait_until_finished(page)
    assert (
        page.inner_text("[data-testid=job-status]")
        == ImportJob.objects.first().get_status_display()
    )
    counts = {
        name: page.inner_text(f"[data-testid=count-{name}]")
        for name in ("created", "updated", "unchanged", "rejected")
    }
    assert counts == {"created": "2", "updated": "0", "unchanged": "7", "rejected": "0"}
    screenshot(page, "import-03-fixed")

    page.goto(page.base_url + "/imports/")
    assert page.locator("[data-testid=job-row]").count() == 2
    job_url = page.locator("[data-testid=job-row] a").first.get_attribute("href")
    close_checking_csp(page)

    # The job page at phone width.
    phone = new_page(
        browser, live_server, PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    log_in(phone, admin_user.username, TEST_PASSWORD)
    phone.goto(phone.base_url + job_url)
    phone.locator("[data-testid=counts]").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "import-04-job-phone")
    close_checking_csp(phone)

    # The facilitator of ต.มุกดาหาร (490101) finds the 8 registrants of their area in the work
    # list; the one in ต.ศรีบุญเรือง (490102) is not theirs.
    field = new_page(browser, live_server, PHONE, is_mobile=True, has_touch=True)
    log_in(field, facilitator.username, TEST_PASSWORD)
    field.goto(field.base_url + "/households/")
    assert field.inner_text("[data-testid=worklist-count]").strip() == "8"
    worklist = field.inner_text("[data-testid=worklist]")
    assert "สมชาย8" in worklist and "สมชาย1" in worklist
    assert "ใจดี7" not in worklist
    screenshot(field, "import-05-facilitator-worklist")
    close_checking_csp(field)
