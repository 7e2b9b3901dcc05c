"""Fault tests run real processes (private PostgreSQL/Redis, gunicorn, Celery workers); they are
marked `faults` (and `worker`) and run in CI with the rest of the suite."""

from tests.browser.conftest import survey_instrument  # noqa: F401 - reloaded after a flush
