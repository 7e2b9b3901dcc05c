"""Running the load scenario: gunicorn and a Celery worker on a database, Locust headless
against them, and the figures read from Locust's CSV (used by run.py and the CI test)."""

from __future__ import annotations

import csv
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[2]
LOCUSTFILE = Path(__file__).with_name("locustfile.py")


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_env(
    *, database_url: str, media_root: str, queue: str, settings: str, secret_key: str = ""
) -> dict:
    env = os.environ.copy()
    env.update(
        DJANGO_SETTINGS_MODULE=settings,
        DATABASE_URL=database_url,
        MEDIA_ROOT=media_root,
        CELERY_TASK_DEFAULT_QUEUE=queue,
        DEBUG="false",
        PPAOS_HTTPS="false",
        SECRET_KEY=secret_key or env.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONPATH=str(ROOT),
    )
    return env


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    log.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=open(log, "ab"),  # noqa: SIM115
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def start_gunicorn(env: dict, port: int, workers: int, log: Path) -> subprocess.Popen:
    process = start(
        [sys.executable, "-m", "gunicorn", "ppaos.wsgi", "-c", "python:ppaos.gunicorn_conf",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "120"],
        env, log,
    )  # fmt: skip
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited; see {log}")
        try:
            urlopen(f"http://127.0.0.1:{port}/login/", timeout=10).read()
            return process
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise RuntimeError("gunicorn did not answer")


def start_worker(env: dict, queue: str, log: Path) -> subprocess.Popen:
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_bytes(b"")
    process = start(
        [sys.executable, "-m", "celery", "-A", "ppaos", "worker", "--loglevel", "INFO",
         "--concurrency", "1", "--queues", queue, "--hostname", f"load-{os.getpid()}@%h",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        env, log,
    )  # fmt: skip
    deadline = time.monotonic() + 90
    while b" ready." not in log.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            raise RuntimeError(f"worker not ready; see {log}")
        time.sleep(0.2)
    return process


def run_locust(
    *,
    host: str,
    users: int,
    seconds: int,
    prefix: Path,
    data: Path,
    import_file: Path | None,
    run: int = 0,
    runs: int = 1,
) -> dict[str, dict]:
    """Run the scenario headless; returns {request name: {requests, failures, p50, p95}}
    (milliseconds), with the "Aggregated" line under that name."""
    env = os.environ.copy()
    env.update(
        LOAD_DATA=str(data),
        LOAD_IMPORT_FILE=str(import_file or ""),
        LOAD_RUN=str(run),
        LOAD_RUNS=str(runs),
    )
    prefix.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", host,
         "--users", str(users), "--spawn-rate", str(max(1, users // 2)),
         "--run-time", f"{seconds}s", "--stop-timeout", "10", "--csv", str(prefix),
         "--only-summary", "--exit-code-on-error", "0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=seconds + 180,
    )  # fmt: skip
    stats_path = Path(f"{prefix}_stats.csv")
    if not stats_path.exists():
        raise RuntimeError(f"locust wrote no stats:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    figures = {}
    with open(stats_path, newline="") as handle:
        for row in csv.DictReader(handle):
            figures[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50": float(row["50%"] or 0),
                "p95": float(row["95%"] or 0),
            }
    # A task that raised (not a failed request) is an error of the scenario too.
    exceptions_path = Path(f"{prefix}_exceptions.csv")
    figures["_exceptions"] = 0
    if exceptions_path.exists():
        with open(exceptions_path, newline="") as handle:
            rows = list(csv.DictReader(handle))
        figures["_exceptions"] = sum(int(row["Count"]) for row in rows)
        figures["_exceptions_text"] = "\n".join(row["Message"] for row in rows)
    failures_path = Path(f"{prefix}_failures.csv")
    figures["_failures_text"] = failures_path.read_text() if failures_path.exists() else ""
    figures["_log"] = done.stderr[-4000:]
    return figures
