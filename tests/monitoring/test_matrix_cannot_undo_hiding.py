"""The level-transition matrix cannot be combined with the dashboard (or with another matrix) to
give a hidden count back by subtraction."""

import random

import pytest

from monitoring import selectors
from monitoring.rollup import full_rebuild
from monitoring.suppression import HIDDEN, SMALL, protect_table
from ppaos.areas.models import Area
from tests.monitoring.builders import household, result

LEVELS = selectors.LEVELS
# households per level, the same in both rounds (everyone stays at their level): no cell of a
# matrix is 1–4, so an unprotected matrix shows its margins exactly
DISTRICTS = {"4901": ("49010101", [6, 5, 7, 8]), "4902": ("49020101", [1, 5, 6, 9])}


@pytest.fixture
def stayed(villages):
    for village, counts in DISTRICTS.values():
        for level, n in zip(LEVELS, counts, strict=True):
            for _ in range(n):
                home = household(village, [{}])
                result(home, 2567, level)
                result(home, 2568, level)
    full_rebuild()


def _line(user, code, year):
    board = selectors.dashboard(user, Area.objects.get(code=code), year)
    return [value for _l, _t, value in board.levels]


def test_the_matrix_margins_are_the_dashboard_lines_and_no_subtraction_gives_a_count(
    stayed, executive
):
    province = selectors.dashboard(executive, Area.objects.get(code="49"), 2568)
    rows = {r["area"].code: r["cells"] for r in province.children}
    assert rows["4902"][0] == SMALL and rows["4901"][0] == HIDDEN  # 1 household; its partner
    # every figure of "households in hardship in 2568" the executive can read, by area
    seen: dict[str, set] = {code: set() for code in ("49", "4901", "4902")}
    for code in seen:
        seen[code].add(_line(executive, code, 2568)[0])
    seen["49"].add(province.children_total[0])
    matrices = {}
    for code in seen:
        matrix = selectors.transition_matrix(executive, Area.objects.get(code=code), 2567, 2568)
        if matrix.get("top_only"):
            continue
        matrices[code] = matrix
        # the margins show exactly what the dashboard shows for the area (same hidden cells)
        assert matrix["total"][: len(LEVELS)] == _line(executive, code, 2568)[: len(LEVELS)]
        from_totals = [total for _label, _cells, total in matrix["rows"]]
        assert from_totals[: len(LEVELS)] == _line(executive, code, 2567)[: len(LEVELS)]
        seen[code].add(matrix["total"][0])
        seen[code].update(cells[0][0] for _label, cells, _t in matrix["rows"][:1])
    assert "49" in matrices  # the top of the executive's scope shows its matrix
    # the attack: the province's count minus 4901's count (from any page) gives 4902's 1
    province_ints = {v for v in seen["49"] if isinstance(v, int)}
    district_ints = {v for v in seen["4901"] if isinstance(v, int)}
    assert not (province_ints and district_ints), (seen, "49 - 4901 gives 4902's hidden count")
    assert not any(isinstance(v, int) for v in seen["4902"])
    # parent minus child matrix: never both shown outside the user's own work area
    assert not ({"4901", "4902"} & set(matrices))


def test_inside_their_own_area_the_matrix_is_exact_at_every_level(stayed, area_manager):
    matrix = selectors.transition_matrix(area_manager, Area.objects.get(code="4901"), 2567, 2568)
    assert not matrix["top_only"] and matrix["exact"]
    assert matrix["total"][: len(LEVELS)] == [6, 5, 7, 8]


def test_the_transitions_page_and_api_say_the_matrix_is_for_the_top_only(client, stayed, executive):
    from django.urls import reverse

    client.force_login(executive)
    html = client.get(reverse("monitoring:transitions", args=["4901"])).content.decode()
    assert 'data-testid="matrix-top-only"' in html
    body = client.get(reverse("monitoring_api:transitions"), {"area": "4901"}).json()
    assert body["top_only"] and body["matrix"] == []
    body = client.get(reverse("monitoring_api:transitions"), {"area": "49"}).json()
    assert not body["top_only"] and body["matrix"]


