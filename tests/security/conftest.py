"""The security tests' world (users, areas, records: `access_world.py`), built once per module."""

import pytest
from django.db import transaction
from django.test import override_settings

from .access_world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Every user and record, built once; rolled back when the module ends."""
    media = tmp_path_factory.mktemp("matrix-media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(media)),
        transaction.atomic(),
    ):
        yield build_world()
        transaction.set_rollback(True)
