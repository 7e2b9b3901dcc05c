"""Survey import tests store uploads where the Celery worker reads them (tests/imports)."""

import pytest

from tests.imports.conftest import import_media_root  # noqa: F401 - autouse fixture


@pytest.fixture
def survey_instrument(official_areas):
    """The instrument rows a data migration loads, again after a transactional test's flush
    (worker tests are transactional)."""
    from django.apps import apps as django_apps

    from households.surveys.instrument_loader import load_instrument_v1

    load_instrument_v1(django_apps)
