import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ppaos.imports.models import ColumnMapping, ImportJob, ImportStatus
from tests.factories import UserFactory, assign
from tests.imports.files import bad_checksum, good_row, national_id, write_xlsx
from tests.imports.helpers import create_job, run_in_process

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished_job(admin_user, tmp_path):
    bad = good_row(9)
    bad[1] = bad_checksum(bad[1])
    return run_in_process(admin_user, write_xlsx(tmp_path / "mixed.xlsx", [good_row(1), bad]))


def xlsx_upload(tmp_path, name="r.xlsx"):
    path = write_xlsx(tmp_path / name, [good_row(1)])
    return SimpleUploadedFile(name, path.read_bytes())


def page_urls(job):
    return [
        reverse("imports:job_list"),
        reverse("imports:upload"),
        reverse("imports:job_detail", args=[job.public_id]),
        reverse("imports:job_progress", args=[job.public_id]),
        reverse("imports:error_report", args=[job.public_id]),
        reverse("imports:column_mapping", args=[job.public_id]),
        reverse("imports_api:job_list"),
        reverse("imports_api:job_detail", args=[job.public_id]),
        reverse("imports_api:job_error_report", args=[job.public_id]),
    ]


@pytest.mark.parametrize("role_user", ["provincial_officer", "executive", "agency_staff"])
def test_non_admin_roles_get_403_on_every_page_and_endpoint(
    client, finished_job, role_user, request
):
    client.force_login(request.getfixturevalue(role_user))
    for url in page_urls(finished_job):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("imports_api:job_list"), {}).status_code == 403


@pytest.mark.parametrize("role_user", ["facilitator", "area_manager"])
def test_field_staff_import_surveys_but_never_see_an_admins_job(
    client, finished_job, role_user, request
):
    """Field staff may run the survey import (issue 14): the import pages open for them, an
    admin's registry job answers 404, and the jobs API stays the admins'."""
    client.force_login(request.getfixturevalue(role_user))
    pages, api = page_urls(finished_job)[:6], page_urls(finished_job)[6:]
    assert [client.get(url).status_code for url in pages] == [200, 200, 404, 404, 404, 404]
    for url in api:
        assert client.get(url).status_code == 403, url


def test_a_user_without_assignment_sees_no_jobs(client, finished_job, no_role_user):
    client.force_login(no_role_user)
    response = client.get(reverse("imports:job_list"))
    assert response.status_code == 200
    assert list(response.context["jobs"]) == []
    assert client.get(reverse("imports_api:job_list")).json()["results"] == []
    assert (
        client.get(reverse("imports:job_detail", args=[finished_job.public_id])).status_code == 404
    )
    api_detail = reverse("imports_api:job_detail", args=[finished_job.public_id])
    assert client.get(api_detail).status_code == 404


def test_an_admin_sees_every_job_including_other_admins(client, finished_job, admin_user):
    other_admin = assign(UserFactory(username="admin2"), "admin", None)
    client.force_login(other_admin)
    response = client.get(reverse("imports:job_list"))
    assert [job.pk for job in response.context["jobs"]] == [finished_job.pk]
    assert client.get(reverse("imports_api:job_list")).json()["count"] == 1


def test_the_job_list_queries_are_bounded(
    client, admin_user, tmp_path, django_assert_max_num_queries
):
    for index in range(5):
        create_job(admin_user, write_xlsx(tmp_path / f"f{index}.xlsx", [good_row(index + 1)]))
    client.force_login(admin_user)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("imports:job_list")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("imports_api:job_list")).json()["count"] == 5


