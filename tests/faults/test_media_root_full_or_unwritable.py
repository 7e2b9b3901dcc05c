"""MEDIA_ROOT full (a 64 KiB tmpfs) or unwritable (a file where the folder should be) when an
admin uploads an import through gunicorn: a clear Thai message, no job row and no part-written
file. Root ignores chmod, so a read-only folder would prove nothing here."""

import os
import subprocess
import tempfile
from pathlib import Path

import pytest
import requests

from ppaos.imports.models import ImportJob
from tests import worker as worker_helpers
from tests.faults.processes import Gunicorn, api_token_for, service_env
from tests.imports.files import good_row, write_xlsx

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

MESSAGE = "พื้นที่จัดเก็บไฟล์ของเซิร์ฟเวอร์เต็มหรือเขียนไม่ได้"


def _tiny_mount(path: Path) -> bool:
    if os.geteuid() != 0:
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(path)], capture_output=True
    )
    return done.returncode == 0


@pytest.fixture(params=["disk_full", "not_a_folder"])
def broken_media_root(request):
    root = Path(tempfile.mkdtemp(prefix="ppaos-media-"))
    mounted = False
    if request.param == "disk_full":
        mounted = _tiny_mount(root)
        if not mounted:  # not root, or no mount allowed: a file blocks the folder instead
            (root / "imports").write_text("not a folder")
    else:
        (root / "imports").write_text("not a folder")
    yield root
    if mounted:
        subprocess.run(["umount", str(root)], check=True)
    subprocess.run(["rm", "-rf", str(root)], check=True)


def _files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_an_upload_that_cannot_be_stored_says_so_and_leaves_nothing(
    admin_user, tmp_path, broken_media_root
):
    token = api_token_for(admin_user)
    before = _files_under(broken_media_root)
    env = service_env(
        database_url=worker_helpers.test_database_url(), MEDIA_ROOT=str(broken_media_root)
    )
    web = Gunicorn(env, "media-web").start()
    try:
        path = write_xlsx(tmp_path / "big.xlsx", [good_row(n) for n in range(1, 4001)])
        assert path.stat().st_size > 64 * 1024
        with open(path, "rb") as upload:
            answer = requests.post(
                f"{web.base}/api/v1/imports/jobs/",
                headers={"Authorization": f"Token {token}", "Accept-Language": "th"},
                files={"file": ("big.xlsx", upload)},
                timeout=60,
            )
    finally:
        web.stop()
    assert answer.status_code == 503, answer.text
    assert MESSAGE in answer.json()["file"][0]
    assert "Traceback" not in answer.text and "Errno" not in answer.text
    assert ImportJob.objects.count() == 0
    assert _files_under(broken_media_root) == before  # no part-written upload
