"""A user with two roles (an executive of the province who also manages a district) sees the
district exactly on its own page; on the province page that district's cells must not be the
ones hiding a sibling's small count (the user knows them, so the "x" would hide nothing)."""

import random

import pytest

from monitoring import selectors
from monitoring.rollup import full_rebuild
from monitoring.suppression import HIDDEN, SMALL, protect_grid, protect_table, with_totals
from ppaos.accounts.models import Role
from ppaos.areas.models import Area
from tests.factories import UserFactory, assign
from tests.monitoring.builders import household, result


@pytest.fixture
def hardship(villages):
    """Six households in hardship in 4901, one in 4902 (2568)."""
    for village, n in (("49010101", 6), ("49020101", 1)):
        for _ in range(n):
            result(household(village, [{}]), 2568, "in_hardship")
    full_rebuild()


@pytest.fixture
def two_roles(villages):
    user = assign(UserFactory(username="exec_and_mgr"), Role.EXECUTIVE, "49")
    return assign(user, Role.AREA_MANAGER, "4901")


def test_a_district_the_user_sees_exactly_is_not_the_partner_hiding_a_sibling(
    hardship, two_roles, executive
):
    own = selectors.dashboard(two_roles, Area.objects.get(code="4901"), 2568)
    assert own.exact and own.levels[0][2] == 6  # 4901 exact on its own page
    province = selectors.dashboard(two_roles, Area.objects.get(code="49"), 2568)
    assert not province.exact
    rows = {r["area"].code: r for r in province.children}
    assert rows["4902"]["cells"][0] == SMALL
    # 4901 is not chosen as the "x": what hides the 1 is a cell the user does not know
    assert rows["4901"]["cells"][0] != HIDDEN
    # the subtraction the user could make: province total − 4901 (known exactly) = 4902
    total = province.children_total[0]
    headline = {h.key: h.value for h in province.headlines}["hardship"]
    assert not isinstance(total, int) and not isinstance(headline, int)
    # an executive with one role still gets the usual partner (nothing is known to them)
    plain = selectors.dashboard(executive, Area.objects.get(code="49"), 2568)
    assert {r["area"].code: r for r in plain.children}["4901"]["cells"][0] == HIDDEN


def _recovers(shown, grid, known_rows):
    """Cells a subtraction over the lines gives back, the `known_rows` being known exactly."""
    rows, cols = len(grid), len(grid[0])
    known = {
        (i, j): grid[i][j]
        for i in range(rows)
        for j in range(cols)
        if isinstance(shown[i][j], int) or i in known_rows
    }
    lines = [[(i, j) for j in range(cols)] for i in range(rows)]
    lines += [[(i, j) for i in range(rows)] for j in range(cols)]
    progress = True
    while progress:
        progress = False
        for line in lines:
            unknown = [c for c in line if c not in known]
            if len(unknown) == 1:
                known[unknown[0]] = grid[unknown[0][0]][unknown[0][1]]
                progress = True
    return {c for c in known if c[0] not in known_rows and not isinstance(shown[c[0]][c[1]], int)}


def test_random_tables_with_a_known_row_give_no_small_count_back():
    rng = random.Random(5)
    checked = 0
    for _ in range(300):
        table = [[rng.choice([0, 0, 1, 2, 3, 4, 6, 9]) for _ in range(3)] for _ in range(3)]
        known_rows = [rng.randrange(3)]
        shown = protect_table(table, known_rows=known_rows)
        grid = with_totals(table)
        if 0 < grid[-1][-1] < 5:
            continue
        for cell in _recovers(shown, grid, known_rows):
            assert not 0 < grid[cell[0]][cell[1]] < 5, (table, known_rows, shown, cell)
        # and for anyone else (who knows nothing) the table is as safe as ever
        assert not any(0 < grid[c[0]][c[1]] < 5 for c in _recovers(shown, grid, [])), (table, shown)
        checked += sum(1 for row in shown for v in row if v == SMALL)
    assert checked > 100


def test_a_known_row_is_never_the_complementary_cell():
    grid = with_totals([[6, 9], [1, 9]])
    shown = protect_grid(grid, known_rows=[0])
    assert shown[1][0] == SMALL
    assert shown[0][0] == 6  # not picked although it is the smallest partner in the column
    assert shown[2][0] == HIDDEN
