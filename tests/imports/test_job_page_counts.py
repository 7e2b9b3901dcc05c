"""The job page and the jobs list write counts with thousands separators, and name what a
kind's rows are (a survey file's rows are its households and its members)."""

import pytest
from django.urls import reverse
from django.utils import translation

from ppaos.imports.models import ImportStatus
from tests.households.survey_import.files import household, write_template_xlsx
from tests.imports.files import good_row, write_xlsx
from tests.imports.helpers import run_in_process, upload

pytestmark = pytest.mark.django_db


def test_a_million_row_job_shows_its_counts_with_thousands_separators(client, admin_user, tmp_path):
    job = run_in_process(admin_user, write_xlsx(tmp_path / "r.xlsx", [good_row(1)]))
    type(job).objects.filter(pk=job.pk).update(
        rows_total=1_000_000, created_count=987_654, updated_count=1_234, unchanged_count=0,
        rejected_count=11_112,
    )  # fmt: skip
    client.force_login(admin_user)
    page = client.get(reverse("imports:job_detail", args=[job.public_id])).content.decode()
    for shown in ("1,000,000", "987,654", "1,234", "11,112"):
        assert f">{shown}</strong>" in page, shown
    listing = client.get(reverse("imports:job_list")).content.decode()
    assert "987,654" in listing and "11,112" in listing


def test_a_survey_job_counts_its_rows_as_households_and_members(client, facilitator, tmp_path):
    from ppaos.imports import services

    path = write_template_xlsx(tmp_path / "s.xlsx", [household(n) for n in (1, 2)])
    job = services.create_import_job(actor=facilitator, uploaded_file=upload(path), kind="surveys")
    services.run_import_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.SUCCEEDED
    assert job.rows_total == 2 + 6  # two households, three members each
    client.force_login(facilitator)
    with translation.override("th"):
        page = client.get(
            reverse("imports:job_detail", args=[job.public_id]), HTTP_ACCEPT_LANGUAGE="th"
        ).content.decode()
    assert 'แถว (ครัวเรือนและสมาชิก)<strong data-testid="count-total">8</strong>' in page


def test_batches_cut_beside_the_members_header_lose_no_row(facilitator, tmp_path, monkeypatch):
    """The members table's header and the end of the file are rows of the stream that are not
    counted: a batch that holds one is still a full batch, not the last."""
    from ppaos.imports import services

    path = write_template_xlsx(tmp_path / "s.xlsx", [household(n) for n in range(1, 6)])
    for size in (2, 3, 5, 6):
        monkeypatch.setenv("IMPORT_BATCH_ROWS", str(size))
        job = services.create_import_job(
            actor=facilitator, uploaded_file=upload(path), kind="surveys", dry_run=True
        )
        services.run_import_job(job_id=job.pk)
        job.refresh_from_db()
        assert (job.status, job.rows_total, job.created_count, job.rejected_count) == (
            ImportStatus.SUCCEEDED, 5 + 15, 5, 0,
        ), size  # fmt: skip
