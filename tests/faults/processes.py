"""Real processes for the fault tests: a private PostgreSQL cluster and a private Redis (never
the machine's shared servers, which other runs use), gunicorn and Celery workers against them."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

import requests
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("PPAOS_PG_BIN", "/usr/lib/postgresql/15/bin"))
LOGS = ROOT / "test-results" / "faults"


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(command: list[str]) -> list[str]:
    """initdb and pg_ctl refuse to run as root (CI runs as root): run them as postgres."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class PrivatePostgres:
    """A throw-away PostgreSQL 15 cluster in a temp folder, on a free port, with one database
    restored from the test database (schema, migrations and the rows the test committed)."""

    def __init__(self, name: str = "ppaos_fault"):
        self.name = name
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="ppaos-pg-"))
        self.data = self.dir / "data"
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.name}"

    def _options(self) -> str:
        return f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"

    def _ctl(self, *args: str) -> None:
        subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-w", *args]),
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip

    def start(self) -> PrivatePostgres:
        subprocess.run(
            _as_postgres([str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust",
                          "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"]),
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        self._ctl("-o", self._options(), "-l", str(self.dir / "server.log"), "start")
        return self

    def copy_test_database(self) -> None:
        """The test database as it is now (committed rows), restored into the private cluster."""
        s = connection.settings_dict
        dump = self.dir / "copy.dump"
        subprocess.run(
            ["pg_dump", "-h", s["HOST"], "-p", str(s["PORT"] or 5432), "-U", s["USER"],
             "-Fc", "--no-owner", "-f", str(dump), s["NAME"]],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        host = ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
        subprocess.run(["createdb", *host, self.name], check=True, timeout=30)
        subprocess.run(
            ["pg_restore", *host, "--no-owner", "--exit-on-error", "-d", self.name, str(dump)],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip

    def restart(self) -> None:
        self._ctl("-m", "fast", "-o", self._options(), "restart")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._ctl("-m", "immediate", "stop")

    def query(self, sql: str, params=()):
        import psycopg2

        with (
            closing(
                psycopg2.connect(
                    dbname=self.name, user="postgres", host="127.0.0.1", port=self.port
                )
            ) as db,
            db.cursor() as cursor,
        ):
            cursor.execute(sql, params)
            return cursor.fetchall()

    def cleanup(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


class PrivateRedis:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> PrivateRedis:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def service_env(*, database_url: str, broker_url: str | None = None, **extra) -> dict:
    """The environment of a gunicorn or worker process of a fault test."""
    env = os.environ.copy()
    env.update(
        DJANGO_SETTINGS_MODULE="ppaos.settings.test",
        DATABASE_URL=database_url,
        CELERY_TASK_DEFAULT_QUEUE=settings.CELERY_TASK_DEFAULT_QUEUE,
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        DEBUG="false",
        PYTHONPATH=str(ROOT),
    )
    if broker_url:
        env.update(CELERY_BROKER_URL=broker_url, CELERY_RESULT_BACKEND=broker_url)
    env.update({k: str(v) for k, v in extra.items()})
    return env


def _log(name: str):
    LOGS.mkdir(parents=True, exist_ok=True)
    return open(LOGS / f"{name}.log", "ab")  # noqa: SIM115 - closed by stop()


class Gunicorn:
    def __init__(self, env: dict, name: str):
        self.port = free_port()
        self.env = env
        self.name = name
        self.process = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Gunicorn:
        self.log = _log(self.name)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "ppaos.wsgi", "-c", "python:ppaos.gunicorn_conf",
             "--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--timeout", "60"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {LOGS / self.name}.log")
            try:
                requests.get(self.base + "/login/", timeout=10)
                return self
            except requests.RequestException:
                time.sleep(0.1)
        self.stop()  # never left behind by a test that failed to start it
        raise RuntimeError("gunicorn did not answer")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def session_cookie_for(user) -> dict:
    """A signed-in session of `user` (in the test database, so copied with it)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


def api_token_for(user) -> str:
    from knox.models import AuthToken

    return AuthToken.objects.create(user)[1]


class Worker:
    """A Celery worker on a broker the test process's app does not use (so no ping): ready
    when its log says so."""

    def __init__(self, env: dict, name: str, queue: str | None = None):
        self.env, self.name = env, name
        self.queue = queue or settings.CELERY_TASK_DEFAULT_QUEUE
        self.process = None

    def start(self) -> Worker:
        path = LOGS / f"{self.name}.log"
        LOGS.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
        self.log = open(path, "ab")  # noqa: SIM115 - closed by stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "ppaos", "worker", "--loglevel", "INFO",
             "--concurrency", "1", "--pool", "prefork", "--queues", self.queue,
             "--hostname", f"{self.name}-{os.getpid()}@%h", "--without-gossip",
             "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited; see {path}")
            if b" ready." in path.read_bytes():
                return self
            time.sleep(0.1)
        raise RuntimeError(f"worker not ready; see {path}")

    def log_text(self) -> str:
        return (LOGS / f"{self.name}.log").read_text(errors="replace")

    def stop(self, *, kill: bool = False) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL if kill else signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()
