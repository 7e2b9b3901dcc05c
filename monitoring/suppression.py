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


def protect_grid(
    grid: list[list[int]], *, exact: bool = False, total_row: list | None = None
) -> list[list[object]]:
    """`grid` with its last row and last column being totals (sums of the others).

    Returns the same shape with hidden cells replaced by SMALL / HIDDEN. `exact=True` (inside the
    user's own work area) returns the numbers as they are.

    `total_row`: the total row as another table already shows it (an area's own line in its
    parent's table, see `protect_tree`). Its hidden cells stay hidden here and its shown cells
    are never chosen as complementary cells (hiding what the parent shows would hide nothing),
    so the parent's page and the area's own page cannot be combined to undo each other.
    """
    if exact or not grid:
        return [list(row) for row in grid]
    rows, cols = len(grid), len(grid[0])
    if is_small(grid[-1][-1]):
        # The whole table counts 1–4 households: any figure in it would narrow them down.
        # Its total row stays as the parent shows it; a column whose total is a shown 0 is all
        # zeros, nothing to hide there.
        out = [[HIDDEN] * cols for _ in range(rows)]
        if total_row is not None:
            out[-1] = list(total_row)
            for j, value in enumerate(total_row):
                if value == 0:
                    for i in range(rows - 1):
                        out[i][j] = 0
        return out
    hidden: dict[tuple[int, int], str] = {
        (i, j): SMALL for i in range(rows) for j in range(cols) if is_small(grid[i][j])
    }
    locked: set[tuple[int, int]] = set()
    if total_row is not None:
        for j, value in enumerate(total_row):
            if isinstance(value, int):
                locked.add((rows - 1, j))
            else:
                hidden[(rows - 1, j)] = value
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
            others = [cell for cell in line if cell not in hidden and cell not in locked]
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


def protect_table(
    table: list[list[int]], *, exact: bool = False, total_row: list | None = None
) -> list[list[object]]:
    """A table of counts with its totals added, protected: the shape every page shows."""
    return protect_grid(with_totals(table), exact=exact, total_row=total_row)


def protect_tree(root, children_of, counts, *, width: int, exact: bool = False, only=None) -> dict:
    """Tables of an area tree protected from the top down: {parent: (its children, the
    protected rows of the children followed by the total row)}. Each child's row becomes the
    fixed total row of the child's own table, so a cell hidden on a parent's page stays hidden
    on the child's page (its own total) and a cell shown there is never re-hidden to no effect.

    `children_of(code)` lists the children in order, `counts[code]` is the list of counts of an
    area (children's counts sum to their parent's), `only` (a set of codes) limits the walk to
    one path. Every page and export protecting a hierarchy uses this, so they all agree.
    """
    tables: dict = {}
    stack = [(root, None)]
    while stack:
        code, fixed = stack.pop()
        kids = children_of(code)
        if not kids:
            continue
        grid = [list(counts.get(k) or [0] * width) for k in kids]
        shown = protect_table(grid, exact=exact, total_row=fixed)
        tables[code] = (kids, shown)
        for kid, row in zip(kids, shown, strict=False):
            if only is None or kid in only:
                stack.append((kid, row))
    return tables


def protect_list(values: list[int], *, exact: bool = False) -> tuple[list[object], object]:
    """One line of counts (areas of a map, bars of a chart) and their total, protected."""
    grid = protect_grid([list(values) + [sum(values)]], exact=exact)
    return grid[0][:-1], grid[0][-1]


def protect_value(value: int, *, exact: bool = False) -> object:
    """A single count standing alone (a headline figure)."""
    return SMALL if not exact and is_small(value) else value
