"""Survey import tests store uploads where the Celery worker reads them (tests/imports)."""

from tests.imports.conftest import import_media_root  # noqa: F401 - autouse fixture