def test_upload_page_creates_a_job_and_returns_at_once(client, admin_user, tmp_path):
    client.force_login(admin_user)
    response = client.post(
        reverse("imports:upload"), {"file": xlsx_upload(tmp_path), "dry_run": "on"}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("imports:job_detail", args=[job.public_id])
    assert (job.status, job.dry_run, job.created_by) == (ImportStatus.QUEUED, True, admin_user)


def test_uploads_over_the_limit_are_refused_by_page_and_api(client, admin_user, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    client.force_login(admin_user)
    big = b"a,b\n" * 300_000
    response = client.post(reverse("imports:upload"), {"file": SimpleUploadedFile("big.csv", big)})
    assert response.status_code == 400
    assert "1 MB" in response.content.decode()
    api = client.post(reverse("imports_api:job_list"), {"file": SimpleUploadedFile("big.csv", big)})
    assert api.status_code == 400
    assert ImportJob.objects.count() == 0


def test_a_declared_body_over_the_limit_is_refused_before_reading(client, admin_user, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    client.force_login(admin_user)
    response = client.post(reverse("imports:upload"), {}, CONTENT_LENGTH=str(50 * 1024 * 1024))
    assert response.status_code == 413


def test_only_spreadsheet_names_are_accepted(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("imports:upload"), {"file": SimpleUploadedFile("x.pdf", b"%PDF")}
    )
    assert response.status_code == 400
    assert ImportJob.objects.count() == 0


def test_api_upload_answers_202_with_the_queued_job(client, admin_user, tmp_path):
    client.force_login(admin_user)
    response = client.post(reverse("imports_api:job_list"), {"file": xlsx_upload(tmp_path)})
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued"
    assert body["id"] == str(ImportJob.objects.get().public_id)


def test_the_job_page_groups_errors_and_offers_the_report(client, admin_user, finished_job):
    client.force_login(admin_user)
    response = client.get(reverse("imports:job_detail", args=[finished_job.public_id]))
    html = response.content.decode()
    assert response.context["error_groups"][0]["count"] == 1
    assert "หลักตรวจสอบไม่ตรง" in html  # the Thai message (the UI is Thai by default)
    assert reverse("imports:error_report", args=[finished_job.public_id]) in html
    assert "hx-trigger" not in html  # finished: no more polling


def test_english_readers_get_english_messages(client, admin_user, finished_job):
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    data = client.get(reverse("imports_api:job_detail", args=[finished_job.public_id])).json()
    assert "check digit" in data["error_groups"][0]["message"]


def test_a_running_job_page_polls_for_progress(client, admin_user, tmp_path):
    job = create_job(admin_user, write_xlsx(tmp_path / "q.xlsx", [good_row(1)]))
    ImportJob.objects.filter(pk=job.pk).update(status="validating", rows_total=1000, rows_done=250)
    client.force_login(admin_user)
    html = client.get(reverse("imports:job_progress", args=[job.public_id])).content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert 'value="25"' in html


def test_the_error_report_downloads_as_xlsx(client, admin_user, finished_job):
    client.force_login(admin_user)
    response = client.get(reverse("imports:error_report", args=[finished_job.public_id]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content)[:2] == b"PK"


def test_the_mapping_page_saves_the_layout_and_imports_again(client, admin_user, tmp_path):
    headers = ["เลขที่บัตร", "ชื่อ", "นามสกุล", "ตำบล", "อำเภอ"]
    rows = [[national_id(1), "ก", "ข", "มุกดาหาร", "เมืองมุกดาหาร"]]
    failed = run_in_process(admin_user, write_xlsx(tmp_path / "m.xlsx", rows, headers=headers))
    client.force_login(admin_user)
    url = reverse("imports:column_mapping", args=[failed.public_id])
    assert "เลขที่บัตร" in client.get(url).content.decode()
    fields = ["national_id", "first_name", "last_name", "subdistrict", "district"]
    response = client.post(url, {f"column_{i}": f for i, f in enumerate(fields)})
    assert response.status_code == 302
    assert ColumnMapping.objects.get().mapping["เลขที่บัตร"] == "national_id"
    assert ImportJob.objects.count() == 2


def test_a_dry_run_can_be_imported_for_real(client, admin_user, tmp_path):
    dry = run_in_process(admin_user, write_xlsx(tmp_path / "d.xlsx", [good_row(1)]), dry_run=True)
    client.force_login(admin_user)
    response = client.post(reverse("imports:import_again", args=[dry.public_id]))
    real = ImportJob.objects.exclude(pk=dry.pk).get()
    assert response.url == reverse("imports:job_detail", args=[real.public_id])
    assert (real.dry_run, real.file.name) == (False, dry.file.name)
