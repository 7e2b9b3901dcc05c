"""The bombs of the hostile corpus sent to a real Celery worker: each fails with its message,
the worker's peak memory stays under 1 GiB, and the time each took is printed (the outcome is
asserted, not the timing: the machine is shared)."""

import time
import uuid
from pathlib import Path

import pytest

from ppaos.imports.models import ImportStatus
from tests.imports.helpers import create_job
from tests.imports.hostile_files import CASES, Failed
from tests.imports.test_worker_guarantees import wait_for
from tests.worker import start_worker, stop_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BOMBS = [case for case in CASES if case.bomb]
MEMORY_BOUND_KIB = 1 << 20  # 1 GiB


def worker_peak_kib(pid: int) -> int:
    """Highest VmHWM among the worker and its prefork children (a child runs the job)."""
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    peak = 0
    for each in pids:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except FileNotFoundError:
            pass
    return peak


def test_bombs_fail_fast_in_a_real_worker_that_stays_under_its_memory_bound(
    admin_user, tmp_path, settings
):
    assert len(BOMBS) >= 8
    queue = f"ppaos-test-import-bombs-{uuid.uuid4().hex[:8]}"
    settings.IMPORT_TASK_QUEUE = queue
    files = [(case, case.build(tmp_path)) for case in BOMBS]
    worker = start_worker(name="import-bombs", queue=queue)
    try:
        baseline = worker_peak_kib(worker.pid)
        for case, path in files:
            began = time.monotonic()
            job = wait_for(create_job(admin_user, path), timeout=120)
            print(f"{case.name}: {job.error_code} in {time.monotonic() - began:.1f} s")
            assert isinstance(case.expected, Failed)
            assert (job.status, job.error_code) == (ImportStatus.FAILED, case.expected.code)
            assert job.error_message_th and job.error_message
        peak = worker_peak_kib(worker.pid)
    finally:
        stop_worker(worker)
    print(f"worker peak memory {peak / 1024:.0f} MiB (at start {baseline / 1024:.0f} MiB)")
    assert peak < MEMORY_BOUND_KIB
