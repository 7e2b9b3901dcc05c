"""Files stored before names were random are renamed by migration imports 0004: no uploader's
file name stays on disk, and every job still finds its files."""

import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from ppaos.imports.models import ImportJob
from tests.security import stored_files

pytestmark = pytest.mark.django_db
media_root = stored_files.media_root

migration = importlib.import_module(
    "ppaos.imports.migrations.0004_rename_stored_files_to_random_names"
)


def legacy_job(admin, file_name, report_name=""):
    return ImportJob.objects.create(
        created_by=admin,
        kind="welfare_registry",
        file=file_name,
        original_filename=Path(file_name).name,
        error_report=report_name,
    )


def test_old_names_are_replaced_by_random_ones(
    admin_user, media_root, django_capture_on_commit_callbacks
):
    upload = default_storage.save("imports/2026/01/ทะเบียน สมชาย.xlsx", ContentFile(b"upload"))
    first = legacy_job(admin_user, upload)
    report = default_storage.save(f"imports/errors/{first.public_id}.xlsx", ContentFile(b"rep"))
    ImportJob.objects.filter(pk=first.pk).update(error_report=report)
    again = legacy_job(admin_user, upload)  # "import again" shares the stored file

    with django_capture_on_commit_callbacks(execute=True):
        migration.rename_stored_files(apps, None)

    first.refresh_from_db()
    again.refresh_from_db()
    assert re.fullmatch(r"imports/2026/01/[0-9a-f]{32}\.xlsx", first.file.name)
    assert again.file.name == first.file.name
    assert first.file.read() == b"upload"
    assert first.error_report.name.startswith(f"imports/errors/{first.public_id.hex}-")
    assert first.error_report.read() == b"rep"
    on_disk = [p.name for p in Path(media_root).rglob("*") if p.is_file()]
    assert len(on_disk) == 2
    assert not any("สมชาย" in name or str(first.public_id) in name for name in on_disk)
    assert first.original_filename == "ทะเบียน สมชาย.xlsx"  # still shown on the job


def test_a_missing_file_is_left_as_it_is(admin_user, media_root):
    job = legacy_job(admin_user, "imports/2025/12/gone.xlsx")
    migration.rename_stored_files(apps, None)
    job.refresh_from_db()
    assert job.file.name == "imports/2025/12/gone.xlsx"


def test_random_names_are_left_alone(admin_user, media_root, django_capture_on_commit_callbacks):
    name = default_storage.save(f"imports/2026/12/{'a' * 32}.csv", ContentFile(b"x"))
    job = legacy_job(admin_user, name)
    with django_capture_on_commit_callbacks(execute=True):
        migration.rename_stored_files(apps, None)
    job.refresh_from_db()
    assert job.file.name == name
