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
    grid: list[list[int]],
    *,
    exact: bool = False,
    total_row: list | None = None,
    total_col: list | None = None,
    known_rows=(),
    relations=(),
) -> list[list[object]]:
    """`grid` with its last row and last column being totals (sums of the others).

    Returns the same shape with hidden cells replaced by SMALL / HIDDEN. `exact=True` (inside the
    user's own work area) returns the numbers as they are.

    `total_row` / `total_col`: the total row / column as another table already shows it (an
    area's own line in its parent's table, see `protect_tree`). Its hidden cells stay hidden here
    and its shown cells are never chosen as complementary cells (hiding what the parent shows
    would hide nothing), so the two pages cannot be combined to undo each other. A None in
    them: that cell is not fixed.

    `known_rows`: indexes of rows the user sees exactly on another page (their own work area,
    when they also hold a role above it). Their cells are shown as for anyone else (the page or
    report may be seen by others) but not chosen as the complementary cell while another cell of
    the line can be (a known row's own line has none), and every line is checked twice: as
    others see it and as this user does (the known cells counted as shown), so neither can give
    a hidden count back by subtraction.

    `relations`: more lines, each `(value, shown, cells)`: a figure shown elsewhere as `shown`
    that equals the sum of `cells` (cells of the grid, (i, j)) — such as a round's total on the
    dashboard beside the transition matrix — so that line is protected like the others.
    """
    if exact or not grid:
        return [list(row) for row in grid]
    rows, cols = len(grid), len(grid[0])
    known_rows = set(known_rows)
    if is_small(grid[-1][-1]):
        # The whole table counts 1–4 households: any figure in it would narrow them down.
        # Its total row stays as the parent shows it; a column whose total is a shown 0 is all
        # zeros, nothing to hide there.
        out = [[HIDDEN] * cols for _ in range(rows)]
        if total_row is not None:
            for j, value in enumerate(total_row):
                if value is not None:
                    out[-1][j] = value
                if value == 0:
                    for i in range(rows - 1):
                        out[i][j] = 0
        if total_col is not None:
            for i, value in enumerate(total_col):
                if value is not None:
                    out[i][-1] = value
                if value == 0:
                    for j in range(cols - 1):
                        out[i][j] = 0
        return out
    values = {(i, j): grid[i][j] for i in range(rows) for j in range(cols)}
    hidden: dict = {cell: SMALL for cell, value in values.items() if is_small(value)}
    locked: set = set()

    def fix(cell, value):
        if value is None:  # not fixed
            return
        if isinstance(value, int):
            locked.add(cell)
            hidden.pop(cell, None)
        else:
            hidden[cell] = value

    known = {(i, j) for i in known_rows for j in range(cols)}
    if total_row is not None:
        for j, value in enumerate(total_row):
            fix((rows - 1, j), value)
    if total_col is not None:
        for i, value in enumerate(total_col):
            fix((i, cols - 1), value)
    lines = [[(i, j) for j in range(cols)] for i in range(rows)]
    lines += [[(i, j) for i in range(rows)] for j in range(cols)]
    for k, (value, shown, cells) in enumerate(relations):
        values[("relation", k)] = value
        fix(("relation", k), shown)
        lines.append([("relation", k), *cells])

    def safe(marks) -> bool:
        # One hidden cell: the total gives it back. Only "<5" cells: their sum can pin
        # them (two "<5" adding to 8 are both 4). Either way hide one more, shown as "x".
        return not marks or (len(marks) > 1 and HIDDEN in marks)

    changed = True
    while changed:
        changed = False
        for line in lines:
            marks = [hidden[cell] for cell in line if cell in hidden]
            # as the user who knows the `known` cells sees the line
            seen = [hidden[cell] for cell in line if cell in hidden and cell not in known]
            if safe(marks) and safe(seen):
                continue
            others = [cell for cell in line if cell not in hidden and cell not in locked]
            unknown = [cell for cell in others if cell not in known]
            # A known cell hides nothing from this user: only when the line is safe for them
            # and no other cell is left (a row all known) is one hidden for everyone else.
            others = unknown if unknown or not safe(seen) else others
            if not others:
                continue
            positive = [c for c in others if values[c] > 0]
            pick = min(positive or others, key=lambda c: (values[c], c))
            hidden[pick] = HIDDEN
            changed = True
    return [[hidden.get((i, j), grid[i][j]) for j in range(cols)] for i in range(rows)]


def with_totals(table: list[list[int]]) -> list[list[int]]:
    """Append a total column and a total row to a table of counts."""
    rows = [list(row) + [sum(row)] for row in table]
    if rows:
        rows.append([sum(col) for col in zip(*rows, strict=True)])
    return rows


def protect_table(table: list[list[int]], *, exact: bool = False, **fixed) -> list[list[object]]:
    """A table of counts with its totals added, protected: the shape every page shows
    (`fixed`: total_row, total_col, known_rows, relations as in `protect_grid`)."""
    return protect_grid(with_totals(table), exact=exact, **fixed)


def protect_tree(
    root, children_of, counts, *, width: int, exact: bool = False, only=None, known=None
) -> dict:
    """Tables of an area tree protected from the top down: {parent: (its children, the
    protected rows of the children followed by the total row)}. Each child's row becomes the
    fixed total row of the child's own table, so a cell hidden on a parent's page stays hidden
    on the child's page (its own total) and a cell shown there is never re-hidden to no effect.

    `children_of(code)` lists the children in order, `counts[code]` is the list of counts of an
    area (children's counts sum to their parent's), `only` (a set of codes) limits the walk to
    one path. `known(code)`: True for an area the user sees exactly on its own page (their own
    work area, when they hold another role above it): its row is never the complementary cell
    that hides a sibling (see `protect_grid` known_rows). Every page and export protecting a
    hierarchy uses this, so they all agree.
    """
    tables: dict = {}
    stack = [(root, None)]
    while stack:
        code, fixed = stack.pop()
        kids = children_of(code)
        if not kids:
            continue
        grid = [list(counts.get(k) or [0] * width) for k in kids]
        known_rows = [n for n, k in enumerate(kids) if known is not None and known(k)]
        shown = protect_table(grid, exact=exact, total_row=fixed, known_rows=known_rows)
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
