"""Reads for the dashboard and the evaluation pages: the roll-ups, scoped and protected.

Scope: the areas the user holds VIEW_DASHBOARD for (an area outside them: 404; a role without the
action, such as a facilitator: 403). Inside the user's own work area (VIEW_HOUSEHOLD there: an
area manager, a provincial officer) the counts are exact; everywhere else (an executive) every
table goes through monitoring.suppression.
"""

import functools
import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import router
from django.db.models import Q
from django.http import Http404
from django.utils import translation

from households import person_groups
from households.surveys.models import LEVEL_THAI, Level
from masterplans import selectors as masterplan_selectors
from ppaos.accounts.policy import Action, area_prefixes_for, can, ensure_role_allows
from ppaos.areas.models import Area
from ppaos.core.display import format_datetime

from . import evaluation, suppression
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


def current_refresh() -> RollupRefresh | None:
    """The newest refresh of the roll-ups (its time is "ข้อมูล ณ …"; its id keys the cache)."""
    return RollupRefresh.objects.only("id", "finished_at").first()


def rounds() -> list[int]:
    return _cached("rounds", None, (), _rounds)


def _rounds(database=None) -> list[int]:
    return sorted(
        # a round is a year with surveyed households (referrals of a later year make no round)
        AreaRollup.objects.using(database)
        .filter(fiscal_year__gt=0, level="province", metric="hh")
        .values_list("fiscal_year", flat=True)
        .distinct()
    )


def last_refreshed_at():
    refresh = current_refresh()
    return refresh.finished_at if refresh else None


def data_as_of() -> str | None:
    """ "ข้อมูล ณ …": when the roll-ups were last refreshed, Buddhist era, Bangkok time."""
    refresh = current_refresh()
    if refresh is None:
        return None
    return format_datetime(refresh.finished_at)


# Answers computed from the roll-ups change only when they are refreshed: each is cached under
# the newest refresh (its id and time, and the database: a new refresh makes new keys, the old
# ones expire) and, for what a user is shown, under the user's scope: their dashboard and
# own-work-area prefixes, the only things of the user the figures and their hiding depend on.
# Users with different scopes never share an answer. Only counts are cached: no names, no IDs.
# Every other part of a key is a real round (resolved by the caller, never a raw request value)
# or an area in the user's scope, so the keys are bounded by refreshes × scopes × areas × rounds;
# a short life suffices (a new refresh makes new keys anyway) and keeps Redis, also Celery's
# broker, small.
CACHE_SECONDS = 15 * 60
# Bumped whenever what is cached changes shape or its hiding changes: a deploy then never serves
# answers pickled by the previous code.
DASHBOARD_CACHE_VERSION = 2
EVALUATION_ANSWERS = {"transitions", "outcomes"}  # read from monitoring/evaluation.py's tables


def _scope(user) -> str:
    return ";".join(
        ",".join(area_prefixes_for(user, action))
        for action in (Action.VIEW_DASHBOARD, Action.VIEW_HOUSEHOLD)
    )


def _cached(name: str, user, parts, compute):
    """`compute(database)`, cached (above). The database is picked once here (the router) and
    every read of the computation goes to it, so no answer mixes a replica's rows with the
    primary's. `parts` may be a function of the rounds (the rounds of this same refresh, from
    the cache): the key's parts, or None where a round asked for is not one (then nothing is
    cached: a request's values never make keys)."""
    database = router.db_for_read(AreaRollup)
    refresh = current_refresh()
    if refresh is None:
        return compute(database)

    def get_or_compute(name, user, parts, compute):
        key = "|".join(
            str(part)
            for part in (
                DASHBOARD_CACHE_VERSION, name, database, refresh.pk,
                refresh.finished_at.isoformat(), translation.get_language(),
                "" if user is None else _scope(user), *parts,
                # the evaluation tables' refresh commits after the roll-ups' (evaluation.py)
                cache.get(evaluation.WRITTEN_KEY) if name in EVALUATION_ANSWERS else "",
            )
        )  # fmt: skip
        key = "ppaos:monitoring:" + hashlib.sha256(key.encode()).hexdigest()
        found = cache.get(key)
        if found is None:
            found = compute(database)
            cache.set(key, found, CACHE_SECONDS)
        return found

    if callable(parts):
        parts = parts(get_or_compute("rounds", None, (), _rounds))
        if parts is None:
            return compute(database)
    return get_or_compute(name, user, parts, compute)


