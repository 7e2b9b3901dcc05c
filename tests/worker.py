"""Start and stop a real Celery worker process against the test database and the real broker."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from ppaos.celery import app

ROOT = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    """A DATABASE_URL for the database this test run uses (test_<name>, set up by pytest-django)."""
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"


def start_worker(
    *,
    name: str,
    concurrency: int = 1,
    log_path: Path | None = None,
    env: dict[str, str] | None = None,
    queue: str | None = None,
):
    """Start `celery worker` as a child process consuming this run's queues — the default, the
    roll-ups' and the reports' (or only `queue`, comma-separated names); wait until it works.
    `env` adds to or overrides the worker's environment."""
    queue = queue or run_queues()
    base_env = env
    env = os.environ.copy()
    env.update(
        DJANGO_SETTINGS_MODULE="ppaos.settings.test",
        DATABASE_URL=test_database_url(),
        CELERY_TASK_DEFAULT_QUEUE=settings.CELERY_TASK_DEFAULT_QUEUE,
        PYTHONPATH=str(ROOT),
    )
    env.update(base_env or {})
    log_path = log_path or ROOT / "test-results" / f"worker-{name}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "ab")  # noqa: SIM115 - closed in stop_worker
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ppaos",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            str(concurrency),
            "--pool",
            "prefork",
            "--queues",
            queue,
            "--hostname",
            f"{name}-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    process.log_file = log
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"worker exited early; see {log_path}")
        replies = app.control.ping(timeout=1.0, destination=[f"{name}-{os.getpid()}@{_host()}"])
        if replies:
            return process
    stop_worker(process)
    raise RuntimeError(f"worker did not answer within 60 s; see {log_path}")


def run_queues() -> str:
    """This run's queues, as `celery worker --queues` takes them."""
    names = [
        settings.CELERY_TASK_DEFAULT_QUEUE,
        settings.CELERY_ROLLUPS_QUEUE,
        settings.CELERY_REPORTS_QUEUE,
    ]
    return ",".join(dict.fromkeys(names))


def stop_worker(process, *, kill: bool = False) -> None:
    """Stop the worker (SIGTERM, then SIGKILL) and every process it started."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL if kill else signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    process.log_file.close()


def _host() -> str:
    import socket

    return socket.gethostname()
