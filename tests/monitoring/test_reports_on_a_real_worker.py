"""The xlsx report of the roll-ups, written by a real Celery worker: asked for on the page, its
progress polled, downloaded through the stored-files view (audited), its numbers the dashboard's
(a hand count for an officer, protected for the executive); scope: other area 404, facilitator
403, an exact report only for those who work in its area."""

import io
import random
import time
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from monitoring import selectors
from monitoring.models import Report, ReportStatus
from monitoring.rollup import full_rebuild
from ppaos.areas.models import Area
from ppaos.audit.models import AuditEvent
from tests.monitoring.builders import household, result

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    # the replica alias a test adds, as DATABASE_REPLICA_URL would
    pytest.mark.filterwarnings("ignore:Overriding setting DATABASES"),
]

LEVELS = ["in_hardship", "struggling", "getting_by", "doing_well"]
COUNTS = {"49010101": 12, "49010102": 3, "49010201": 9, "49020101": 6}


@pytest.fixture
def province(villages, survey_instrument_db):
    rng = random.Random(5)
    levels = {}
    for code, count in COUNTS.items():
        for index in range(count):
            home = household(code, [{}])
            first = LEVELS[index % 4]
            result(home, 2567, first)
            second = rng.choice(LEVELS)
            result(home, 2568, second)
            levels.setdefault(code, []).append(second)
    full_rebuild()
    return levels


@pytest.fixture
def survey_instrument_db(villages):
    """A transactional test's flush removes the instrument a data migration loads: load it."""
    from django.apps import apps as django_apps

    from households.surveys.instrument_loader import load_instrument_v1

    load_instrument_v1(django_apps)