def round_or_latest(value) -> int | None:
    """A round from a request: the round itself when it is one, else the latest (None: none)."""
    return _round_or_latest(value, rounds())


def _round_or_latest(value, all_rounds: list[int]) -> int | None:
    if value in all_rounds:
        return value
    return all_rounds[-1] if all_rounds else None


def transition_rounds(from_value, to_value) -> tuple[int | None, int | None]:
    """The two rounds of the transitions page from a request: each a real round (an unknown one
    is treated as not given): `to` the latest by default, `from` the round before `to`."""
    all_rounds = rounds()
    to_year = to_value if to_value in all_rounds else (all_rounds[-1] if all_rounds else None)
    if from_value in all_rounds:
        return from_value, to_year
    earlier = [y for y in all_rounds if to_year and y < to_year]
    return (earlier[-1] if earlier else None), to_year


def _figures(
    codes: list[str],
    fiscal_years: list[int],
    metrics=None,
    *,
    own: str | None = None,
    database: str | None = None,
) -> dict[tuple[str, int], dict[str, float]]:
    """{(code, round): {figure: value}}: every figure, or only `metrics` (a list), and then for
    the area `own` also its value of help and its histogram of days (an area's agency figures
    alone are hundreds of rows, which only the agency page reads)."""
    out: dict[tuple[str, int], dict[str, float]] = {}
    rows = AreaRollup.objects.using(database).filter(
        area_code__in=codes, fiscal_year__in=fiscal_years
    )
    if metrics is not None:
        wanted = Q(metric__in=list(metrics))
        if own is not None:
            wanted |= Q(area_code=own) & (
                Q(metric="help_value") | Q(metric__startswith="ref_days:")
            )
        rows = rows.filter(wanted)
    rows = rows.values_list("area_code", "fiscal_year", "metric", "value")
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
    help_kinds: list = field(default_factory=list)  # [(label, shown count)]
    help_value: object = None
    help_count: object = None
    median_days: object = None  # median days from submission to completion, or None (hidden)
    completed: object = None
    projects: list = field(default_factory=list)


PERSON_GROUPS = ["persons", *(f"persons:{key}" for key, _label in person_groups.PERSON_GROUPS)]
REFERRAL_STATES = ["submitted", "approved", "accepted", "in_progress", "completed", "declined",
                   "rejected", "cancelled"]  # fmt: skip
FINDINGS = ["found", "moved", "deceased", "not_found", "not_poor"]


def dashboard(user, area: Area, fiscal_year: int | None) -> Dashboard:
    """The area's figures for a round (the latest when `fiscal_year` is not one), as the user
    may see them; cached per refresh and scope (_cached) but for the master-plan projects, which
    are read each time (plans change without a refresh of the roll-ups)."""
    board = _cached(
        "dashboard",
        user,
        # a real round in the key, never the request's value (_dashboard reads it the same way)
        lambda known: (area.code, _round_or_latest(fiscal_year, known)),
        lambda database: _dashboard(user, area, fiscal_year, database),
    )
    board.area = area
    if board.fiscal_year is not None:
        board.projects = masterplan_selectors.project_figures(area.code, board.fiscal_year)
    return board


