"""Cells for every xlsx the app writes (openpyxl write-only sheets): the one place that
neutralises formulas and formats amounts.

A text value starting with = + - @ (or a tab / carriage return, which some spreadsheet programs
skip before looking for a formula) could run as a formula when the file is opened: `=cmd|' /C
calc'!A0`, `=HYPERLINK(...)`. `text_cell` writes such a value as TEXT: a string cell with
Excel's "quote prefix" (what Excel stores when a user types '=...), so the reader sees the value
exactly as it was and it never runs. Characters an xlsx cannot hold (U+0000–U+001F but tab, line
feed and carriage return: openpyxl refuses the whole file, naming the value in its error;
U+FFFE, U+FFFF and lone surrogates: the file would not open) are written as U+FFFD, the sign of
a character that could not be shown. `amount_cell`: a number with thousands separators and no
exponent ("#,##0.00"). Use `safe_row` for every row of values that came from users::

    from ppaos.core.xlsx_cells import safe_row
    sheet.append(safe_row(sheet, [row_number, column, value, ...]))

Pure Python (openpyxl only), no Django.
"""

import re
from collections.abc import Iterable
from decimal import Decimal

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# openpyxl refuses these control characters; XML 1.0 cannot hold U+FFFE, U+FFFF or a lone
# surrogate either, which openpyxl lets through (the file saves, and then no program opens it).
UNWRITABLE_RE = re.compile(f"{ILLEGAL_CHARACTERS_RE.pattern}|[\\ufffe\\uffff\\ud800-\\udfff]")

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
AMOUNT_FORMAT = "#,##0.00"
WHOLE_AMOUNT_FORMAT = "#,##0"


def starts_like_formula(value) -> bool:
    """Whether a spreadsheet program would take `value` for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def text_cell(sheet, value):
    """`value` as it is, or for a formula-like string a text cell with the quote prefix (and
    any character an xlsx cannot hold as U+FFFD)."""
    if isinstance(value, str) and UNWRITABLE_RE.search(value):
        value = UNWRITABLE_RE.sub("\ufffd", value)
    if not starts_like_formula(value):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl would otherwise store it as a formula
    cell.quotePrefix = True
    return cell


def safe_row(sheet, values: Iterable) -> list:
    """A row of values with every formula-like string neutralised (`text_cell`)."""
    return [text_cell(sheet, value) for value in values]


def amount_cell(sheet, value):
    """An amount as a number shown with separators (1,000 or 2,500.50), never 1E+3."""
    if value is None:
        return None
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    cell = WriteOnlyCell(sheet, value=float(number))
    whole = number == number.to_integral_value()
    cell.number_format = WHOLE_AMOUNT_FORMAT if whole else AMOUNT_FORMAT
    return cell
