"""Dashboard pages: the executive's, and officers' and area managers' within their scope.

Facilitators are refused with 403 (their role does not grant VIEW_DASHBOARD: they see their own
villages' households, not the province's figures). The views hold no logic: monitoring.selectors.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ppaos.accounts.policy import Action, can, ensure_role_allows
from ppaos.core.stored_files import serve_stored_file

from . import mapsvg, reports, selectors


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _page(request, code):
    area = selectors.dashboard_area(request.user, code)
    context = {"area": area, "data_as_of": selectors.data_as_of(), "rounds": selectors.rounds()}
    if area is not None:
        board = selectors.dashboard(request.user, area, _int(request.GET.get("round")))
        for row in board.children:  # one link a row (href and hx-get), not two reverses
            row["url"] = reverse("monitoring:area_dashboard", args=[row["area"].code])
        context.update(
            board=board,
            breadcrumb=selectors.breadcrumb(request.user, area),
            map=_map(area, board),
            attribution=mapsvg.ATTRIBUTION,
            chart=selectors.levels_chart(board),
            can_report=can(request.user, Action.RUN_REPORTS, area_code=area.code),
        )
    partial = request.headers.get("HX-Request") == "true"
    template = "monitoring/_dashboard_body.html" if partial else "monitoring/dashboard.html"
    return render(request, template, context)


def _map(area, board):
    drawn = mapsvg.shapes(area.code)
    if drawn is None:
        return None
    height, paths = drawn
    by_code = {row["area"].code: row for row in board.children}
    return {
        "height": height,
        "width": mapsvg.WIDTH,
        "paths": [
            {
                "code": code,
                "d": d,
                "row": by_code.get(code),
                "map_class": by_code[code]["map_class"] if code in by_code else "nodata",
            }
            for code, d in paths
        ],  # fmt: skip
    }


@login_required
def dashboard(request):
    return _page(request, None)


@login_required
def area_dashboard(request, code: str):
    return _page(request, code)


@login_required
def transitions(request, code: str):
    area = selectors.dashboard_area(request.user, code)
    rounds = selectors.rounds()
    from_year, to_year = selectors.transition_rounds(
        _int(request.GET.get("from")), _int(request.GET.get("to"))
    )
    matrix = outcomes = None
    if from_year and to_year and from_year != to_year:
        matrix = selectors.transition_matrix(request.user, area, from_year, to_year)
        outcomes = selectors.outcomes_by_help(request.user, area, from_year, to_year)
    context = {
        "area": area,
        "matrix": matrix,
        "outcomes": outcomes,
        "rounds": rounds,
        "from_year": from_year,
        "to_year": to_year,
        "data_as_of": selectors.data_as_of(),
        "breadcrumb": selectors.breadcrumb(request.user, area),
    }
    return render(request, "monitoring/transitions.html", context)


@login_required
def agencies(request, code: str):
    """Referrals of the round by receiving agency, within the user's dashboard scope."""
    area = selectors.dashboard_area(request.user, code)
    rounds = selectors.rounds()
    year = selectors.round_or_latest(_int(request.GET.get("round")))
    figures = selectors.agency_figures(request.user, area, year)
    context = {
        "area": area,
        "figures": figures,
        "rounds": rounds,
        "fiscal_year": year,
        "chart": selectors.agency_chart(figures),
        "data_as_of": selectors.data_as_of(),
        "breadcrumb": selectors.breadcrumb(request.user, area),
    }
    return render(request, "monitoring/agencies.html", context)


@login_required
def report_list(request):
    """The user's generated reports, newest first."""
    ensure_role_allows(request.user, Action.VIEW_DASHBOARD)
    history = reports.reports_visible_to(request.user)[:50]
    return render(
        request,
        "monitoring/report_list.html",
        {"reports": history, "data_as_of": selectors.data_as_of()},
    )


@login_required
@require_POST
def report_request(request, code: str):
    ensure_role_allows(request.user, Action.RUN_REPORTS)
    area = selectors.dashboard_area(request.user, code)
    try:
        report = reports.request_report(
            actor=request.user, area=area, fiscal_year=_int(request.POST.get("round")) or 0
        )
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("monitoring:area_dashboard", code=area.code)
    return redirect("monitoring:report_detail", public_id=report.public_id)


def _report(request, public_id):
    ensure_role_allows(request.user, Action.VIEW_DASHBOARD)
    return get_object_or_404(reports.reports_visible_to(request.user), public_id=public_id)


@login_required
def report_detail(request, public_id):
    report = _report(request, public_id)
    return render(
        request,
        "monitoring/report_detail.html",
        {"report": report, "data_as_of": selectors.data_as_of()},
    )


@login_required
def report_progress(request, public_id):
    """The progress part of the report page, polled by htmx while the report is written."""
    return render(
        request, "monitoring/_report_progress.html", {"report": _report(request, public_id)}
    )


@login_required
def report_download(request, public_id):
    return serve_stored_file(
        request,
        action=Action.VIEW_DASHBOARD,
        queryset=reports.reports_visible_to(request.user).filter(status="done"),
        public_id=public_id,
        file_field="file",
        audit_action="monitoring.report_downloaded",
        download_name=reports.download_name,
        details=lambda report: {"fiscal_year": report.fiscal_year},
    )