def _wait(report, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.status in (ReportStatus.DONE, ReportStatus.FAILED):
            return report
        time.sleep(0.3)
    raise AssertionError(f"report still {report.status}")


def _ask(client, user, code="49"):
    client.force_login(user)
    response = client.post(reverse("monitoring:report_request", args=[code]), {"round": 2568})
    assert response.status_code == 302
    return Report.objects.get(requested_by=user, area_id=code)


def test_an_officer_gets_the_report_with_a_hand_count(
    client, celery_worker, province, provincial_officer
):
    report = _ask(client, provincial_officer)
    page = client.get(reverse("monitoring:report_detail", args=[report.public_id]))
    assert page.status_code == 200
    progress = client.get(reverse("monitoring:report_progress", args=[report.public_id]))
    assert 'id="report-progress"' in progress.content.decode()
    report = _wait(report)
    assert report.status == ReportStatus.DONE and report.progress == 100
    done = client.get(reverse("monitoring:report_progress", args=[report.public_id]))
    assert "hx-trigger" not in done.content.decode()  # the polling stops
    response = client.get(reverse("monitoring:report_download", args=[report.public_id]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    assert AuditEvent.objects.filter(action="monitoring.report_downloaded").count() == 1

    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == [
        "เกี่ยวกับรายงาน", "จังหวัด", "อำเภอ", "ตำบล", "หมู่บ้าน", "การเปลี่ยนระดับ"
    ]  # fmt: skip
    villages = {row[0]: row for row in book["หมู่บ้าน"].iter_rows(min_row=2, values_only=True)}
    for code, levels in province.items():
        row = villages[code]
        assert list(row[2:6]) == [levels.count(lv) for lv in LEVELS], code
        assert row[6] == COUNTS[code]
    province_row = next(book["จังหวัด"].iter_rows(min_row=2, values_only=True))
    assert province_row[6] == sum(COUNTS.values())
    matrix = list(book["การเปลี่ยนระดับ"].iter_rows(values_only=True))
    assert matrix[-1][-1] == sum(COUNTS.values())  # everyone surveyed in both rounds
    # a native chart (DrawingML) on the districts' sheet
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert any(name.startswith("xl/charts/chart") for name in archive.namelist())
    # the history lists it
    history = client.get(reverse("monitoring:report_list")).content.decode()
    assert reverse("monitoring:report_download", args=[report.public_id]) in history


def test_the_executives_report_shows_what_the_dashboard_shows(
    client, celery_worker, province, executive
):
    report = _wait(_ask(client, executive))
    assert report.status == ReportStatus.DONE and not report.exact
    response = client.get(reverse("monitoring:report_download", args=[report.public_id]))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    for sheet in ("จังหวัด", "อำเภอ", "ตำบล", "หมู่บ้าน"):
        for row in book[sheet].iter_rows(min_row=2, values_only=True):
            counts = row[2:7] + row[8:11]
            assert not any(v in (1, 2, 3, 4) for v in counts), (sheet, row)
    # the districts' lines are the province page's table rows, hidden the same way
    board = selectors.dashboard(executive, Area.objects.get(code="49"), 2568)
    page_rows = {r["area"].code: [*r["cells"], r["total"]] for r in board.children}
    for row in book["อำเภอ"].iter_rows(min_row=2, values_only=True):
        assert list(row[2:7]) == page_rows[row[0]]
    villages = {row[0]: row for row in book["หมู่บ้าน"].iter_rows(min_row=2, values_only=True)}
    assert villages["49010102"][6] == "<5"  # three households


def test_reports_are_scoped(
    client, celery_worker, province, area_manager, provincial_officer, facilitator, executive
):
    exact = _ask(client, provincial_officer)  # exact: the officer works in the whole province
    assert exact.exact
    client.force_login(area_manager)
    # making a report needs RUN_REPORTS (officer, executive): the area manager may only read
    refused = client.post(reverse("monitoring:report_request", args=["4901"]), {"round": 2568})
    assert refused.status_code == 403
    local = _ask(client, provincial_officer, code="4901")
    client.force_login(area_manager)
    # the province's report is outside the area manager's scope
    assert (
        client.get(reverse("monitoring:report_detail", args=[exact.public_id])).status_code == 404
    )
    assert (
        client.get(reverse("monitoring:report_detail", args=[local.public_id])).status_code == 200
    )
    client.force_login(facilitator)
    assert (
        client.get(reverse("monitoring:report_detail", args=[local.public_id])).status_code == 403
    )
    assert client.get(reverse("monitoring:report_list")).status_code == 403
    # the executive sees the area manager's exact report? No: it holds exact small counts
    client.force_login(executive)
    assert (
        client.get(reverse("monitoring:report_detail", args=[local.public_id])).status_code == 404
    )
    assert (
        client.get(reverse("monitoring:report_download", args=[exact.public_id])).status_code == 404
    )
    _wait(exact)
    _wait(local)


def test_the_report_task_is_routed_to_the_reports_queue_a_test_worker_consumes():
    from django.conf import settings

    from monitoring.tasks import write_report_task
    from ppaos.celery import app
    from tests.worker import run_queues

    assert write_report_task.name == "monitoring.write_report"
    route = app.amqp.router.route({}, write_report_task.name)
    assert route["queue"].name == settings.CELERY_REPORTS_QUEUE
    assert settings.CELERY_REPORTS_QUEUE in run_queues().split(",")
    # and the roll-ups are not swept into it
    rollup = app.amqp.router.route({}, "monitoring.full_rebuild")
    assert rollup["queue"].name == settings.CELERY_ROLLUPS_QUEUE


def test_the_report_reads_its_figures_from_the_replica_and_its_row_on_the_primary(
    province, provincial_officer
):
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    from monitoring.reports import write_report
    from tests.scaling.replica_alias import real_replica_connection

    area = Area.objects.get(code="49")
    report = Report.objects.create(requested_by=provincial_officer, area=area, fiscal_year=2568)
    with real_replica_connection():
        # Opened here: Django's test case only lets the databases it knows open a connection.
        connections["replica"].connect()
        with (
            CaptureQueriesContext(connections["replica"]) as on_replica,
            CaptureQueriesContext(connections["default"]) as on_primary,
        ):
            done = write_report(report.pk)
    assert done.status == ReportStatus.DONE
    replica_sql = " ".join(q["sql"] for q in on_replica.captured_queries)
    primary_sql = [q["sql"] for q in on_primary.captured_queries]
    assert "monitoring_arearollup" in replica_sql
    assert "monitoring_report" not in replica_sql
    assert not any("monitoring_arearollup" in sql for sql in primary_sql)
    assert any(sql.startswith("SELECT") and "monitoring_report" in sql for sql in primary_sql)
    assert any(sql.startswith("UPDATE") and "monitoring_report" in sql for sql in primary_sql)
