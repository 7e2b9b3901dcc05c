"""A report whose worker died (the task is delivered again while the row still says "running")
is taken over once that worker has been quiet for STALLED_AFTER, at most MAX_ATTEMPTS times; the
page says it stopped and looks again slowly; a report only waiting in a busy queue is waiting."""

import datetime as dt

import pytest
from django.utils import timezone

from monitoring.models import Report, ReportStatus
from monitoring.reports import look_again_in, write_report
from ppaos.core.background_jobs import MAX_ATTEMPTS, STALLED_AFTER
from tests.monitoring.test_report_exact_and_claim import _report, built  # noqa: F401
from tests.monitoring.test_rollup_equals_hand_count import two_rounds  # noqa: F401

pytestmark = pytest.mark.django_db


def _quiet_for(report, delta, **fields):
    Report.objects.filter(pk=report.pk).update(updated_at=timezone.now() - delta, **fields)


def test_a_running_report_whose_worker_went_quiet_is_written_by_the_next_delivery(
    built,  # noqa: F811
    provincial_officer,
):
    report = _report(provincial_officer, exact=True, status=ReportStatus.RUNNING)
    _quiet_for(report, STALLED_AFTER + dt.timedelta(seconds=1), attempts=1, progress=40)
    done = write_report(report.pk)
    assert done.status == ReportStatus.DONE and done.file and done.attempts == 2
    assert done.progress == 100


def test_a_report_that_killed_its_worker_every_time_has_failed(built, provincial_officer):  # noqa: F811
    report = _report(provincial_officer, exact=True, status=ReportStatus.RUNNING)
    _quiet_for(report, STALLED_AFTER + dt.timedelta(seconds=1), attempts=MAX_ATTEMPTS)
    failed = write_report(report.pk)
    assert failed.status == ReportStatus.FAILED and not failed.file
    assert failed.error == "WorkerLost" and failed.finished_at is not None


def test_a_delivery_while_a_live_worker_writes_it_looks_again_later(built, provincial_officer):  # noqa: F811
    report = _report(provincial_officer, exact=True, status=ReportStatus.RUNNING)
    _quiet_for(report, dt.timedelta(minutes=1), attempts=1)
    result = write_report(report.pk)
    assert result.status == ReportStatus.RUNNING and result.attempts == 1 and not result.file
    # the task looks again once that worker would count as gone (then takes it over, or finds
    # it finished), at most MAX_ATTEMPTS times
    assert look_again_in(result) > STALLED_AFTER.total_seconds()
    done = write_report(_report(provincial_officer, exact=True).pk)
    assert done.status == ReportStatus.DONE and look_again_in(done) is None


def test_the_page_says_a_stalled_report_stopped_and_stops_polling(
    client,
    built,  # noqa: F811
    provincial_officer,
):
    report = _report(provincial_officer, exact=True, status=ReportStatus.RUNNING)
    client.force_login(provincial_officer)
    live = client.get(f"/monitoring/reports/{report.public_id}/")
    assert live.status_code == 200 and "hx-get" in live.content.decode()
    _quiet_for(report, STALLED_AFTER + dt.timedelta(seconds=1))
    page = client.get(f"/monitoring/reports/{report.public_id}/").content.decode()
    assert "หยุดค้าง" in page and 'data-testid="report-stalled"' in page
    # it still looks, slowly: the report is taken over by the next delivery
    assert 'hx-trigger="every 30s"' in page
    listing = client.get("/monitoring/reports/").content.decode()
    assert "หยุดค้าง" in listing


def test_a_report_waiting_long_in_a_busy_queue_is_waiting_not_stopped(
    client,
    built,  # noqa: F811
    provincial_officer,
):
    report = _report(provincial_officer, exact=True)  # queued
    _quiet_for(report, STALLED_AFTER + dt.timedelta(minutes=5))
    client.force_login(provincial_officer)
    page = client.get(f"/monitoring/reports/{report.public_id}/").content.decode()
    assert "หยุดค้าง" not in page and 'hx-trigger="every 1s"' in page
