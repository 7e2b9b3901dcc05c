"""Small-cell protection: the ONE function every table, chart, map class, export and API uses.

Outside the user's own work area a count of 1–4 households is shown as "<5" (primary
suppression). A count that a shown total would give away by subtraction is hidden too
(complementary suppression): in every line of the table (a row with its row total, a column with
its column total) either nothing is hidden or at least two cells are, one of them an "x" whose
range is open, so neither a subtraction nor the 1–4 range of "<5" cells gives a count back.
The complementary cell is the smallest other non-zero count of the line (hiding as little as
possible). A table whose grand total is 1–4 shows nothing at all. Pure Python: no Django.
"""

SMALL = "<5"  # a count of 1–4
HIDDEN = "x"  # hidden so that a total cannot give a small count back
THRESHOLD = 5


def is_small(value) -> bool:
    return value is not None and 0 < value < THRESHOLD


def protect_grid(grid: list[list[int]], *, exact: bool = False) -> list[list[object]]:
    """`grid` with its last row and last column being totals (sums of the others).

    Returns the same shape with hidden cells replaced by SMALL / HIDDEN. `exact=True` (inside the
    user's own work area) returns the numbers as they are.
    """
    if exact or not grid:
        return [list(row) for row in grid]
    rows, cols = len(grid), len(grid[0])
    if is_small(grid[-1][-1]):
        # The whole table counts 1–4 households: any figure in it would narrow them down.
        return [[HIDDEN] * cols for _ in range(rows)]
    hidden: dict[tuple[int, int], str] = {
        (i, j): SMALL for i in range(rows) for j in range(cols) if is_small(grid[i][j])
    }
    lines = [[(i, j) for j in range(cols)] for i in range(rows)]
    lines += [[(i, j) for i in range(rows)] for j in range(cols)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            marks = [hidden[cell] for cell in line if cell in hidden]
            # One hidden cell: the total gives it back. Only "<5" cells: their sum can pin
            # them (two "<5" adding to 8 are both 4). Either way hide one more, shown as "x".
            if not marks or (len(marks) > 1 and HIDDEN in marks):
                continue
            others = [cell for cell in line if cell not in hidden]
            if not others:
                continue
            positive = [c for c in others if grid[c[0]][c[1]] > 0]
            pick = min(positive or others, key=lambda c: (grid[c[0]][c[1]], c))
            hidden[pick] = HIDDEN
            changed = True
    return [[hidden.get((i, j), grid[i][j]) for j in range(cols)] for i in range(rows)]


def with_totals(table: list[list[int]]) -> list[list[int]]:
    """Append a total column and a total row to a table of counts."""
    rows = [list(row) + [sum(row)] for row in table]
    if rows:
        rows.append([sum(col) for col in zip(*rows, strict=True)])
    return rows


def protect_table(table: list[list[int]], *, exact: bool = False) -> list[list[object]]:
    """A table of counts with its totals added, protected: the shape every page shows."""
    return protect_grid(with_totals(table), exact=exact)


def protect_list(values: list[int], *, exact: bool = False) -> tuple[list[object], object]:
    """One line of counts (areas of a map, bars of a chart) and their total, protected."""
    grid = protect_grid([list(values) + [sum(values)]], exact=exact)
    return grid[0][:-1], grid[0][-1]


def protect_value(value: int, *, exact: bool = False) -> object:
    """A single count standing alone (a headline figure)."""
    return SMALL if not exact and is_small(value) else value
