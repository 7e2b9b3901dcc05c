"""Dashboard pages: the executive's, and officers' and area managers' within their scope.

Facilitators are refused with 403 (their role does not grant VIEW_DASHBOARD: they see their own
villages' households, not the province's figures). The views hold no logic: monitoring.selectors.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import mapsvg, selectors


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
        context.update(
            board=board,
            breadcrumb=selectors.breadcrumb(request.user, area),
            map=_map(area, board),
            attribution=mapsvg.ATTRIBUTION,
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
    to_year = _int(request.GET.get("to")) or (rounds[-1] if rounds else None)
    from_year = (
        _int(request.GET.get("from"))
        or (([y for y in rounds if to_year and y < to_year] or [None])[-1])
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
