"""The dashboard served from a real streaming replica (PostgreSQL's own replication).

The test makes a primary cluster (initdb) with this run's schema and data (pg_dump of the test
database), a standby from it with `pg_basebackup -R` on another port, writes on the primary,
waits for the standby to replay it, and runs the app under gunicorn with DATABASE_URL = primary
and DATABASE_REPLICA_URL = standby. With the standby's replay paused and more households written
on the primary, the dashboard shows the standby's figure (so it read from the standby), a browser
that has just written sees the primary's, a write made while reading from the standby lands on
the primary; after replay resumes the dashboard shows the primary's data.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection

from ppaos.db_routers import PIN_COOKIE
from tests.scaling.pg_cluster import BIN, PrimaryAndReplica, free_port
from tests.worker import ROOT

pytestmark = pytest.mark.skipif(
    not (BIN / "pg_basebackup").exists(), reason=f"PostgreSQL server programs not in {BIN}"
)
PIN_SECONDS = 3
HEADLINE = re.compile(
    r'<li class="headline">\s*<span class="label">[^<]*</span>\s*<span class="value">([^<]+)</span>'
)


def households_on_primary(pair) -> int:
    return int(
        pair.primary.sql(
            "SELECT coalesce(sum(value), 0)::int FROM monitoring_arearollup "
            "WHERE area_code = '49' AND fiscal_year = 2568 AND metric = 'hh'"
        )
    )


def scenario(pair, *args) -> dict:
    env = _env(pair)
    result = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("replica_scenario.py")), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _env(pair) -> dict:
    env = os.environ.copy()
    env.update(
        DJANGO_SETTINGS_MODULE="ppaos.settings.test",
        DATABASE_URL=pair.primary.url(),
        DATABASE_REPLICA_URL=pair.replica.url(),
        DATABASE_REPLICA_PIN_SECONDS=str(PIN_SECONDS),
        # The test pauses the standby's replay on purpose and for longer than the default limit
        # (30 s): with it, the router would rightly send every read to the primary.
        DATABASE_REPLICA_MAX_LAG_SECONDS="3600",
        DB_CONN_MAX_AGE="0",
        PYTHONPATH=str(ROOT),
    )
    return env


def copy_test_database(pair) -> None:
    """This run's migrated schema and its rows, into the new primary."""
    s = connection.settings_dict
    dump = subprocess.run(
        [
            "pg_dump",
            "-h",
            s["HOST"],
            "-p",
            str(s["PORT"] or 5432),
            "-U",
            s["USER"],
            "--no-owner",
            "--no-privileges",
            s["NAME"],
        ],  # fmt: skip
        check=True,
        capture_output=True,
        timeout=300,
    )
    subprocess.run(
        [
            str(BIN / "psql"),
            "-h",
            "127.0.0.1",
            "-p",
            str(pair.primary.port),
            "-U",
            "postgres",
            "-d",
            "ppaos",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
        ],  # fmt: skip
        input=dump.stdout,
        check=True,
        capture_output=True,
        timeout=300,
    )


class Browser:
    """Requests with a cookie jar, against the gunicorn the test starts."""

    def __init__(self, port: int):
        import http.client

        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method, path, form=None):
        headers = {"Referer": "http://127.0.0.1/"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            form = {**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, content

    def households_on_dashboard(self) -> int:
        status, html = self.request("GET", "/monitoring/")
        assert status == 200, html[:500]
        match = HEADLINE.search(html)
        assert match, "no headline figure on the dashboard"
        return int(match.group(1).replace(",", ""))


def start_gunicorn(pair, port: int, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "ppaos.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "120",
        ],  # fmt: skip
        cwd=ROOT,
        env=_env(pair),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    import socket

    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited; see {log}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.3)
    os.killpg(process.pid, signal.SIGTERM)
    raise RuntimeError(f"gunicorn did not start; see {log}")


# The database mark names this run's test database in the connection settings (what is copied);
# the test itself writes nothing there.
@pytest.mark.django_db
def test_the_dashboard_is_served_from_a_streaming_replica():
    log = ROOT / "test-results" / "replica-gunicorn.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with PrimaryAndReplica() as pair:
        copy_test_database(pair)
        pair.start_replica()
        # Written after the base backup: it reaches the standby by streaming.
        login = scenario(pair, "seed", "7")
        before = households_on_primary(pair)  # 7, plus any the copied database held
        assert before >= 7
        pair.wait_for_replay()
        assert pair.replica.sql("SELECT pg_is_in_recovery()") == "t"
        assert pair.primary.sql("SELECT pg_is_in_recovery()") == "f"
        assert (
            pair.replica.sql("SELECT count(*) FROM accounts_user WHERE username = 'exec_replica'")
            == "1"
        )
        assert pair.replica.sql("SELECT status FROM pg_stat_wal_receiver") == "streaming"

        port = free_port()
        server = start_gunicorn(pair, port, log)
        try:
            browser = Browser(port)
            browser.request("GET", "/login/")
            status, _ = browser.request(
                "POST", "/login/", {"username": login["username"], "password": login["password"]}
            )
            assert status == 302
            assert browser.households_on_dashboard() == before

            # The standby stops replaying; the primary gets 4 more households.
            pair.replica.sql("SELECT pg_wal_replay_pause()")
            scenario(pair, "add", "4")
            after = before + 4
            assert households_on_primary(pair) == after

            # A browser that has just written reads the primary: it sees its own change.
            status, _ = browser.request("POST", "/i18n/setlang/", {"language": "th", "next": "/"})
            assert status == 302 and PIN_COOKIE in browser.cookies
            assert browser.households_on_dashboard() == after
            # Without the pin the dashboard reads the standby, which has not replayed the change.
            del browser.cookies[PIN_COOKIE]
            assert browser.households_on_dashboard() == before
            # The pin ends on its own after DATABASE_REPLICA_PIN_SECONDS.
            browser.request("POST", "/i18n/setlang/", {"language": "th", "next": "/"})
            assert browser.households_on_dashboard() == after
            time.sleep(PIN_SECONDS + 1.5)
            assert browser.households_on_dashboard() == before

            # Reading from the standby and then saving: the write lands on the primary.
            written = scenario(pair, "write-under-replica")
            assert written == {
                "alias": "replica",
                "user_alias": "default",
                "read_from": "replica",
                "written_to": "default",
                "replica_in_recovery": True,
                "primary_in_recovery": False,
                "name_on_primary": "บันทึกที่ต้นทาง",
            }

            # Replay resumes: the standby catches up and the dashboard shows the primary's data.
            pair.replica.sql("SELECT pg_wal_replay_resume()")
            pair.wait_for_replay()
            del browser.cookies[PIN_COOKIE]
            assert browser.households_on_dashboard() == after
            assert (
                pair.replica.sql("SELECT name_en FROM areas_area WHERE code = '49'") == "บันทึกที่ต้นทาง"
            )
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        root = pair.root
    assert not root.exists()  # both clusters stopped and removed
