"""The Celery app. Tasks are thin: each calls a service (DESIGN.md §4)."""

import os

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger

from ppaos.core.log_redaction import add_redaction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ppaos.settings.base")

app = Celery("ppaos")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["ppaos.core"], related_name="tasks")


def _add_worker_steps() -> None:
    from ppaos.imports.worker_steps import RequeueWaitingImports

    app.steps["consumer"].add(RequeueWaitingImports)


_add_worker_steps()


@after_setup_logger.connect
@after_setup_task_logger.connect
def redact_worker_logs(logger, **kwargs):
    """The worker sets up its own log handlers: they redact personal data too (an exception from
    PostgreSQL names the offending value)."""
    add_redaction(logger)
