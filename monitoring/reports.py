"""The provincial roll-up as xlsx: asked for on a page or the API, written by a Celery task.

One sheet per area level below the report's area (the area itself first), the level-transition
matrix from the previous round, a native bar chart of households by level, and a sheet saying
what the figures are. The numbers are the dashboard's: the same roll-ups, the same top-down
suppression (monitoring.suppression.protect_tree) for the requester, so a report never shows a
cell the pages hide. Every cell goes through ppaos.core.xlsx_cells.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from households.surveys.models import LEVEL_THAI
from ppaos.accounts.policy import Action, require, scope_q
from ppaos.areas.models import Area
from ppaos.audit.services import record_audit_event
from ppaos.core.background_jobs import MAX_ATTEMPTS, STALLED_AFTER, claimable_q
from ppaos.core.display import format_datetime
from ppaos.core.xlsx_cells import amount_cell, safe_row, text_cell
from ppaos.db_routers import read_from_replica

from . import selectors, suppression
from .models import AreaRollup, Report, ReportStatus, RollupRefresh

LEVEL_NAMES = {2: "province", 4: "district", 6: "subdistrict", 8: "village"}
SHEET_TITLES = {2: "จังหวัด", 4: "อำเภอ", 6: "ตำบล", 8: "หมู่บ้าน"}
SINGLE_METRICS = ("target_poor", "ref_overdue", "help_count")


def reports_visible_to(user) -> QuerySet:
    """Reports of the areas in the user's dashboard scope, as far as the user could see the same
    numbers: a protected report (small cells hidden) to anyone with the dashboard there, an
    exact one (made inside its requester's own work area) only to those who also work there."""
    protected = scope_q(user, Action.VIEW_DASHBOARD, area_field="area_id")
    exact = scope_q(user, Action.VIEW_HOUSEHOLD, area_field="area_id")
    return Report.objects.filter(
        (Q(exact=False) & protected) | (Q(exact=True) & protected & exact)
    ).select_related("area", "requested_by")


def request_report(*, actor, area: Area, fiscal_year: int) -> Report:
    """Queue a report of `area` for the round (the area is already in the actor's scope:
    selectors.dashboard_area; making one needs RUN_REPORTS there, 403 without: DESIGN §1 gives
    reports to the provincial officer and the executive). The task starts after the commit."""
    require(actor, Action.RUN_REPORTS, area_code=area.code)
    rounds = selectors.rounds()
    if fiscal_year not in rounds:
        raise ValueError(_("There is no verified round %(year)s.") % {"year": fiscal_year})
    earlier = [y for y in rounds if y < fiscal_year]
    report = Report.objects.create(
        requested_by=actor,
        area=area,
        fiscal_year=fiscal_year,
        from_year=earlier[-1] if earlier else None,
        exact=selectors.is_exact_for(actor, area),
    )
    record_audit_event(
        actor=actor,
        action="monitoring.report_requested",
        target=report,
        area_code=area.code,
        details={"fiscal_year": fiscal_year},
    )
    from .tasks import write_report_task  # noqa: PLC0415

    report_id = report.pk
    transaction.on_commit(lambda: write_report_task.delay(report_id))
    return report


def write_report(report_id: int) -> Report | None:
    """Write the xlsx of a queued report; progress is saved as it goes. Safe to run twice: a
    worker claims the report with a conditional update (waiting, or running in a worker gone
    quiet for STALLED_AFTER: ppaos.core.background_jobs), counting the attempt, so a duplicate
    delivery while one works does nothing and stores no second file; after MAX_ATTEMPTS claims
    it has failed. Its result is saved only while this claim still holds.

    The Report row is read and updated on the primary (its status is what the page polls); the
    figures are read inside `read_from_replica()` (a replica that lags or is down is skipped
    there: ppaos/db_routers.py)."""
    now = timezone.now()
    claimable = Report.objects.filter(
        claimable_q(waiting=ReportStatus.QUEUED, running=ReportStatus.RUNNING), pk=report_id
    )
    claimable.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=ReportStatus.FAILED, error="WorkerLost", finished_at=now, updated_at=Now()
    )
    claimed = claimable.filter(attempts__lt=MAX_ATTEMPTS).update(
        status=ReportStatus.RUNNING, progress=5, attempts=F("attempts") + 1, updated_at=Now()
    )
    if not claimed:
        return Report.objects.filter(pk=report_id).first()
    report = Report.objects.select_related("area", "requested_by").get(pk=report_id)
    ours = Report.objects.filter(
        pk=report_id, status=ReportStatus.RUNNING, attempts=report.attempts
    )

    def progress(percent: int) -> None:
        ours.update(progress=percent, updated_at=Now())

    try:
        with override("th"), read_from_replica():
            content = _workbook_bytes(report, progress)
            refresh = RollupRefresh.objects.first()
    except Exception as exc:
        ours.update(
            status=ReportStatus.FAILED,
            error=type(exc).__name__[:200],
            finished_at=timezone.now(),
            updated_at=Now(),
        )
        raise
    field = Report._meta.get_field("file")
    name = field.generate_filename(report, "report.xlsx")
    stored = field.storage.save(name, ContentFile(content))
    finished = ours.update(
        file=stored,
        status=ReportStatus.DONE,
        progress=100,
        finished_at=timezone.now(),
        updated_at=Now(),
        data_as_of=refresh.finished_at if refresh else None,
    )
    if not finished:
        # Another worker took it over (this one was too slow): its result stands, not ours.
        field.storage.delete(stored)
    return Report.objects.filter(pk=report_id).first()


