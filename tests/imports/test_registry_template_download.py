"""The registry import's empty template: headers are the importer's declared Thai headers, the
guide sheet lists the accepted spellings, every text cell is text (never a formula), the upload
page links it, and only roles that run imports get it."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from households.registry_import.importer import welfare_registry_importer
from ppaos.imports.templates_xlsx import template_headers

URL = reverse("imports:import_template", args=["welfare_registry"])


def test_template_headers_are_the_declared_thai_headers(client, admin_user):
    client.force_login(admin_user)
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    workbook = load_workbook(io.BytesIO(response.content))
    header = [cell.value for cell in workbook["data"][1]]
    declared = [field.label_th for field in welfare_registry_importer.fields]
    assert header == declared == template_headers(welfare_registry_importer)
    guide = list(workbook["columns"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in guide] == declared
    for row in workbook["columns"].iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_the_template_is_read_back_by_the_importer():
    plan = welfare_registry_importer.plan_columns(template_headers(welfare_registry_importer))
    assert not plan.missing_required


def test_upload_page_links_the_template(client, admin_user):
    client.force_login(admin_user)
    assert URL in client.get(reverse("imports:upload")).content.decode()


def test_only_import_roles_get_it(client, facilitator, no_role_user):
    client.force_login(facilitator)
    assert client.get(URL).status_code == 403
    client.force_login(no_role_user)
    assert client.get(URL).status_code == 404
    client.logout()
    assert client.get(URL).status_code == 302


def test_an_unknown_kind_is_404(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("imports:import_template", args=["nope"])).status_code == 404
