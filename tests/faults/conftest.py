"""Fault tests run real processes (private PostgreSQL/Redis, gunicorn, Celery workers); they are
marked `faults` (and `worker`) and run in CI with the rest of the suite."""
