"""Settings for pytest: the real PostgreSQL and Redis, fast password hashing."""

import os

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}

# Each test run gets its own queue, so a worker started by another run on this machine (another
# developer, CI) never takes this run's tasks.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", f"ppaos-test-{os.getpid()}")
# The roll-up and report queues carry the run's prefix too (a worker started by tests/worker.py
# inherits CELERY_TASK_DEFAULT_QUEUE, so it derives the same names).
_prefix = CELERY_TASK_DEFAULT_QUEUE
CELERY_ROLLUPS_QUEUE = os.environ.get("CELERY_ROLLUPS_QUEUE", f"{_prefix}-rollups")
CELERY_REPORTS_QUEUE = os.environ.get("CELERY_REPORTS_QUEUE", f"{_prefix}-reports")
CELERY_TASK_ROUTES = celery_task_routes(CELERY_ROLLUPS_QUEUE, CELERY_REPORTS_QUEUE)  # noqa: F405
# The cache keys carry the same prefix: two test runs (or the two processes of one run, or the
# demo app) on this Redis never read each other's throttle counters or cached figures.
CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": _prefix}}  # noqa: F405

# Importers declared by a test (dotted paths, comma-separated), for the Celery worker that test
# starts: it reads them from its environment (tests/imports/test_importer_protocol.py).
IMPORTERS = [path for path in os.environ.get("PPAOS_TEST_IMPORTERS", "").split(",") if path]

# The roll-ups' debounced drain (monitoring.rollup._schedule_drain) is scheduled an hour ahead:
# a drain scheduled by one test's commit would otherwise run on the session's Celery worker
# 30 s later, in the middle of another test, and empty the change log that test is checking.
# Tests run the drain themselves (monitoring.rollup.drain_pending) where they need one.
MONITORING_DEBOUNCE_SECONDS = 3600
