"""A worker SIGKILLed in the middle of the dashboard's roll-up (monitoring/rollup.py): the
figures the dashboard shows stay the old ones, whole (no half-swapped table), and running the
roll-up again gives exactly what a clean run gives."""

import time
import uuid
from contextlib import closing

import psycopg2
import pytest
from django.db import connection

from monitoring import rollup
from monitoring.models import AreaRollup
from monitoring.tasks import full_rebuild as full_rebuild_task
from tests.monitoring.builders import household, result
from tests.worker import start_worker, stop_worker

pytestmark = [pytest.mark.faults, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _figures():
    return {(r.area_code, r.fiscal_year, r.metric): r.value for r in AreaRollup.objects.all()}


def _test_db():
    s = connection.settings_dict
    return psycopg2.connect(dbname=s["NAME"], user=s["USER"], host=s["HOST"], port=s["PORT"])


def _waiting_for_swap() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
            "AND objid = %s::oid",
            [rollup.LOCK_KEY],
        )
        return cursor.fetchone()[0] > 0


def test_a_rollup_killed_part_way_keeps_the_old_figures_and_reruns_the_same(
    villages, survey_instrument
):
    for code, level in (("49010101", "in_hardship"), ("49010102", "struggling")):
        result(household(code, [{}, {}]), 2567, level, target_poor=level == "in_hardship")
    rollup.full_rebuild()
    before = _figures()
    assert before
    for code, level in (("49010101", "getting_by"), ("49020101", "in_hardship")):
        result(household(code, [{}]), 2568, level)

    queue = f"ppaos-test-rollup-kill-{uuid.uuid4().hex[:8]}"
    worker = start_worker(name="rollup-kill", queue=queue)
    killed = False
    with closing(_test_db()) as holder:
        holder.autocommit = True
        with holder.cursor() as cursor:
            # Hold the roll-up's writer lock: the worker's rebuild transaction waits for it
            # (taken before the records are read, held to the swap) — mid-way through the
            # task, where it is killed.
            cursor.execute("SELECT pg_advisory_lock(%s)", [rollup.LOCK_KEY])
        try:
            full_rebuild_task.apply_async(queue=queue)
            deadline = time.monotonic() + 60
            while not _waiting_for_swap():
                assert time.monotonic() < deadline, "the roll-up never reached its swap"
                time.sleep(0.05)
            stop_worker(worker, kill=True)  # SIGKILL
            killed = True
        finally:
            if not killed:
                stop_worker(worker)
    # The lock is free again; the killed worker's transaction never committed.
    deadline = time.monotonic() + 20
    while _waiting_for_swap() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _figures() == before  # the dashboard still reads the old figures, whole

    worker = start_worker(name="rollup-rerun", queue=queue)
    try:
        full_rebuild_task.apply_async(queue=queue).get(timeout=60)
    finally:
        stop_worker(worker)
    rerun = _figures()
    rollup.full_rebuild()  # the reference: one clean run in this process
    assert rerun == _figures() != before
    assert any(area == "49020101" and year == 2568 for area, year, _ in rerun)
