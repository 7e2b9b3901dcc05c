"""Downloads of the survey import: the XLSForm (the xlsx template is the import framework's
template download, built by the importer). No personal data: nothing to audit."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from ppaos.accounts.policy import Action, ensure_role_grants

from .templates import FORM_ID, survey_xlsform

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def xlsform(request):
    """The XLSForm of the current instrument with the user's villages as choices."""
    ensure_role_grants(request.user, Action.IMPORT_SURVEYS)
    response = HttpResponse(survey_xlsform(request.user), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{FORM_ID}.xlsx"'
    return response
