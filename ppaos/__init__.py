"""PPAOS project package: settings, URLs, the Celery app and the small shared core."""

from .celery import app as celery_app

__all__ = ["celery_app"]