def _dashboard(user, area: Area, fiscal_year: int | None, database=None) -> Dashboard:
    from django.utils.translation import gettext as _

    from households.models import Finding
    from referrals.models import ReferralStatus, ServiceKind

    all_rounds = rounds()
    fiscal_year = _round_or_latest(fiscal_year, all_rounds)
    previous = None
    if fiscal_year is not None:
        earlier = [y for y in all_rounds if y < fiscal_year]
        previous = earlier[-1] if earlier else None
    exact = is_exact_for(user, area)
    board = Dashboard(area, fiscal_year, previous, exact)
    if fiscal_year is None:
        return board
    path = ancestry(area.code)
    kids = _children_on_path(path, database)
    children = [Area(code=code, name_th=name, parent_id=area.code) for code, name in
                kids.get(area.code, [])]  # fmt: skip
    codes = sorted(set(path) | {c for rows in kids.values() for c, _n in rows})
    years = [fiscal_year, 0] + ([previous] if previous else [])
    figures = _figures(codes, years, _dashboard_metrics(), own=area.code, database=database)
    now = figures.get((area.code, fiscal_year), {})
    known = known_to(user)
    tables = {year: level_tables(figures, kids, year, exact=exact, path=path, known=known)
              for year in years if year}  # fmt: skip
    lines = {year: own_line(area.code, t) for year, t in tables.items()}
    line = lines[fiscal_year]

    def tree(metrics, year=fiscal_year, partition=True):
        """The area's shown line of `metrics` for a year, protected down the tree like the
        levels (a partition: its own total last); `partition=False` protects each metric as
        its own one-column tree (groups that overlap, such as elderly and disabled)."""
        if not partition:
            return [tree([m], year)[0] for m in metrics]
        return own_line(area.code, metric_tables(figures, kids, year, metrics, exact=exact,
                                                 path=path, known=known))  # fmt: skip

    def tree_change(metric):
        if previous is None:
            return None
        a, b = tree([metric])[0], tree([metric], previous)[0]
        return a - b if isinstance(a, int) and isinstance(b, int) else None

    def line_change(index):
        if previous is None:
            return None
        a, b = line[index], lines[previous][index]
        return a - b if isinstance(a, int) and isinstance(b, int) else None

    # Every figure of the area is its line in its parent's protected table (the same numbers,
    # hidden the same way, as the parent's page shows), so no two pages can be subtracted.
    singles = {m: tree([m])[0] for m in ("target_poor", "ref_overdue", "help_count")}
    board.headlines = [
        Headline("hh", _("Households surveyed"), line[-1], line_change(-1)),
        Headline("hardship", _("In hardship"), line[0], line_change(0)),
        Headline("target", _("Target poor (TPMAP)"), singles["target_poor"],
                 tree_change("target_poor")),
        Headline("overdue", _("Referrals overdue"), singles["ref_overdue"], None),
        Headline("help", _("Help delivered"), singles["help_count"], None),
    ]  # fmt: skip
    board.levels = [
        (Level(lv).label, LEVEL_THAI[lv], value) for lv, value in zip(LEVELS, line, strict=False)
    ]
    labels = {
        "persons": _("All members"),
        **{f"persons:{key}": str(label) for key, label in person_groups.PERSON_GROUPS},
    }
    board.persons = list(
        zip([labels[m] for m in PERSON_GROUPS], tree(PERSON_GROUPS, partition=False), strict=True)
    )
    refs = tree([f"ref:{s}" for s in REFERRAL_STATES])
    board.referrals = [
        (ReferralStatus(s).label, v) for s, v in zip(REFERRAL_STATES, refs[:-1], strict=True)
    ] + [(_("All referrals"), refs[-1])]
    help_shown = singles["help_count"]
    board.help_count = board.completed = help_shown
    # A value is shown only beside its shown count (a hidden count hides its value, and the
    # tree hides at least two counts of a line, so no subtraction gives one family's value).
    board.help_value = (
        now.get("help_value", 0)
        if exact or (isinstance(help_shown, int) and help_shown >= suppression.THRESHOLD)
        else None
    )
    board.median_days = median_days(_histogram(now, "ref_days:"), exact=exact)
    kinds = list(ServiceKind.values)
    shown_kinds = tree([f"help_kind:{k}" for k in kinds])
    board.help_kinds = [
        (k, ServiceKind(k).label, v)
        for k, v in zip(kinds, shown_kinds[:-1], strict=True)
        if now.get(f"help_kind:{k}") or v != 0
    ]
    _with_unreviewed(figures)
    coverage = tree([f"reg_finding:{f}" for f in FINDINGS] + ["reg_unreviewed"], year=0)
    board.coverage = [(Finding(f).label, v) for f, v in zip(FINDINGS, coverage, strict=False)] + [
        (_("Not reviewed yet"), coverage[-2]),
        (_("Registrants"), coverage[-1]),
    ]
    # children: their rows of this area's protected table (the tree, top down)
    table = tables[fiscal_year].get(area.code)
    if children and table:
        table = table[1]
        grid = [
            [int(figures.get((c.code, fiscal_year), {}).get(f"level:{lv}", 0)) for lv in LEVELS]
            for c in children
        ]
        for child, counts, row in zip(children, grid, table, strict=False):
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
                 "map_class": map_class}
            )  # fmt: skip
        board.children_total = table[-1]
    return board