def _solve_by_subtraction(values, lines):
    """Every hidden value a chain of subtractions gives back: a line (cells adding up: the last
    the sum of the others, or any linear partition) with one unknown left gives it."""
    known = dict(values)
    progress = True
    while progress:
        progress = False
        for total, parts in lines:
            cells = [total, *parts]
            unknown = [c for c in cells if known.get(c) is None]
            if len(unknown) == 1:
                u = unknown[0]
                if u == total:
                    known[u] = sum(known[c] for c in parts)
                else:
                    known[u] = known[total] - sum(known[c] for c in parts if c != u)
                progress = True
    return known


def test_random_matrices_with_their_dashboard_lines_give_no_small_count_back():
    """The parent's table of each round (the area and a sibling), the area's line in it, and the
    area's matrix with those lines as fixed margins: no subtraction over all of them gives back
    a hidden count."""
    rng = random.Random(11)
    n = 4
    recovered_checks = 0
    for _ in range(150):
        matrix = [
            [rng.choice([0, 0, 0, 1, 2, 3, 5, 8]) for _ in range(n + 1)] for _ in range(n + 1)
        ]
        matrix[n][n] = 0
        before_counts = [sum(matrix[i]) for i in range(n)]
        after_counts = [sum(row[j] for row in matrix) for j in range(n)]
        siblings = [[rng.choice([0, 1, 2, 6, 9]) for _ in range(n)] for _ in range(2)]
        before_table = protect_table([before_counts, siblings[0]])
        after_table = protect_table([after_counts, siblings[1]])
        before, after = before_table[0], after_table[0]
        shown = protect_table(
            matrix,
            total_col=[*before[:n], None, None],
            total_row=[*after[:n], None, None],
            relations=[
                (sum(before_counts), before[n], [(n, n + 1), (n + 1, n + 1)]),
                (sum(after_counts), after[n], [(n + 1, n), (n + 1, n + 1)]),
            ],
        )
        assert [shown[i][-1] for i in range(n)] == before[:n]
        assert shown[-1][:n] == after[:n]
        # the attacker's unknowns: hidden cells; every figure on the pages as an equation
        full = protect_table(matrix, exact=True)
        values, lines = {}, []
        for name, table, counts in (
            ("b", before_table, [before_counts, siblings[0]]),
            ("a", after_table, [after_counts, siblings[1]]),
        ):
            truth = protect_table(counts, exact=True)
            for i, row in enumerate(table):
                for j, v in enumerate(row):
                    values[(name, i, j)] = v if isinstance(v, int) else None
            for i in range(len(truth)):
                lines.append(((name, i, n), [(name, i, j) for j in range(n)]))
            for j in range(n + 1):
                lines.append(((name, len(truth) - 1, j), [(name, i, j) for i in range(2)]))
        for i, row in enumerate(shown):
            for j, v in enumerate(row):
                values[("m", i, j)] = v if isinstance(v, int) else None
        for i in range(n + 2):
            lines.append((("m", i, n + 1), [("m", i, j) for j in range(n + 1)]))
        for j in range(n + 2):
            lines.append((("m", n + 1, j), [("m", i, j) for i in range(n + 1)]))
        for k in range(n):  # the margins are the dashboard lines: the same numbers
            lines.append((("m", k, n + 1), [("b", 0, k)]))
            lines.append((("m", n + 1, k), [("a", 0, k)]))
        # all households of the two rounds = the round's total + entered (or + left)
        lines.append((("m", n + 1, n + 1), [("b", 0, n), ("m", n, n + 1)]))
        lines.append((("m", n + 1, n + 1), [("a", 0, n), ("m", n + 1, n)]))
        known = _solve_by_subtraction(values, lines)
        truths = {("m", i, j): full[i][j] for i in range(n + 2) for j in range(n + 2)}
        for name, counts in (
            ("b", [before_counts, siblings[0]]),
            ("a", [after_counts, siblings[1]]),
        ):
            truth = protect_table(counts, exact=True)
            truths.update({(name, i, j): truth[i][j] for i in range(3) for j in range(n + 1)})
        for cell, value in values.items():
            if value is None and 0 < truths[cell] < 5:
                recovered_checks += 1
                assert known.get(cell) is None, (matrix, siblings, shown, cell)
    assert recovered_checks > 100
