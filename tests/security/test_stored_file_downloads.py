"""The uploaded file and the error report of an import job leave the server only through the
download views: the policy decides (anonymous → login, wrong role → 403, out of scope → 404),
an audit row is written without personal data, and the file comes as an attachment."""

import pytest
from django.urls import reverse

from ppaos.audit.models import AuditEvent
from tests.security import stored_files
from tests.security.stored_files import UPLOADED_NAME

pytestmark = pytest.mark.django_db
media_root = stored_files.media_root
job_with_report = stored_files.job_with_report

PAGES = {"imports:uploaded_file": "file", "imports:error_report": "error_report"}
API = {"imports_api:job_uploaded_file": "file", "imports_api:job_error_report": "error_report"}


def url(name, job):
    return reverse(name, args=[job.public_id])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("name", [*PAGES, *API])
def test_an_admin_downloads_the_file_as_an_attachment(client, admin_user, job_with_report, name):
    client.force_login(admin_user)
    response = client.get(url(name, job_with_report))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    stored = getattr(job_with_report, {**PAGES, **API}[name])
    with stored.open("rb") as handle:
        assert body(response) == handle.read()


def test_the_uploaded_file_keeps_its_original_name_for_the_admin(
    client, admin_user, job_with_report
):
    client.force_login(admin_user)
    response = client.get(url("imports:uploaded_file", job_with_report))
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert "%E0%B8%97%E0%B8%B0" in response["Content-Disposition"]  # ทะ… percent-encoded


@pytest.mark.parametrize(
    ("name", "action"),
    [
        ("imports:uploaded_file", "import.file_downloaded"),
        ("imports_api:job_uploaded_file", "import.file_downloaded"),
        ("imports:error_report", "import.error_report_downloaded"),
        ("imports_api:job_error_report", "import.error_report_downloaded"),
    ],
)
def test_each_download_writes_an_audit_row_without_personal_data(
    client, admin_user, job_with_report, name, action
):
    client.force_login(admin_user)
    assert client.get(url(name, job_with_report)).status_code == 200
    event = AuditEvent.objects.get(action=action)
    assert event.actor_id == admin_user.pk
    assert event.object_id == str(job_with_report.public_id)
    recorded = f"{event.object_repr} {event.details}"
    for part in ("ทะเบียน", "สมชาย", "ใจดี", UPLOADED_NAME):
        assert part not in recorded


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_page_downloads_go_to_the_login_page(client, job_with_report, name):
    response = client.get(url(name, job_with_report))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not AuditEvent.objects.filter(action__endswith="downloaded").exists()


@pytest.mark.parametrize("name", API)
def test_anonymous_api_downloads_are_refused(client, job_with_report, name):
    assert client.get(url(name, job_with_report)).status_code in (401, 403)


@pytest.mark.parametrize("role_user", ["agency_staff", "provincial_officer", "executive"])
@pytest.mark.parametrize("name", [*PAGES, *API])
def test_roles_without_imports_get_403(client, job_with_report, request, role_user, name):
    client.force_login(request.getfixturevalue(role_user))
    assert client.get(url(name, job_with_report)).status_code == 403
    assert not AuditEvent.objects.filter(action__endswith="downloaded").exists()


@pytest.mark.parametrize("name", PAGES)
def test_a_facilitator_who_imports_surveys_never_gets_an_admins_files(
    client, facilitator, job_with_report, name
):
    """Facilitators may import surveys (IMPORT_SURVEYS), so the import pages open for them, but
    another user's registry job is not theirs: 404, as for any record outside their reach."""
    client.force_login(facilitator)
    assert client.get(url(name, job_with_report)).status_code == 404
    assert not AuditEvent.objects.filter(action__endswith="downloaded").exists()


@pytest.mark.parametrize("name", [*PAGES, *API])
def test_a_user_without_any_assignment_gets_404(client, no_role_user, job_with_report, name):
    client.force_login(no_role_user)
    assert client.get(url(name, job_with_report)).status_code == 404
    assert not AuditEvent.objects.filter(action__endswith="downloaded").exists()


def test_a_job_without_an_error_report_answers_404(client, admin_user, job_with_report):
    job_with_report.error_report = ""
    job_with_report.save(update_fields=["error_report"])
    client.force_login(admin_user)
    assert client.get(url("imports:error_report", job_with_report)).status_code == 404
    assert client.get(url("imports_api:job_error_report", job_with_report)).status_code == 404


def test_the_api_names_the_download_urls(client, admin_user, job_with_report):
    client.force_login(admin_user)
    data = client.get(reverse("imports_api:job_detail", args=[job_with_report.public_id])).json()
    assert data["file_url"] == url("imports_api:job_uploaded_file", job_with_report)
    assert data["error_report_url"] == url("imports_api:job_error_report", job_with_report)


def test_behind_nginx_the_view_decides_and_nginx_sends_the_file(
    client, admin_user, job_with_report, settings
):
    settings.PROTECTED_FILES_SERVER = "nginx"
    settings.PROTECTED_FILES_INTERNAL_URL = "/protected-files/"
    client.force_login(admin_user)
    response = client.get(url("imports:uploaded_file", job_with_report))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-files/" + job_with_report.file.name
    assert response["Content-Disposition"].startswith("attachment")
    assert response.content == b""
    assert AuditEvent.objects.filter(action="import.file_downloaded").count() == 1


def test_with_x_sendfile_the_server_gets_the_path(client, admin_user, job_with_report, settings):
    settings.PROTECTED_FILES_SERVER = "sendfile"
    client.force_login(admin_user)
    response = client.get(url("imports:error_report", job_with_report))
    assert response["X-Sendfile"] == job_with_report.error_report.path
    assert response["Content-Disposition"].startswith("attachment")
    assert response.content == b""


def test_the_job_page_links_the_uploaded_file(client, admin_user, job_with_report):
    client.force_login(admin_user)
    html = client.get(reverse("imports:job_detail", args=[job_with_report.public_id])).content
    assert url("imports:uploaded_file", job_with_report).encode() in html
