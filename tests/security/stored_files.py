"""A real import job with an uploaded file and an error report, for the stored-file tests."""

import pytest

from tests.imports.files import bad_checksum, good_row, write_xlsx
from tests.imports.helpers import run_in_process

# An uploader may name a file after the people in it; none of this may reach a disk path,
# an audit row or a URL of its own.
UPLOADED_NAME = "ทะเบียน สมชาย ใจดี 2569.xlsx"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT


@pytest.fixture
def job_with_report(media_root, admin_user, tmp_path):
    bad = good_row(9)
    bad[1] = bad_checksum(bad[1])
    path = write_xlsx(tmp_path / "source.xlsx", [good_row(1), bad])
    job = run_in_process(admin_user, path, name=UPLOADED_NAME)
    assert job.error_report, "the job should have rejected a row"
    return job