def _dashboard_metrics() -> list[str]:
    """The figures the dashboard's tables read (of every area on the path and its children)."""
    from referrals.models import ServiceKind

    return [
        *(f"level:{lv}" for lv in LEVELS), "target_poor", "ref_overdue", "help_count",
        *PERSON_GROUPS, *(f"ref:{s}" for s in REFERRAL_STATES),
        *(f"help_kind:{k}" for k in ServiceKind.values),
        *(f"reg_finding:{f}" for f in FINDINGS), "reg_total",
    ]  # fmt: skip


def ancestry(code: str) -> list[str]:
    """The codes from the province down to `code` (2, 4, 6, 8 digits)."""
    return [code[:n] for n in (2, 4, 6, 8) if n <= len(code)]


def _children_on_path(path: list[str], database=None) -> dict[str, list[tuple[str, str]]]:
    """{code: [(child code, Thai name)]} for every area on the path (one query)."""
    out: dict[str, list[tuple[str, str]]] = {}
    rows = Area.objects.using(database).filter(parent_id__in=path).order_by("code")
    for code, parent, name in rows.values_list("code", "parent_id", "name_th"):
        out.setdefault(parent, []).append((code, name))
    return out


def level_tables(figures, kids, fiscal_year, *, exact, path=None, known=None) -> dict:
    """The households-by-level tables of the tree (suppression.protect_tree), for one round."""
    return metric_tables(
        figures, kids, fiscal_year, [f"level:{lv}" for lv in LEVELS], exact=exact, path=path,
        known=known,
    )  # fmt: skip


def known_to(user):
    """`known(code)` for suppression.protect_tree: True for an area the user sees exactly on its
    own page (inside their own work area), so it is never the cell hiding a sibling."""
    prefixes = area_prefixes_for(user, Action.VIEW_HOUSEHOLD)
    return lambda code: any(code.startswith(p) for p in prefixes)


def metric_tables(figures, kids, fiscal_year, metrics, *, exact, path=None, known=None) -> dict:
    """The tables of the tree for `metrics` (a partition of something counted; each area's
    total is added as the last column), protected top down (suppression.protect_tree)."""
    counts = {
        code: [int(f.get(m, 0)) for m in metrics]
        for (code, year), f in figures.items()
        if year == fiscal_year
    }
    return suppression.protect_tree(
        path[0] if path else next(iter(kids)),
        lambda code: [c for c, _n in kids.get(code, [])],
        counts,
        width=len(metrics),
        exact=exact,
        only=set(path) if path else None,
        known=known,
    )


def _with_unreviewed(figures) -> None:
    """Add `reg_unreviewed` (registrants with no finding yet) to the registry figures, so the
    findings and it partition the registrants."""
    for (_code, year), f in figures.items():
        if year == 0:
            f["reg_unreviewed"] = f.get("reg_total", 0) - sum(
                f.get(f"reg_finding:{x}", 0) for x in FINDINGS
            )


def own_line(code: str, tables: dict) -> list:
    """An area's own line of levels and total as shown: its row in its parent's table (the root:
    the total row of its own table)."""
    parent = code[: len(code) - 2] if len(code) > 2 else None
    if parent and parent in tables and code in tables[parent][0]:
        kids, shown = tables[parent]
        return shown[kids.index(code)]
    if code in tables:
        return tables[code][1][-1]
    return [0] * (len(LEVELS) + 1)


def _histogram(figures: dict, prefix: str) -> dict[int, int]:
    """{days: referrals} from the roll-up's `<prefix><days>` figures."""
    return {
        int(key.removeprefix(prefix)): int(value)
        for key, value in figures.items()
        if key.startswith(prefix) and key.removeprefix(prefix).isdigit()
    }


