"""The Celery app. Tasks are thin: each calls a service (DESIGN.md §4)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ppaos.settings.base")

app = Celery("ppaos")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["ppaos.core"], related_name="tasks")
