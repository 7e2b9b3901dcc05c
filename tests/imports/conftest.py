"""Import tests store uploads in one temporary MEDIA_ROOT shared with the Celery worker.

The worker is a separate process that reads MEDIA_ROOT from its environment, so the directory
is chosen when this file is collected (before any worker starts) and put in os.environ; the
`settings` fixture points this process at the same directory.
"""

import atexit
import os
import shutil
import tempfile

import pytest

_MEDIA_ROOT = os.environ.get("PPAOS_TEST_IMPORT_MEDIA_ROOT") or tempfile.mkdtemp(
    prefix="ppaos-import-media-"
)
os.environ["PPAOS_TEST_IMPORT_MEDIA_ROOT"] = _MEDIA_ROOT
os.environ["MEDIA_ROOT"] = _MEDIA_ROOT
atexit.register(shutil.rmtree, _MEDIA_ROOT, ignore_errors=True)


@pytest.fixture(autouse=True)
def import_media_root(settings):
    settings.MEDIA_ROOT = _MEDIA_ROOT
    return _MEDIA_ROOT