def look_again_in(report: Report | None) -> float | None:
    """Seconds until a delivery that found the report held by another worker should look again
    (once that worker would count as gone: it is then taken over, or found finished); None when
    there is nothing to wait for."""
    if report is not None and report.status == ReportStatus.RUNNING:
        return STALLED_AFTER.total_seconds() + 60
    return None


def download_name(report: Report) -> str:
    return f"monitoring-{report.area_id}-{report.fiscal_year}.xlsx"


# ---------------------------------------------------------------------------------------------


def _tree(root: Area):
    """Every area of the report (its ancestors, itself, all below it) and the roll-ups of the
    round: {parent: [children]}, {code: name}."""
    code = root.code
    path = selectors.ancestry(code)
    rows = Area.objects.filter(code__startswith=code).exclude(code=code).order_by("code")
    kids: dict[str, list[str]] = {}
    names = {code: root.name_th}
    for child, parent, name in rows.values_list("code", "parent_id", "name_th"):
        kids.setdefault(parent, []).append(child)
        names[child] = name
    for parent, children in selectors._children_on_path(path[:-1]).items():
        kids[parent] = [c for c, _n in children]
    return kids, names


def _protected(kids, figures, year, prefix, metrics, exact, known=None) -> dict[str, list]:
    """{code: shown line} for every area: its row in its parent's protected table (`known`: the
    requester's own work areas, as on their dashboard: selectors.known_to)."""
    counts = {
        code: [int(f.get(m, 0)) for m in metrics] for (code, y), f in figures.items() if y == year
    }
    root = next(iter(sorted(kids, key=len)), prefix[:2])
    tables = suppression.protect_tree(
        root, lambda c: kids.get(c, []), counts, width=len(metrics), exact=exact, known=known
    )
    lines: dict[str, list] = {}
    for parent, (children, shown) in tables.items():
        for child, row in zip(children, shown, strict=False):
            lines[child] = row
        lines.setdefault(parent, shown[-1])
    return lines


