import os

import pytest

from ppaos.celery import app
from ppaos.core.tasks import ping

pytestmark = [pytest.mark.worker, pytest.mark.django_db]


def test_task_runs_on_a_real_worker_through_the_broker(celery_worker):
    assert not app.conf.task_always_eager
    assert app.conf.broker_url.startswith("redis://")
    result = ping.delay().get(timeout=30)
    assert result["pid"] != os.getpid()  # another process: the worker, not eager mode
    # The worker read the test database: the official areas loaded by the migrations.
    assert result["areas"]["province"] == 77
