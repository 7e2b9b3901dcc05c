"""Reads for the dashboard and the evaluation pages: the roll-ups, scoped and protected.

Scope: the areas the user holds VIEW_DASHBOARD for (an area outside them: 404; a role without the
action, such as a facilitator: 403). Inside the user's own work area (VIEW_HOUSEHOLD there: an
area manager, a provincial officer) the counts are exact; everywhere else (an executive) every
table goes through monitoring.suppression.
"""

from dataclasses import dataclass, field

from django.db import connection
from django.http import Http404

from households.surveys.models import LEVEL_THAI, Level
from ppaos.accounts.policy import Action, area_prefixes_for, can, ensure_role_allows
from ppaos.areas.models import Area
from ppaos.core.display import format_datetime

from . import suppression
from .models import AreaRollup, RollupRefresh

LEVELS = [level.value for level in Level]
# Share in hardship: fixed classes (upper bounds, %), the same every round, so maps compare.
HARDSHIP_CLASSES = [(10, "c1"), (20, "c2"), (30, "c3"), (40, "c4"), (101, "c5")]


def dashboard_area(user, code: str | None) -> Area | None:
    """The area the user asked for (or their top one), within their dashboard scope."""
    ensure_role_allows(user, Action.VIEW_DASHBOARD)
    prefixes = area_prefixes_for(user, Action.VIEW_DASHBOARD)
    if code is None:
        if not prefixes:
            return None
        code = prefixes[0]
    if not any(code.startswith(prefix) for prefix in prefixes):
        raise Http404
    area = (
        Area.objects.select_related("parent", "parent__parent", "parent__parent__parent")
        .filter(code=code)
        .first()
    )
    if area is None:
        raise Http404
    return area


def is_exact_for(user, area: Area) -> bool:
    """Inside the user's own work area the numbers are exact."""
    return can(user, Action.VIEW_HOUSEHOLD, area_code=area.code)


def breadcrumb(user, area: Area) -> list[Area]:
    prefixes = area_prefixes_for(user, Action.VIEW_DASHBOARD)
    chain, node = [], area
    while node is not None:
        chain.append(node)
        node = node.parent
    chain.reverse()
    return [a for a in chain if any(a.code.startswith(p) for p in prefixes)]


def rounds() -> list[int]:
    return sorted(
        AreaRollup.objects.filter(fiscal_year__gt=0, level="province")
        .values_list("fiscal_year", flat=True)
        .distinct()
    )


def data_as_of() -> str | None:
    """ "ข้อมูล ณ …": when the roll-ups were last refreshed, Buddhist era, Bangkok time."""
    refresh = RollupRefresh.objects.only("finished_at").first()
    if refresh is None:
        return None
    return format_datetime(refresh.finished_at)


def _figures(codes: list[str], fiscal_years: list[int]) -> dict[tuple[str, int], dict[str, float]]:
    out: dict[tuple[str, int], dict[str, float]] = {}
    rows = AreaRollup.objects.filter(area_code__in=codes, fiscal_year__in=fiscal_years).values_list(
        "area_code", "fiscal_year", "metric", "value"
    )
    for code, year, metric, value in rows:
        out.setdefault((code, year), {})[metric] = float(value) if "value" in metric else int(value)
    return out


@dataclass
class Headline:
    key: str
    label: str
    value: object
    change: object = None


@dataclass
class Dashboard:
    area: Area
    fiscal_year: int | None
    previous_year: int | None
    exact: bool
    headlines: list = field(default_factory=list)
    levels: list = field(default_factory=list)  # [(label, shown count)]
    persons: list = field(default_factory=list)
    referrals: list = field(default_factory=list)
    coverage: list = field(default_factory=list)
    children: list = field(default_factory=list)  # rows for the table, the chart and the map
    children_total: list = field(default_factory=list)


PERSON_GROUPS = ["persons", "persons:elderly", "persons:child", "persons:disability",
                 "persons:chronic_illness", "persons:bedridden"]  # fmt: skip
REFERRAL_STATES = ["submitted", "approved", "accepted", "in_progress", "completed", "declined",
                   "rejected", "cancelled"]  # fmt: skip
FINDINGS = ["found", "moved", "deceased", "not_found", "not_poor"]


