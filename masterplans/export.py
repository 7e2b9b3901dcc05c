"""The xlsx of master plans and their projects: Thai headers, Buddhist-era years, amounts as
numbers with separators, every user-typed text through ppaos.core.xlsx_cells (formulas
neutralised)."""

import io

from django.utils.translation import gettext as _

from ppaos.core.display import format_date
from ppaos.core.xlsx_cells import amount_cell, safe_row

from .models import Carrier, PlanStatus
from .selectors import state_label
from .transitions import State


def _plan_headers():
    return [
        _("Village code"),
        _("Village"),
        _("Fiscal year (BE)"),
        _("Survey round (BE)"),
        _("Status"),
        _("Endorsed on"),
        _("Projects"),
        _("Budget requested (baht)"),
        _("Budget adopted (baht)"),
    ]


def _project_headers():
    return [
        _("Village code"),
        _("Village"),
        _("Fiscal year (BE)"),
        _("Project"),
        _("Problem it answers"),
        _("Objective"),
        _("Carried by"),
        _("Local administrative organisation"),
        _("State"),
        _("Target households"),
        _("Budget requested (baht)"),
        _("Local plan edition"),
        _("Local plan fiscal years (BE)"),
        _("Ordinance fiscal year (BE)"),
        _("Budget adopted (baht)"),
        _("Reason not adopted"),
    ]


def _blank_to_none(values: list) -> list:
    """Empty texts as None, which write-only openpyxl skips instead of writing an empty cell."""
    return [None if value == "" else value for value in values]


def write_plans_xlsx(plans, projects) -> tuple[bytes, dict]:
    """The workbook's bytes and how many rows each sheet has, from selectors.export_rows' dicts.

    Write-only sheets; labels are translated once per value, not once per row (profiling showed
    gettext and get_FOO_display per row costing as much as the cells)."""
    from openpyxl import Workbook

    status_labels = {value: str(label) for value, label in PlanStatus.choices}
    carrier_labels = {value: str(label) for value, label in Carrier.choices}
    state_labels = {state.value: str(state_label(state)) for state in State}

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Plans"))
    sheet.append(safe_row(sheet, _plan_headers()))
    plan_count = 0
    for plan in plans:
        plan_count += 1
        row = safe_row(
            sheet,
            [
                plan["area_id"],
                plan["area__name_th"],
                plan["fiscal_year"],
                plan["survey_round"],
                status_labels.get(plan["status"], plan["status"]),
                format_date(plan["endorsed_at"]) or None,
                plan["project_count"],
            ],
        )
        row += [
            amount_cell(sheet, plan["budget_requested"]),
            amount_cell(sheet, plan["budget_adopted"]),
        ]
        sheet.append(row)

    sheet = workbook.create_sheet(_("Projects"))
    sheet.append(safe_row(sheet, _project_headers()))
    project_count = 0
    for project in projects:
        project_count += 1
        years = None
        if project["local_plan_first_year"]:
            years = f"{project['local_plan_first_year']}–{project['local_plan_last_year']}"
        sheet.append(
            [
                *safe_row(
                    sheet,
                    _blank_to_none(
                        [
                            project["plan__area_id"],
                            project["plan__area__name_th"],
                            project["plan__fiscal_year"],
                            project["title"],
                            project["problem__title"],
                            project["objective"],
                            carrier_labels.get(project["carrier"], project["carrier"]),
                            project["lao__name_th"],
                            state_labels.get(project["state"], project["state"]),
                            project["target_count"],
                        ]
                    ),
                ),
                amount_cell(sheet, project["budget_requested"]),
                *safe_row(
                    sheet,
                    _blank_to_none(
                        [project["local_plan_edition"], years, project["ordinance_fiscal_year"]]
                    ),
                ),
                amount_cell(sheet, project["budget_adopted"]),
                *safe_row(sheet, _blank_to_none([project["not_adopted_reason"]])),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), {"plans": plan_count, "projects": project_count}
