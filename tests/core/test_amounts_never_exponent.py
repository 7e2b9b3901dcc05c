"""Amounts show thousands separators and never scientific notation: in pages (the `amount`
filter), in form inputs (a Decimal normalised to 1E+3 reopens as 1000) and in xlsx exports."""

import io
from decimal import Decimal

import pytest
from django.template import Context, Template
from openpyxl import Workbook, load_workbook

from ppaos.core.display import format_amount, plain_amount
from ppaos.core.xlsx_cells import amount_cell, text_cell


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1E+3"), "1,000"),
        (Decimal("2.5E+3"), "2,500"),
        (Decimal("1000.00"), "1,000"),
        (Decimal("1234567.5"), "1,234,567.50"),
        (Decimal("0"), "0"),
        (3500, "3,500"),
        (None, ""),
    ],
)
def test_amount_filter_groups_thousands(value, shown):
    assert format_amount(value) == shown
    assert Template("{{ v|amount }}").render(Context({"v": value})) == shown


@pytest.mark.parametrize(
    ("value", "typed"),
    [(Decimal("1E+3"), "1000"), (Decimal("2.5E+3"), "2500"), (Decimal("12.50"), "12.5")],
)
def test_form_values_are_plain_digits(value, typed):
    assert plain_amount(value) == typed


def test_accounts_step_reopens_without_exponent():
    from households.models import SurveyAccounts
    from households.surveys.forms import AccountsForm

    accounts = SurveyAccounts(income_wages=Decimal("1E+3"), savings=Decimal("2.5E+3"))
    form = AccountsForm(accounts=accounts)
    html = str(form["income_wages"]) + str(form["savings"])
    assert 'value="1000"' in html
    assert 'value="2500"' in html
    assert "E+" not in html


def test_xlsx_amounts_are_numbers_with_separators_and_formulas_are_text():
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("x")
    sheet.append([amount_cell(sheet, Decimal("1E+3")), amount_cell(sheet, Decimal("2500.5"))])
    sheet.append([text_cell(sheet, "=HYPERLINK(1)"), text_cell(sheet, "@SUM(A1)")])
    handle = io.BytesIO()
    workbook.save(handle)
    handle.seek(0)
    read = load_workbook(handle)["x"]
    assert read["A1"].value == 1000
    assert read["A1"].number_format == "#,##0"
    assert read["B1"].number_format == "#,##0.00"
    assert read["A2"].data_type == "s"
    assert read["B2"].data_type == "s"


def test_xlsx_text_cells_replace_the_control_characters_a_workbook_cannot_hold(tmp_path):
    from openpyxl import Workbook, load_workbook

    from ppaos.core.xlsx_cells import safe_row

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("x")
    # U+FFFF / U+FFFE / a lone surrogate: openpyxl saves them, and the file then opens nowhere.
    values = ["bell\x07", "\x00=1+1", "tab\tline\nreturn\r", "ไทย", "x\uffff\ufffe\ud800y"]
    sheet.append(safe_row(sheet, values))
    workbook.save(tmp_path / "x.xlsx")
    read = [cell.value for cell in load_workbook(tmp_path / "x.xlsx").active[1]]
    assert read[0] == "bell\ufffd" and read[1] == "\ufffd=1+1" and read[3] == "ไทย"
    assert read[2].startswith("tab\tline\n")  # kept (an xlsx holds them)
    assert read[4] == "x\ufffd\ufffd\ufffdy"