def dashboard(user, area: Area, fiscal_year: int | None) -> Dashboard:
    from django.utils.translation import gettext as _

    from households.models import Finding
    from referrals.models import ReferralStatus

    all_rounds = rounds()
    if fiscal_year not in all_rounds:
        fiscal_year = all_rounds[-1] if all_rounds else None
    previous = None
    if fiscal_year is not None:
        earlier = [y for y in all_rounds if y < fiscal_year]
        previous = earlier[-1] if earlier else None
    exact = is_exact_for(user, area)
    board = Dashboard(area, fiscal_year, previous, exact)
    if fiscal_year is None:
        return board
    children = list(Area.objects.filter(parent=area).order_by("code").only("code", "name_th"))
    codes = [area.code] + [c.code for c in children]
    years = [fiscal_year, 0] + ([previous] if previous else [])
    figures = _figures(codes, years)
    now = figures.get((area.code, fiscal_year), {})
    before = figures.get((area.code, previous), {}) if previous else None
    registry = figures.get((area.code, 0), {})

    def shown(value):
        return suppression.protect_value(int(value), exact=exact)

    def change(metric):
        if before is None:
            return None
        a, b = int(now.get(metric, 0)), int(before.get(metric, 0))
        if not exact and (suppression.is_small(a) or suppression.is_small(b)):
            return None
        return a - b

    board.headlines = [
        Headline("hh", _("Households surveyed"), shown(now.get("hh", 0)), change("hh")),
        Headline("hardship", _("In hardship"), shown(now.get("level:in_hardship", 0)),
                 change("level:in_hardship")),
        Headline("target", _("Target poor (TPMAP)"), shown(now.get("target_poor", 0)),
                 change("target_poor")),
        Headline("overdue", _("Referrals overdue"), shown(now.get("ref_overdue", 0)), None),
        Headline("help", _("Help delivered"), shown(now.get("help_count", 0)), None),
    ]  # fmt: skip
    level_counts = [int(now.get(f"level:{lv}", 0)) for lv in LEVELS]
    shown_levels, _total = suppression.protect_list(level_counts, exact=exact)
    board.levels = [
        (Level(lv).label, LEVEL_THAI[lv], value)
        for lv, value in zip(LEVELS, shown_levels, strict=True)
    ]
    labels = {
        "persons": _("All members"), "persons:elderly": _("Elderly (60 and over)"),
        "persons:child": _("Children (under 18)"), "persons:disability": _("With a disability"),
        "persons:chronic_illness": _("Chronic illness"), "persons:bedridden": _("Bedridden"),
    }  # fmt: skip
    board.persons = [(labels[m], shown(now.get(m, 0))) for m in PERSON_GROUPS]
    ref_counts = [int(now.get(f"ref:{s}", 0)) for s in REFERRAL_STATES]
    shown_refs, shown_ref_total = suppression.protect_list(ref_counts, exact=exact)
    board.referrals = [
        (ReferralStatus(s).label, v) for s, v in zip(REFERRAL_STATES, shown_refs, strict=True)
    ] + [(_("All referrals"), shown_ref_total)]
    board.help_value = (
        now.get("help_value", 0) if (exact or now.get("help_count", 0) >= 5) else None
    )
    finding_counts = [int(registry.get(f"reg_finding:{f}", 0)) for f in FINDINGS]
    unreviewed = int(registry.get("reg_total", 0)) - sum(finding_counts)
    shown_findings, shown_reg_total = suppression.protect_list(
        finding_counts + [unreviewed], exact=exact
    )
    board.coverage = [
        (Finding(f).label, v) for f, v in zip(FINDINGS, shown_findings[:-1], strict=True)
    ] + [(_("Not reviewed yet"), shown_findings[-1]), (_("Registrants"), shown_reg_total)]
    # children: one table (levels by child area) protected as a whole
    grid = [
        [int(figures.get((c.code, fiscal_year), {}).get(f"level:{lv}", 0)) for lv in LEVELS]
        for c in children
    ]
    if children:
        protected = suppression.protect_table(grid, exact=exact)
        for child, counts, row in zip(children, grid, protected, strict=False):
            total = sum(counts)
            hardship = row[0]
            if total == 0:
                map_class = "nodata"
                share = None
            elif not isinstance(hardship, int) or not isinstance(row[-1], int):
                map_class, share = "suppressed", None
            else:
                share = round(100 * hardship / total, 1)
                map_class = next(name for bound, name in HARDSHIP_CLASSES if share < bound)
            board.children.append(
                {"area": child, "cells": row[:-1], "total": row[-1], "share": share,
                 "map_class": map_class, "bar": _bar(row, grid)}
            )  # fmt: skip
        board.children_total = protected[-1]
        # The panel shows the same line as the table's total row, hidden the same way (two
        # different choices of complementary cells could be combined to undo both).
        board.levels = [
            (label, thai, value)
            for (label, thai, _v), value in zip(board.levels, protected[-1][:-1], strict=True)
        ]
    return board


def _bar(row, grid) -> list:
    """Widths (0–100) of the stacked bar of one child area, hidden cells drawn as a grey part."""
    biggest = max((sum(r) for r in grid), default=0) or 1
    return [
        (
            LEVELS[i] if isinstance(v, int) else "hidden",
            round(100 * (v if isinstance(v, int) else 0) / biggest, 1),
        )
        for i, v in enumerate(row[:-1])
    ]


