"""The rows of a survey file, as the import framework streams them to the importer.

A survey file has two tables: households and their members, joined by a household key. The
framework reads one table, so this module yields one stream: the households rows first (their
header row is the one the framework finds and maps), then a `MemberHeader` row (the members
table's header), the members rows as `MemberRow`s, and one `EndOfFile` row. Every table is read
by the framework's hardened readers (hostile-file limits, encodings, hidden sheets).

Layouts accepted:
- the xlsx template (sheets "households" / "ครัวเรือน" and "members" / "สมาชิก");
- a KoboToolbox xlsx export: the first sheet is the form's main table (`_index`, `_uuid`), the
  repeat group "members" is the sheet of that name (`_index`, `_parent_index`,
  `_parent_table_name`, `_submission__uuid`);
- an ODK Central csv zip: `<form id>.csv` (`KEY` = the instance ID, `meta-instanceID`) and
  `<form id>-members.csv` (`PARENT_KEY`, `KEY` = "<parent key>/members[n]");
- a households csv on its own (no members sheet: only households already registered).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ppaos.imports.columns import blank_row
from ppaos.imports.readers import (
    MarkerRow,
    OverlongRow,
    SpreadsheetError,
    Table,
    extract_zip_member,
    open_table,
    xlsx_sheet_titles,
    zip_member_names,
)

from .columns import HOUSEHOLD_SHEETS, MEMBER_SHEETS, MEMBERS_GROUP

NO_TABLES = (
    "ไม่พบตารางครัวเรือนในไฟล์ (แผ่นงาน “ครัวเรือน” หรือไฟล์ csv ของแบบสำรวจ)",
    "No households table was found in the file (a “households” sheet or the form's csv).",
)
HEADER_SEARCH = 30


class MemberHeader(MarkerRow):
    """The header row of the members table."""


class MemberRow(list):
    """A row of the members table; `sheet_row` is its row number in that table. `too_long` is
    (column, length) when the reader found a cell over its limit there (that cell is blank):
    the importer refuses the member's household for it, as for any other bad member cell."""

    sheet_row = 0
    too_long: tuple[int, int] | None = None


class EndOfFile(MarkerRow):
    """The last row of the stream: every household and member has been read."""


def _pick(titles: list[str], wanted: tuple[str, ...]) -> str | None:
    lowered = {t.strip().lower(): t for t in titles}
    for name in wanted:
        if name.lower() in lowered:
            return lowered[name.lower()]
    return None


def open_survey_tables(path: str) -> Table:
    """The combined stream (see the module's docstring)."""
    with open(path, "rb") as handle:
        head = handle.read(4)
    if head.startswith(b"PK"):
        names = zip_member_names(path)
        if "xl/workbook.xml" in names:
            return _xlsx(path)
        return _odk_zip(path, names)
    households = open_table(path)
    return _combined(households, None, cleanup=None)


def _xlsx(path: str) -> Table:
    titles = xlsx_sheet_titles(path)
    households_sheet = _pick(titles, HOUSEHOLD_SHEETS)
    members_sheet = _pick(titles, MEMBER_SHEETS)
    if households_sheet is None:
        # A Kobo export: the main table is the first visible sheet that is not the repeat.
        candidates = [t for t in titles if t != members_sheet]
        if not candidates:
            raise SpreadsheetError("no_survey_tables", messages=NO_TABLES)
        households_sheet = candidates[0]
    households = open_table(path, sheet=households_sheet)
    members = open_table(path, sheet=members_sheet) if members_sheet else None
    return _combined(households, members, cleanup=None)


def _odk_zip(path: str, names: list[str]) -> Table:
    csvs = [n for n in names if n.lower().endswith(".csv") and "/" not in n.strip("/")]
    suffix = f"-{MEMBERS_GROUP}.csv"
    members_name = next((n for n in csvs if n.lower().endswith(suffix)), None)
    main = [n for n in csvs if n != members_name and "-" not in Path(n).stem]
    if not main:
        main = [n for n in csvs if n != members_name]
    if not main:
        raise SpreadsheetError("no_survey_tables", messages=NO_TABLES)
    workdir = tempfile.mkdtemp(prefix="survey-import-")
    try:
        households = open_table(extract_zip_member(path, main[0], Path(workdir) / "main.csv"))
        members = None
        if members_name:
            members = open_table(
                extract_zip_member(path, members_name, Path(workdir) / "members.csv")
            )
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    return _combined(households, members, cleanup=workdir)


def _combined(households: Table, members: Table | None, *, cleanup: str | None) -> Table:
    def rows() -> Iterator[tuple[int, list]]:
        try:
            yield from households.rows()
            if members is not None:
                header_seen = False
                for number, cells in members.rows():
                    if not header_seen:
                        if not any(str(c).strip() for c in cells if c is not None):
                            continue
                        header_seen = True
                        yield number, MemberHeader(cells)
                        continue
                    if type(cells) is OverlongRow and blank_row(cells):
                        yield number, cells  # nothing else in it: the framework rejects it
                        continue
                    row = MemberRow(cells)
                    row.sheet_row = number
                    if type(cells) is OverlongRow:
                        row.too_long = (cells.column, cells.length)
                    yield number, row
            yield 0, EndOfFile(["end"])
        finally:
            if cleanup:
                shutil.rmtree(cleanup, ignore_errors=True)

    estimated = households.estimated_rows + (members.estimated_rows if members else 0)
    return Table(kind=households.kind, estimated_rows=estimated, _rows=rows())
