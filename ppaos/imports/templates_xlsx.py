"""The empty spreadsheet to fill for an import kind: built from the importer's declared fields
(the Thai header of each, the order the importer declares) and, on a second sheet, what each
column means and the other header spellings the importer accepts. Every cell is written as text
where it could read as a formula."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from ppaos.core.xlsx_cells import text_cell

from .importers import Importer


def template_headers(importer: Importer) -> list[str]:
    """The header row of the template: each declared field's Thai label."""
    return [field.label_th for field in importer.fields]


def template_workbook(importer: Importer) -> bytes:
    workbook = Workbook(write_only=True)
    data = workbook.create_sheet("data")
    data.append([text_cell(data, header) for header in template_headers(importer)])
    guide = workbook.create_sheet("columns")
    guide.append(
        [
            text_cell(guide, str(h))
            for h in (_("Column (Thai)"), _("Column (English)"), _("Required"), _("Also accepted"))
        ]
    )
    for field in importer.fields:
        spellings = ", ".join(importer.synonyms.get(field.name, ()))
        guide.append(
            [
                text_cell(guide, field.label_th),
                text_cell(guide, field.label_en),
                str(_("Yes") if field.required else _("No")),
                text_cell(guide, spellings),
            ]
        )
    handle = io.BytesIO()
    workbook.save(handle)
    return handle.getvalue()
