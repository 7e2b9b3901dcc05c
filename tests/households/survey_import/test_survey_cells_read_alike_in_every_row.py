"""The cells of a survey file read the same in every row: values repeated down a column (the
reader remembers them per column) give what the first row gave, errors included."""

import datetime as dt

from households.survey_import import columns as cols

TODAY = dt.date(2025, 12, 1)


def by_name(names):
    members = cols.member_columns([])
    wanted = [c for c in cols.household_columns([], []) + members if c.name in names]
    return wanted, {c.name: n for n, c in enumerate(wanted)}


def test_repeated_cells_read_as_the_first_time_in_every_row():
    columns, plan = by_name({"notice_given", "needs", "surveyed_on", "income_wages"})
    order = [c.name for c in columns]
    row = {"notice_given": "ใช่", "needs": "housing food", "surveyed_on": "15/11/2568",
           "income_wages": 1200}  # fmt: skip
    first = cols.read_row(columns, plan, [row[n] for n in order], today=TODAY)
    for _ in range(3):
        again = cols.read_row(columns, plan, [row[n] for n in order], today=TODAY)
        assert again == first
    assert first[0]["needs"] == ["housing", "food"]
    first[0]["needs"].append("changed")  # a row's list is its own
    assert cols.read_row(columns, plan, [row[n] for n in order], today=TODAY)[0]["needs"] == [
        "housing",
        "food",
    ]


def test_equal_cells_of_other_types_read_by_their_own_rules():
    columns, plan = by_name({"income_wages"})  # 1 == 1.0 == True, read differently
    assert cols.read_row(columns, plan, [1], today=TODAY)[0] == {"income_wages": "1.00"}
    assert cols.read_row(columns, plan, [1.0], today=TODAY)[0] == {"income_wages": "1.00"}
    values, errors = cols.read_row(columns, plan, [True], today=TODAY)
    assert values == {} and [e.code for e in errors] == ["bad_amount"]


def test_a_repeated_bad_cell_is_rejected_in_every_row():
    columns, plan = by_name({"surveyed_on"})
    for _ in range(2):
        values, errors = cols.read_row(columns, plan, ["31/02/2568"], today=TODAY)
        assert values == {} and [e.code for e in errors] == ["bad_date"]