def transition_matrix(user, area: Area, from_year: int, to_year: int) -> dict:
    """Households by level in `from_year` (rows) and in `to_year` (columns), protected."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT a.level, b.level, count(*)
              FROM households_classificationresult a
              JOIN households_classificationresult b
                ON b.household_id = a.household_id AND b.fiscal_year = %s
             WHERE a.fiscal_year = %s AND a.area_id LIKE %s
             GROUP BY 1, 2
            """,
            [to_year, from_year, area.code + "%"],
        )
        counts = {(a, b): n for a, b, n in cursor.fetchall()}
    table = [[counts.get((a, b), 0) for b in LEVELS] for a in LEVELS]
    exact = is_exact_for(user, area)
    shown = suppression.protect_table(table, exact=exact)
    any_hidden = any(not isinstance(v, int) for row in shown for v in row)
    improved = sum(table[i][j] for i in range(4) for j in range(4) if j > i)
    worse = sum(table[i][j] for i in range(4) for j in range(4) if j < i)
    return {
        "rows": [
            (LEVEL_THAI[lv], [(shown[i][j], _shade(shown, i, j)) for j in range(4)], shown[i][-1])
            for i, lv in enumerate(LEVELS)
        ],
        "headers": [LEVEL_THAI[lv] for lv in LEVELS],
        "total": shown[-1],
        # Sums over hidden cells would be more equations to undo the hiding with: shown only
        # when every cell is.
        "improved": improved if exact or not any_hidden else None,
        "worse": worse if exact or not any_hidden else None,
        "from_year": from_year,
        "to_year": to_year,
    }


def _shade(shown, i, j) -> str:
    """A class for the cell from the SHOWN numbers only (a hidden cell gives nothing away):
    darker for a larger share of its row; improvements green, falls red."""
    value, row_total = shown[i][j], shown[i][-1]
    if not isinstance(value, int) or not isinstance(row_total, int) or row_total == 0:
        return "t-hidden"
    step = min(4, int(5 * value / row_total))
    kind = "up" if j > i else "down" if j < i else "same"
    return f"t-{kind} t-{step}"


_OUTCOME_SQL = """
WITH pairs AS (
    SELECT a.household_id AS hh, a.area_id AS village, a.level AS start,
           (CASE b.level WHEN 'in_hardship' THEN 0 WHEN 'struggling' THEN 1
                         WHEN 'getting_by' THEN 2 ELSE 3 END)
         > (CASE a.level WHEN 'in_hardship' THEN 0 WHEN 'struggling' THEN 1
                         WHEN 'getting_by' THEN 2 ELSE 3 END) AS improved
      FROM households_classificationresult a
      JOIN households_classificationresult b
        ON b.household_id = a.household_id AND b.fiscal_year = %(to)s
     WHERE a.fiscal_year = %(from)s AND a.area_id LIKE %(prefix)s
), helped AS (
    SELECT DISTINCT f.household_id AS hh, s.kind
      FROM referrals_referral f JOIN referrals_service s ON s.id = f.service_id
     WHERE f.status = 'completed' AND f.household_id IN (SELECT hh FROM pairs)
)
SELECT k.kind, p.village, p.start, h.hh IS NOT NULL, count(*), sum(p.improved::int)
  FROM pairs p
 CROSS JOIN (SELECT DISTINCT kind FROM helped) k
  LEFT JOIN helped h ON h.hh = p.hh AND h.kind = k.kind
 GROUP BY 1, 2, 3, 4
"""


def outcomes_by_help(user, area: Area, from_year: int, to_year: int) -> list[dict]:
    """For each kind of help: the share of helped households whose level improved by the next
    round, beside the share among comparable households not helped with it (same starting level
    and village, weighted like the helped ones). A comparison, not proof of cause."""
    from referrals.models import ServiceKind

    with connection.cursor() as cursor:
        cursor.execute(_OUTCOME_SQL, {"from": from_year, "to": to_year, "prefix": area.code + "%"})
        rows = cursor.fetchall()
    strata: dict[str, dict[tuple, dict[bool, tuple[int, int]]]] = {}
    for kind, village, start, helped, n, improved in rows:
        strata.setdefault(kind, {}).setdefault((village, start), {})[helped] = (n, improved)
    exact = is_exact_for(user, area)
    out = []
    for kind in sorted(strata):
        helped_n = helped_up = compared_n = 0
        weight = weighted = 0.0
        for cell in strata[kind].values():
            if True not in cell:
                continue
            n, up = cell[True]
            helped_n += n
            helped_up += up
            if False in cell and cell[False][0]:
                cn, cup = cell[False]
                compared_n += cn
                weight += n
                weighted += n * cup / cn
        enough = exact or (
            helped_n >= suppression.THRESHOLD and compared_n >= suppression.THRESHOLD
        )
        out.append(
            {
                "kind": ServiceKind(kind).label if kind in ServiceKind.values else kind,
                "helped": suppression.protect_value(helped_n, exact=exact),
                "helped_share": round(100 * helped_up / helped_n, 1)
                if enough and helped_n
                else None,
                "compared": suppression.protect_value(compared_n, exact=exact),
                "compared_share": round(100 * weighted / weight, 1) if enough and weight else None,
            }
        )
    return out
