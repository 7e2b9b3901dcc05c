"""Small cells: 1–4 never shown outside the user's area, and no total gives one back."""

import itertools
import random

from monitoring.suppression import HIDDEN, SMALL, protect_list, protect_table, protect_value


def _feasible_values(shown, cell):
    """Values the "<5" `cell` could take given everything shown.

    Tries every 1–4 value of every "<5" cell; the "x" cells (any count ≥ 0) are then solved from
    the lines (each row and column adds up to its total) wherever a line has one unknown left;
    an assignment is feasible when every line it fully determines adds up and nothing is < 0.
    """
    rows, cols = len(shown), len(shown[0])
    small = [(i, j) for i in range(rows) for j in range(cols) if shown[i][j] == SMALL]
    lines = [[(i, j) for j in range(cols)] for i in range(rows)]
    lines += [[(i, j) for i in range(rows)] for j in range(cols)]
    found = set()
    for values in itertools.product(range(1, 5), repeat=len(small)):
        grid = {(i, j): shown[i][j] for i in range(rows) for j in range(cols)}
        grid.update(dict(zip(small, values, strict=True)))
        if _consistent(grid, lines):
            found.add(grid[cell])
    return found


def _consistent(grid, lines):
    progress = True
    while progress:
        progress = False
        for line in lines:
            unknown = [c for c in line if grid[c] == HIDDEN]
            total, parts = line[-1], line[:-1]
            if len(unknown) == 1:
                u = unknown[0]
                if u == total:
                    grid[u] = sum(grid[c] for c in parts)
                else:
                    grid[u] = grid[total] - sum(grid[c] for c in parts if c != u)
                if grid[u] < 0:
                    return False
                progress = True
            elif not unknown and sum(grid[c] for c in parts) != grid[total]:
                return False
    return True


def test_counts_of_one_to_four_show_as_less_than_five():
    shown = protect_table([[3, 10], [7, 20]])
    assert shown[0][0] == SMALL
    assert all(v not in (1, 2, 3, 4) for row in shown for v in row)


def test_a_single_small_cell_cannot_be_recovered_from_its_row_or_column_total():
    shown = protect_table([[3, 10], [7, 20]])
    # the 3 is hidden, and so is a partner in its row and in its column
    assert sum(1 for v in shown[0] if v in (SMALL, HIDDEN)) >= 2
    assert sum(1 for row in shown if row[0] in (SMALL, HIDDEN)) >= 2


def test_random_tables_never_give_a_small_count_back_by_subtraction():
    rng = random.Random(13)
    checked = 0
    for _ in range(40):
        table = [[rng.choice([0, 0, 1, 2, 3, 4, 6, 9]) for _ in range(3)] for _ in range(2)]
        shown = protect_table(table)
        for i, row in enumerate(shown):
            for j, v in enumerate(row):
                assert v not in (1, 2, 3, 4)
                if v == SMALL:
                    assert len(_feasible_values(shown, (i, j))) > 1, (table, shown)
                    checked += 1
    assert checked > 20


def test_every_line_hides_none_or_at_least_two_cells():
    rng = random.Random(7)
    for _ in range(200):
        table = [[rng.choice([0, 1, 2, 5, 8, 30]) for _ in range(4)] for _ in range(4)]
        shown = protect_table(table)
        for line in list(shown) + [list(col) for col in zip(*shown, strict=True)]:
            assert sum(1 for v in line if v in (SMALL, HIDDEN)) != 1, (table, shown)


def test_inside_the_users_own_area_the_numbers_are_exact():
    assert protect_table([[3, 10]], exact=True) == [[3, 10, 13], [3, 10, 13]]
    assert protect_value(2, exact=True) == 2
    assert protect_value(2) == SMALL
    assert protect_value(0) == 0


def test_a_line_of_areas_hides_a_partner_for_a_single_small_one():
    values, total = protect_list([120, 3, 40, 9])
    assert values[1] == SMALL
    assert values[3] == HIDDEN  # the smallest other count, so the total does not give 3 back
    assert total == 172


def test_a_table_of_fewer_than_five_households_shows_nothing():
    shown = protect_table([[1, 0], [0, 2]])
    assert {v for row in shown for v in row} == {HIDDEN}


# --- across pages: a parent's table and each child's own page (suppression.protect_tree) ------


def _tree_case(rng):
    """A province 49 → districts 4901, 4902 → subdistricts → villages with random counts."""
    kids = {"49": ["4901", "4902"], "4901": ["490101", "490102"], "4902": ["490201"]}
    for sub in ("490101", "490102", "490201"):
        kids[sub] = [sub + "01", sub + "02"]
    counts = {}
    for sub in ("490101", "490102", "490201"):
        for village in kids[sub]:
            counts[village] = [rng.choice([0, 0, 1, 2, 3, 6, 9, 14]) for _ in range(3)]
    for parent in ("490101", "490102", "490201", "4901", "4902", "49"):
        counts[parent] = [sum(col) for col in zip(*(counts[k] for k in kids[parent]), strict=True)]
    return kids, counts


def test_a_cell_hidden_on_a_parents_page_stays_hidden_on_the_childs_own_page():
    from monitoring.suppression import protect_tree

    rng = random.Random(21)
    hidden_seen = 0
    for _ in range(150):
        kids, counts = _tree_case(rng)
        tables = protect_tree("49", lambda c, kids=kids: kids.get(c, []), counts, width=3)
        for parent, (children, shown) in tables.items():
            for child, row in zip(children, shown, strict=False):
                if child in tables:
                    # the child's own page shows its line as the total row: the same cells
                    assert tables[child][1][-1] == row, (counts, parent, child)
                hidden_seen += sum(1 for v in row if v in (SMALL, HIDDEN))
            for line in list(shown) + [list(col) for col in zip(*shown, strict=True)]:
                assert not any(v in (1, 2, 3, 4) for v in line)
                assert sum(1 for v in line if v in (SMALL, HIDDEN)) != 1, (counts, shown)
    assert hidden_seen > 100


def test_the_subdistrict_hidden_in_its_districts_table_is_hidden_on_its_own_page():
    """District 4901: subdistrict 490101 has 3 households in hardship, 490102 has 10. The 3 is
    "<5", so the 10 is hidden as its partner; on 490102's own page its total must not say 10,
    or 13 − 10 would give the 3 back."""
    from monitoring.suppression import protect_tree

    kids = {"49": ["4901"], "4901": ["490101", "490102"], "490102": ["49010201", "49010202"]}
    counts = {
        "49010201": [6, 20],
        "49010202": [4, 20],
        "490102": [10, 40],
        "490101": [3, 30],
        "4901": [13, 70],
        "49": [13, 70],
    }
    tables = protect_tree("49", lambda c: kids.get(c, []), counts, width=2)
    district = tables["4901"][1]
    assert district[0][0] == SMALL and district[1][0] == HIDDEN
    own = tables["490102"][1]
    assert own[-1][0] == HIDDEN  # its own total: hidden as on the district's page
    assert [row[0] for row in own] == [6, SMALL, HIDDEN]
    # both pages together: 490101's "<5" (a) + 490102's x = 13 and 6 + village's "<5" (b) = x
    feasible = {
        a for a in range(1, 5) for b in range(1, 5) if a + (6 + b) == district[-1][0]
    }  # fmt: skip
    assert district[-1][0] == 13 and len(feasible) >= 2