def _workbook_bytes(report: Report, progress: Callable[[int], None]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    area, year, exact = report.area, report.fiscal_year, report.exact
    kids, names = _tree(area)
    codes = list(names) + selectors.ancestry(area.code)
    figures: dict = {}
    rows = AreaRollup.objects.filter(
        area_code__in=set(codes) | {c for cs in kids.values() for c in cs}, fiscal_year=year
    ).values_list("area_code", "fiscal_year", "metric", "value")
    for code, y, metric, value in rows.iterator(chunk_size=5000):
        figures.setdefault((code, y), {})[metric] = value
    progress(25)
    level_metrics = [f"level:{lv}" for lv in selectors.LEVELS]
    known = selectors.known_to(report.requested_by)
    levels = _protected(kids, figures, year, area.code, level_metrics, exact, known)
    singles = {
        m: _protected(kids, figures, year, area.code, [m], exact, known) for m in SINGLE_METRICS
    }
    progress(45)

    workbook = Workbook(write_only=True)
    about = workbook.create_sheet(_("About"))
    refresh = RollupRefresh.objects.first()
    for line in (
        [_("Monitoring report"), area.name_th],
        [_("Area code"), area.code],
        [_("Round (fiscal year)"), year],
        [_("Data as of"), format_datetime(refresh.finished_at) if refresh else ""],
        [_("Generated"), format_datetime(timezone.now())],
        [
            _("Small numbers"),
            _("Exact counts (your own work area)")
            if exact
            else _(
                "Counts of 1–4 households are shown as <5; a cell marked x is hidden so that "
                "a total cannot give a small count back."
            ),
        ],
    ):
        about.append(safe_row(about, line))

    headers = [
        _("Code"),
        _("Area"),
        *[LEVEL_THAI[lv] for lv in selectors.LEVELS],
        _("Households surveyed"),
        _("Share in hardship (%)"),
        _("Target poor (TPMAP)"),
        _("Referrals overdue"),
        _("Help delivered"),
        _("Value of help delivered (baht)"),
    ]
    by_length: dict[int, list[str]] = {}
    for code in names:
        by_length.setdefault(len(code), []).append(code)
    lengths = sorted(by_length)
    for step, length in enumerate(lengths):
        sheet = workbook.create_sheet(SHEET_TITLES.get(length, str(length)))
        sheet.append(safe_row(sheet, headers))
        written = 0
        for code in sorted(by_length[length]):
            line = levels.get(code) or [0] * (len(level_metrics) + 1)
            hardship, total = line[0], line[-1]
            share = (
                round(100 * hardship / total, 1)
                if isinstance(hardship, int) and isinstance(total, int) and total
                else None
            )
            help_shown = singles["help_count"].get(code, [0])[0]
            value_ok = exact or (isinstance(help_shown, int) and help_shown >= 5)
            value = figures.get((code, year), {}).get("help_value", 0)
            sheet.append(
                [
                    text_cell(sheet, code),
                    text_cell(sheet, names.get(code, "")),
                    *[text_cell(sheet, v) for v in line],
                    share,
                    *[text_cell(sheet, singles[m].get(code, [0])[0]) for m in SINGLE_METRICS],
                    amount_cell(sheet, value) if value_ok else text_cell(sheet, "–"),
                ]
            )
            written += 1
        if length == lengths[min(1, len(lengths) - 1)] and written:
            chart = BarChart()
            chart.type = "bar"
            chart.grouping = "stacked"
            chart.overlap = 100
            chart.title = _("Households by level, by area")
            chart.height = max(7.5, 0.6 * written)
            chart.width = 18
            data = Reference(sheet, min_col=3, max_col=6, min_row=1, max_row=written + 1)
            chart.add_data(data, titles_from_data=True)
            chart.set_categories(Reference(sheet, min_col=2, min_row=2, max_row=written + 1))
            sheet.add_chart(chart, "M2")
        progress(45 + int(40 * (step + 1) / len(lengths)))

    matrix = None
    if report.from_year:
        matrix = selectors.transition_matrix(
            report.requested_by, area, report.from_year, year, exact=exact
        )
    if matrix and not matrix["top_only"] and matrix["computed"]:
        sheet = workbook.create_sheet(_("Level changes"))
        sheet.append(
            safe_row(
                sheet,
                [
                    _("Rows: level in %(a)s; columns: level in %(b)s")
                    % {"a": report.from_year, "b": year}
                ],
            )
        )
        sheet.append(safe_row(sheet, ["", *matrix["headers"], _("Total")]))
        for label, cells, total in matrix["rows"]:
            sheet.append(safe_row(sheet, [label, *[v for v, _shade in cells], total]))
        sheet.append(safe_row(sheet, [_("Total"), *matrix["total"]]))
    progress(95)
    with tempfile.TemporaryFile() as handle:
        workbook.save(handle)
        handle.seek(0)
        return handle.read()
