"""REST API of the monitoring roll-ups: the same selectors (scope, suppression) as the pages.

Every answer carries `exact`: false when small counts are protected for the caller (outside
their own work area), and `data_as_of`: the time of the last refresh of the roll-ups.
"""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ppaos.accounts.policy import Action, ensure_role_allows, ensure_role_grants
from ppaos.core.stored_files import serve_stored_file

from .. import reports, selectors
from .serializers import (
    AgencyTableSerializer,
    LevelTransitionQuerySerializer,
    LevelTransitionSerializer,
    ReportRequestSerializer,
    ReportSerializer,
    RollupSerializer,
    RoundQuerySerializer,
)

_AREA = OpenApiParameter("area", str, description="Area code (2, 4, 6 or 8 digits); default: "
                         "the caller's top area")  # fmt: skip
_ROUND = OpenApiParameter("round", int, description="Survey round (fiscal year, BE); default: "
                          "the latest")  # fmt: skip
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _query(request, serializer_class):
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


def _area(request, code):
    """The area asked for in the caller's dashboard scope: 403 without the role (or without any
    assignment granting it), 404 outside the scope."""
    ensure_role_grants(request.user, Action.VIEW_DASHBOARD)
    area = selectors.dashboard_area(request.user, code)
    if area is None:
        raise Http404
    return area


def _lines(rows, keys):
    return [
        {"key": key, "label": str(row[-2]), "value": row[-1]}
        for key, row in zip(keys, rows, strict=False)
    ]


class RollupView(APIView):
    """The dashboard's figures for one area and round, with its child areas."""

    @extend_schema(parameters=[_AREA, _ROUND], responses={200: RollupSerializer})
    def get(self, request):
        query = _query(request, RoundQuerySerializer)
        area = _area(request, query.get("area"))
        board = selectors.dashboard(request.user, area, query.get("round"))
        data = {
            "area": area.code,
            "name": area.name_th,
            "round": board.fiscal_year,
            "previous_round": board.previous_year,
            "exact": board.exact,
            "data_as_of": selectors.last_refreshed_at(),
            "headlines": [
                {"key": h.key, "label": str(h.label), "value": h.value, "change": h.change}
                for h in board.headlines
            ],
            "levels": _lines(board.levels, selectors.LEVELS),
            "persons": _lines(board.persons, selectors.PERSON_GROUPS),
            "referrals": _lines(board.referrals, [*selectors.REFERRAL_STATES, "all"]),
            "coverage": _lines(
                board.coverage, [*selectors.FINDINGS, "not_reviewed", "registrants"]
            ),
            "help_count": board.help_count,
            "help_value": board.help_value,
            "median_days_to_complete": board.median_days,
            "help_by_kind": [
                {"key": k, "label": str(label), "value": v} for k, label, v in board.help_kinds
            ],
            "projects": [{**p, "label": str(p["label"])} for p in board.projects],
            "children": [
                {
                    "code": row["area"].code,
                    "name": row["area"].name_th,
                    "levels": dict(zip(selectors.LEVELS, row["cells"], strict=False)),
                    "total": row["total"],
                    "share_in_hardship": row["share"],
                    "map_class": row["map_class"],
                }
                for row in board.children
            ],
        }
        return Response(RollupSerializer(data).data)


class AgencyFiguresView(APIView):
    """Referrals of the round by receiving agency: completed, overdue, the rest, median days."""

    @extend_schema(parameters=[_AREA, _ROUND], responses={200: AgencyTableSerializer})
    def get(self, request):
        query = _query(request, RoundQuerySerializer)
        area = _area(request, query.get("area"))
        rounds = selectors.rounds()
        year = query.get("round")
        year = year if year in rounds else (rounds[-1] if rounds else None)
        figures = selectors.agency_figures(request.user, area, year)
        data = {
            "area": area.code,
            "round": year,
            "exact": figures["exact"],
            "top_only": figures["top_only"],
            "data_as_of": selectors.last_refreshed_at(),
            "agencies": [
                {
                    "agency": str(row.agency_public_id),
                    "name": row.name,
                    "completed": row.cells[0],
                    "overdue": row.cells[1],
                    "other": row.cells[2],
                    "total": row.cells[3],
                    "median_days_to_complete": row.median_days,
                    "help_value": row.help_value,
                }
                for row in figures["rows"]
            ],
            "total": figures["total"],
        }
        return Response(AgencyTableSerializer(data).data)


class TransitionView(APIView):
    """The level-transition matrix between two rounds, with households entered and left."""

    @extend_schema(
        parameters=[
            _AREA,
            OpenApiParameter("from_round", int, description="Default: the round before to_round"),
            OpenApiParameter("to_round", int, description="Default: the latest round"),
        ],
        responses={200: LevelTransitionSerializer},
    )
    def get(self, request):
        query = _query(request, LevelTransitionQuerySerializer)
        area = _area(request, query.get("area"))
        from_year, to_year = selectors.transition_rounds(
            query.get("from_round"), query.get("to_round")
        )
        data = {
            "area": area.code,
            "from_round": from_year,
            "to_round": to_year,
            "exact": selectors.is_exact_for(request.user, area),
            "data_as_of": selectors.last_refreshed_at(),
            "levels": [*selectors.LEVELS, selectors.OUT],
            "matrix": [],
            "entered": None,
            "exited": None,
            "improved": None,
            "worse": None,
            "top_only": False,
            "computed": True,
        }
        matrix = None
        if from_year and to_year and from_year != to_year:
            matrix = selectors.transition_matrix(request.user, area, from_year, to_year)
            data["top_only"] = matrix["top_only"]
            data["computed"] = matrix["computed"]
        if matrix and not matrix["top_only"] and matrix["computed"]:
            data.update(
                matrix=matrix["shown"],
                entered=matrix["entered"],
                exited=matrix["exited"],
                improved=matrix["improved"],
                worse=matrix["worse"],
            )
        return Response(LevelTransitionSerializer(data).data)


class ReportListCreate(generics.ListAPIView):
    """Generated xlsx reports of the caller's areas, newest first. POST an area and a round to
    make one: the answer (202) comes at once; poll the report for its progress."""

    serializer_class = ReportSerializer

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        ensure_role_allows(request.user, Action.VIEW_DASHBOARD)

    def get_queryset(self):
        return reports.reports_visible_to(self.request.user)

    @extend_schema(request=ReportRequestSerializer, responses={202: ReportSerializer})
    def post(self, request):
        ensure_role_grants(request.user, Action.RUN_REPORTS)
        body = ReportRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        area = selectors.dashboard_area(request.user, body.validated_data["area"])
        try:
            report = reports.request_report(
                actor=request.user, area=area, fiscal_year=body.validated_data["round"]
            )
        except ValueError as exc:
            return Response({"round": [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
        return Response(ReportSerializer(report).data, status=status.HTTP_202_ACCEPTED)


class ReportDetail(generics.RetrieveAPIView):
    serializer_class = ReportSerializer
    lookup_field = "public_id"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        ensure_role_allows(request.user, Action.VIEW_DASHBOARD)

    def get_queryset(self):
        return reports.reports_visible_to(self.request.user)


class ReportDownload(APIView):
    """The report's xlsx (audited; 404 until it is ready)."""

    @extend_schema(responses={(200, _XLSX): bytes})
    def get(self, request, public_id):
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