def median_days(histogram: dict[int, int], *, exact: bool = False) -> float | None:
    """The median of a {days: count} histogram (days capped at 365 by the roll-up); None when
    no referral was completed, or, outside the user's own area, fewer than five were (a median
    of one to four referrals is nearly their own dates)."""
    n = sum(histogram.values())
    if n == 0 or (not exact and n < suppression.THRESHOLD):
        return None
    wanted = sorted({(n - 1) // 2, n // 2})
    found, seen = [], 0
    for days in sorted(histogram):
        count = histogram[days]
        for position in wanted:
            if seen <= position < seen + count:
                found.append(days)
        seen += count
    return sum(found) / len(found)


@dataclass
class AgencyRow:
    agency_id: int
    agency_public_id: object
    name: str
    cells: list  # completed, overdue, other open or closed, total (shown)
    median_days: float | None
    help_value: object


def agency_figures(user, area: Area, fiscal_year: int | None) -> dict:
    """Referrals of the round by receiving agency: completed, overdue, the rest and the total
    (one table protected as a whole), the median days to complete and the value of the help.
    A median or a value is shown only where the agency's completed count is itself shown."""
    from referrals.models import Agency

    exact = is_exact_for(user, area)
    # Outside the user's own work area the agency table is shown at the top of their dashboard
    # scope only: one agency's counts at two levels would give a hidden district's by subtraction.
    top = area.code in area_prefixes_for(user, Action.VIEW_DASHBOARD)
    if fiscal_year is None or not (exact or top):
        return {"rows": [], "total": [], "exact": exact, "top_only": not (exact or top)}
    figures = _figures([area.code], [fiscal_year]).get((area.code, fiscal_year), {})
    by_agency: dict[int, dict[str, float]] = {}
    for key, value in figures.items():
        if key.startswith("agency:"):
            _prefix, agency_id, rest = key.split(":", 2)
            by_agency.setdefault(int(agency_id), {})[rest] = value
    agencies = {
        agency_id: (name, public_id)
        for agency_id, name, public_id in Agency.objects.filter(id__in=list(by_agency))
        .values_list("id", "name_th", "public_id")
    }  # fmt: skip
    names = {agency_id: name for agency_id, (name, _p) in agencies.items()}
    ids = sorted(by_agency, key=lambda i: names.get(i, ""))
    grid = []
    for agency_id in ids:
        f = by_agency[agency_id]
        completed, overdue, total = (
            int(f.get("completed", 0)), int(f.get("overdue", 0)), int(f.get("total", 0))
        )  # fmt: skip
        grid.append([completed, overdue, total - completed - overdue])
    if not grid:
        return {"rows": [], "total": [], "exact": exact, "top_only": False}
    shown = suppression.protect_table(grid, exact=exact)
    rows = []
    for agency_id, line in zip(ids, shown, strict=False):
        f = by_agency[agency_id]
        completed_shown = isinstance(line[0], int) and (exact or line[0] >= suppression.THRESHOLD)
        rows.append(
            AgencyRow(
                agency_id=agency_id,
                agency_public_id=agencies.get(agency_id, ("", None))[1],
                name=names.get(agency_id, "?"),
                cells=line,
                median_days=median_days(_histogram(f, "days:"), exact=exact)
                if completed_shown
                else None,
                help_value=f.get("help_value", 0) if completed_shown else None,
            )
        )
    return {"rows": rows, "total": shown[-1], "exact": exact, "top_only": False}


OUT = "-"  # not surveyed in that round (entered or left the programme)


def transition_matrix(
    user, area: Area, from_year: int, to_year: int, *, exact: bool | None = None
) -> dict:
    """_transition_matrix, cached per refresh and scope (_cached); `from_year` and `to_year`
    rounds of rounds() (transition_rounds resolves a request's), else nothing is cached."""
    compute = functools.partial(_transition_matrix, user, area, from_year, to_year, exact=exact)
    return _cached("transitions", user, _pair_parts(area, from_year, to_year, exact), compute)


def _pair_parts(area: Area, from_year, to_year, *extra):
    """The key's parts for two rounds: none (not cached) unless both are rounds."""

    def parts(known):
        if from_year in known and to_year in known:
            return (area.code, from_year, to_year, *extra)
        return None

    return parts


def _transition_matrix(
    user, area: Area, from_year: int, to_year: int, database=None, *, exact: bool | None = None
) -> dict:
    """Households by level in `from_year` (rows) and in `to_year` (columns), protected.

    A fifth row counts the households that entered the programme (surveyed in `to_year` in this
    area, not in `from_year`); a fifth column those that left it (surveyed in `from_year`, not in
    `to_year`). The whole 5×5 table with its totals goes through one suppression, so the entered
    and left counts cannot undo a hidden cell either.

    Outside the user's own work area (`exact` False; a report passes its own) the matrix is shown
    at the top of the user's dashboard scope only, and not where they work exactly inside the
    area (one matrix minus another would be a hidden area's), as agency_figures; its margins are
    the area's level lines of the two rounds exactly as the dashboard shows them (the same cells
    hidden), and the rounds' totals there are one more line each (total = all − entered).
    """
    if exact is None:
        exact = is_exact_for(user, area)
    if _top_only(user, area, exact):
        return {"top_only": True, "exact": False, "from_year": from_year, "to_year": to_year,
                "computed": True}  # fmt: skip
    counts = evaluation.transition_counts(area.code, from_year, to_year, OUT, database)
    if counts is None:
        # the tables are empty until the roll-ups are first rebuilt (after a deploy): no zeros
        return {"top_only": False, "exact": exact, "from_year": from_year, "to_year": to_year,
                "computed": False}  # fmt: skip
    keys = LEVELS + [OUT]
    table = [[counts.get((a, b), 0) for b in keys] for a in keys]
    if exact:
        shown = suppression.protect_table(table, exact=True)
    else:
        path = ancestry(area.code)
        kids = _children_on_path(path, database)
        codes = sorted(set(path) | {c for rows in kids.values() for c, _n in rows})
        figures = _figures(
            codes, [from_year, to_year], [f"level:{lv}" for lv in LEVELS], database=database
        )
        known = known_to(user)
        before, after = (
            own_line(area.code, level_tables(figures, kids, y, exact=False, path=path, known=known))
            for y in (from_year, to_year)
        )
        n = len(LEVELS)  # rows/columns 0..n-1 levels, n entered/left, n+1 the totals
        shown = suppression.protect_table(
            table,
            total_col=[*before[:n], None, None],
            total_row=[*after[:n], None, None],
            relations=[
                (sum(map(sum, table[:n])), before[n], [(n, n + 1), (n + 1, n + 1)]),
                (sum(row[j] for row in table for j in range(n)), after[n],
                 [(n + 1, n), (n + 1, n + 1)]),
            ],
        )  # fmt: skip
    any_hidden = any(not isinstance(v, int) for row in shown for v in row)
    improved = sum(table[i][j] for i in range(4) for j in range(4) if j > i)
    worse = sum(table[i][j] for i in range(4) for j in range(4) if j < i)
    from django.utils.translation import gettext as _

    row_labels = [LEVEL_THAI[lv] for lv in LEVELS]
    row_labels.append(_("Not surveyed in %(year)s") % {"year": from_year})
    return {
        "rows": [
            (label, [(shown[i][j], _shade(shown, i, j)) for j in range(5)], shown[i][-1])
            for i, label in enumerate(row_labels)
        ],
        "headers": [LEVEL_THAI[lv] for lv in LEVELS]
        + [_("Not surveyed in %(year)s") % {"year": to_year}],
        "total": shown[-1],
        "entered": shown[4][-1],
        "exited": shown[-1][4],
        # Sums over hidden cells would be more equations to undo the hiding with: shown only
        # when every cell is.
        "improved": improved if exact or not any_hidden else None,
        "worse": worse if exact or not any_hidden else None,
        # the raw counts only where the view is exact: outside it they would be the very
        # numbers the hiding keeps back (and they would sit in the cache)
        "counts": table if exact else None,
        "shown": shown,
        "from_year": from_year,
        "to_year": to_year,
        "top_only": False,
        "exact": exact,
        "computed": True,
    }


def _top_only(user, area: Area, exact: bool) -> bool:
    """Whether a comparison of two rounds (the matrix, the outcomes by help) is withheld for the
    area: outside the user's own work area it is shown at the top of their dashboard scope only,
    and not where they work exactly inside the area, since one area's figures minus another's
    would give a hidden area's."""
    if exact:
        return False
    top = area.code in area_prefixes_for(user, Action.VIEW_DASHBOARD)
    inside = any(
        p.startswith(area.code) and p != area.code
        for p in area_prefixes_for(user, Action.VIEW_HOUSEHOLD)
    )
    return not top or inside


def _shade(shown, i, j) -> str:
    """A class for the cell from the SHOWN numbers only (a hidden cell gives nothing away):
    darker for a larger share of its row; improvements green, falls red, in or out grey-blue."""
    value, row_total = shown[i][j], shown[i][-1]
    if not isinstance(value, int) or not isinstance(row_total, int) or row_total == 0:
        return "t-hidden"
    step = min(4, int(5 * value / row_total))
    kind = "out" if 4 in (i, j) else "up" if j > i else "down" if j < i else "same"
    return f"t-{kind} t-{step}"


def outcomes_by_help(user, area: Area, from_year: int, to_year: int) -> dict:
    """_outcomes_by_help, cached per refresh and scope (_cached), as transition_matrix."""
    compute = functools.partial(_outcomes_by_help, user, area, from_year, to_year)
    return _cached("outcomes", user, _pair_parts(area, from_year, to_year), compute)


def _outcomes_by_help(user, area: Area, from_year: int, to_year: int, database=None) -> dict:
    """For each kind of help (`rows`): the share of helped households whose level improved by
    the next round, beside the share among comparable households not helped with it (same
    starting level and village, weighted like the helped ones). A comparison, not proof of cause.

    Outside the user's own work area, as the transition matrix (_top_only): at the top of their
    scope only (`top_only`, no rows), or a province's "helped" minus a district's would give
    another district's count that its page hides."""
    from referrals.models import ServiceKind

    exact = is_exact_for(user, area)
    if _top_only(user, area, exact):
        return {"top_only": True, "exact": False, "rows": [], "computed": True}
    sums = evaluation.outcome_sums(area.code, from_year, to_year, database)
    if sums is None:  # not computed yet (transition_matrix)
        return {"top_only": False, "exact": exact, "rows": [], "computed": False}
    out = []
    sums = sorted(sums)
    for kind, helped_n, helped_up, compared_n, weight, weighted in sums:
        enough = exact or (
            helped_n >= suppression.THRESHOLD and compared_n >= suppression.THRESHOLD
        )
        out.append(
            {
                "kind": ServiceKind(kind).label if kind in ServiceKind.values else kind,
                "helped": suppression.protect_value(int(helped_n), exact=exact),
                "helped_share": round(100 * helped_up / helped_n, 1)
                if enough and helped_n
                else None,
                "compared": suppression.protect_value(int(compared_n), exact=exact),
                "compared_share": round(100 * float(weighted) / weight, 1)
                if enough and weight
                else None,
            }
        )
    return {"top_only": False, "exact": exact, "rows": out, "computed": True}


def _chart_value(value):
    """A shown cell for the chart: the number, or None (a gap) for a hidden one; the table
    beside the chart says "<5" or "x" for it."""
    return value if isinstance(value, int) else None


def levels_chart(board: Dashboard) -> dict | None:
    """The stacked bars of households by level for each child area: the same shown numbers as
    the table beside it (json_script data for static/js/charts.js)."""
    if not board.children:
        return None
    return {
        "kind": "stacked",
        "categories": [row["area"].name_th for row in board.children],
        "series": [
            {
                "key": lv,
                "name": LEVEL_THAI[lv],
                "data": [_chart_value(r["cells"][i]) for r in board.children],
            }
            for i, lv in enumerate(LEVELS)
        ],  # fmt: skip
    }


def agency_chart(figures: dict) -> dict | None:
    from django.utils.translation import gettext as _

    if not figures["rows"]:
        return None
    names = [_("Completed"), _("Overdue"), _("Other referrals")]
    return {
        "kind": "stacked",
        "categories": [row.name for row in figures["rows"]],
        "series": [
            {"key": key, "name": name, "data": [_chart_value(r.cells[i]) for r in figures["rows"]]}
            for i, (key, name) in enumerate(
                zip(("completed", "overdue", "other"), names, strict=True)
            )
        ],  # fmt: skip
    }
