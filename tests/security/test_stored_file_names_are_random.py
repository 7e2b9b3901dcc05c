"""Files are stored under random names: nothing of the uploader's file name reaches the disk
(it may name a person), and no stored path can be derived from an id seen in a URL."""

import re
from pathlib import Path

import pytest

from ppaos.core.stored_files import RandomStoredName, random_stored_name
from ppaos.imports.models import ImportJob
from tests.security import stored_files
from tests.security.stored_files import UPLOADED_NAME

pytestmark = pytest.mark.django_db
media_root = stored_files.media_root
job_with_report = stored_files.job_with_report

UUID_HEX = r"[0-9a-f]{32}"


def test_the_uploaded_file_is_stored_under_a_random_name(job_with_report):
    stored = Path(job_with_report.file.name)
    assert re.fullmatch(rf"imports/\d{{4}}/\d{{2}}/{UUID_HEX}\.xlsx", job_with_report.file.name)
    for part in ("ทะเบียน", "สมชาย", "ใจดี", "2569", " "):
        assert part not in stored.name
    assert Path(job_with_report.file.path).is_file()
    # The original name is kept for display only.
    assert job_with_report.original_filename == UPLOADED_NAME


def test_the_error_report_name_cannot_be_derived_from_the_job_id(job_with_report):
    name = job_with_report.error_report.name
    assert re.fullmatch(rf"imports/errors/{UUID_HEX}-{UUID_HEX}\.xlsx", name)
    assert name != f"imports/errors/{job_with_report.public_id}.xlsx"
    assert Path(job_with_report.error_report.path).is_file()


def test_every_stored_file_has_a_name_of_its_own(job_with_report, media_root):
    files = sorted(p.name for p in Path(media_root).rglob("*") if p.is_file())
    assert len(files) == len(set(files)) == 2
    assert not any("สมชาย" in name for name in files)


def test_files_stored_before_names_were_random_still_download(client, admin_user, job_with_report):
    from django.urls import reverse

    storage = job_with_report.file.storage
    with job_with_report.file.open("rb") as handle:
        old_name = storage.save("imports/2026/01/" + UPLOADED_NAME, handle)
    ImportJob.objects.filter(pk=job_with_report.pk).update(file=old_name)
    client.force_login(admin_user)
    response = client.get(reverse("imports:uploaded_file", args=[job_with_report.public_id]))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("uploaded", "suffix"),
    [
        ("รายชื่อ.XLSX", "xlsx"),
        ("../../etc/passwd.csv", "csv"),
        ("C:\\Users\\สมชาย\\registry.xls", "xls"),
        ("no-extension", "bin"),
        ("odd.x<script>", "bin"),
    ],
)
def test_random_names_keep_only_a_safe_extension(uploaded, suffix):
    name = random_stored_name("imports/%Y/%m/", uploaded)
    assert re.fullmatch(rf"imports/\d{{4}}/\d{{2}}/{UUID_HEX}\.{suffix}", name)


def test_the_upload_to_is_deconstructible_for_migrations():
    path, args, kwargs = RandomStoredName("imports/errors/").deconstruct()
    assert path == "ppaos.core.stored_files.RandomStoredName"
    assert args == ("imports/errors/",)
    assert RandomStoredName("a/") == RandomStoredName("a/") != RandomStoredName("b/")
