"""Cells for the xlsx files the app writes (openpyxl write-only sheets).

`text_cell`: a string that starts like a formula (= + - @, tab, CR) is written as text, never
evaluated. `amount_cell`: a number with thousands separators and no exponent ("#,##0.00").
"""

from decimal import Decimal

from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
AMOUNT_FORMAT = "#,##0.00"
WHOLE_AMOUNT_FORMAT = "#,##0"


def text_cell(sheet, value):
    """`value` as a cell; a formula-like string is stored as plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # openpyxl would otherwise store it as a formula
        return cell
    return value


def amount_cell(sheet, value):
    """An amount as a number shown with separators (1,000 or 2,500.50), never 1E+3."""
    if value is None:
        return None
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    cell = WriteOnlyCell(sheet, value=float(number))
    whole = number == number.to_integral_value()
    cell.number_format = WHOLE_AMOUNT_FORMAT if whole else AMOUNT_FORMAT
    return cell
