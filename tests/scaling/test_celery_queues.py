"""Roll-ups and reports have their own Celery queues (so their workers can run on other hosts);
the test run's queues carry its prefix, and a worker consuming only the roll-up queue runs the
roll-up."""

import uuid

import pytest
from django.conf import settings

from monitoring.models import RollupRefresh
from monitoring.tasks import full_rebuild
from ppaos.celery import app
from tests.worker import ROOT, run_queues, start_worker, stop_worker


def queue_of(task_name: str) -> str:
    route = app.amqp.router.route({}, task_name)
    return route["queue"].name


def test_tasks_are_routed_to_their_queues():
    assert queue_of("monitoring.full_rebuild") == settings.CELERY_ROLLUPS_QUEUE
    assert queue_of("monitoring.drain_pending_villages") == settings.CELERY_ROLLUPS_QUEUE
    assert queue_of("monitoring.generate_report") == settings.CELERY_REPORTS_QUEUE
    assert queue_of("monitoring.build_xlsx_report") == settings.CELERY_REPORTS_QUEUE
    assert queue_of("referrals.send_overdue_reminders") == settings.CELERY_TASK_DEFAULT_QUEUE
    assert queue_of("ppaos.imports.run_import") == settings.CELERY_TASK_DEFAULT_QUEUE


def test_the_runs_queues_carry_its_prefix():
    prefix = settings.CELERY_TASK_DEFAULT_QUEUE
    assert prefix.startswith("ppaos-test-")
    assert f"{prefix}-rollups" == settings.CELERY_ROLLUPS_QUEUE
    assert f"{prefix}-reports" == settings.CELERY_REPORTS_QUEUE
    assert run_queues().split(",") == [
        prefix,
        settings.CELERY_ROLLUPS_QUEUE,
        settings.CELERY_REPORTS_QUEUE,
    ]


@pytest.mark.django_db(transaction=True)
def test_a_worker_on_the_rollup_queue_alone_runs_the_rebuild(villages):
    queue = settings.CELERY_ROLLUPS_QUEUE
    log = ROOT / "test-results" / f"worker-rollups-{uuid.uuid4().hex[:8]}.log"
    # The run's session worker (started by an earlier test) consumes every queue of the run: it is
    # told to leave the roll-up queue for the time of this test, so the one worker tested runs it.
    others = [
        hostname
        for reply in app.control.cancel_consumer(queue, reply=True, timeout=2.0)
        for hostname in reply
    ]
    worker = start_worker(name="rollups-only", queue=queue, log_path=log)
    try:
        result = full_rebuild.delay()
        assert result.get(timeout=120) >= 0
    finally:
        stop_worker(worker)
        if others:
            app.control.add_consumer(queue, destination=others, reply=True, timeout=2.0)
    # (a drain debounced by an earlier test may also have run meanwhile: at least this one)
    assert RollupRefresh.objects.filter(kind=RollupRefresh.Kind.FULL).exists()
    text = log.read_text(errors="replace")
    assert f"monitoring.full_rebuild[{result.id}] received" in text
    assert settings.CELERY_ROLLUPS_QUEUE in text  # the queue it was told to consume
