"""Formula-injection guard for every xlsx the app writes (error reports now; templates and
exports use it too).

A text value starting with = + - @ (or a tab / carriage return, which some spreadsheet programs
skip before looking for a formula) could run as a formula when the file is opened: `=cmd|' /C
calc'!A0`, `=HYPERLINK(...)`. `safe_cell` writes such a value as TEXT: an openpyxl cell of
string type with Excel's "quote prefix" (what Excel itself stores when a user types '=...), so
the admin sees the value exactly as it was in the upload and it never runs.

Use it for every value of an openpyxl write-only sheet::

    from ppaos.imports.xlsx_safe import safe_row
    sheet.append(safe_row(sheet, [row_number, column, value, ...]))

Numbers, dates and booleans are written as they are. Pure Python (openpyxl only), no Django.
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_risky(value) -> bool:
    """Whether a value would be taken for a formula by a spreadsheet program."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def safe_cell(sheet, value):
    """The value, or for a risky text a string cell with the quote prefix (never a formula)."""
    if not is_risky(value):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def safe_row(sheet, values: Iterable) -> list:
    return [safe_cell(sheet, value) for value in values]


__all__ = ["FORMULA_TRIGGERS", "is_risky", "safe_cell", "safe_row"]
