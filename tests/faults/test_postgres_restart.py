"""PostgreSQL restarted while people use the site and an import runs (a private cluster: the
machine's shared server is never touched). Requests during the outage answer our 503 page (no
traceback) and succeed again after; the import, cut part-way, runs again from its file by itself
and ends with every row once."""

import threading
import time
import uuid

import pytest
import requests

from tests.factories import household_with_head
from tests.faults.processes import (
    Gunicorn,
    PrivatePostgres,
    api_token_for,
    service_env,
    session_cookie_for,
)
from tests.imports.files import bad_checksum, good_row, write_xlsx
from tests.worker import start_worker, stop_worker

pytestmark = [pytest.mark.faults, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROWS, EVERY = 1500, 50  # every 50th row has a bad national ID: 1470 good rows


def _rows():
    rows = []
    for n in range(1, ROWS + 1):
        row = good_row(n, village=1 + n % 12)
        if n % EVERY == 0:
            row[1] = bad_checksum(row[1])
        rows.append(row)
    return rows


def _job(pg, public_id):
    return pg.query(
        "SELECT status, rows_done, rows_total, rejected_count FROM imports_importjob "
        "WHERE public_id = %s",
        [public_id],
    )[0]


class Poller(threading.Thread):
    """Opens a household page every 50 ms and records each answer."""

    def __init__(self, url, cookies):
        super().__init__(daemon=True)
        self.url, self.cookies = url, cookies
        self.answers: list[tuple[int, str]] = []
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            try:
                answer = requests.get(self.url, cookies=self.cookies, timeout=10)
                self.answers.append((answer.status_code, answer.text))
            except requests.RequestException as error:  # the server itself must not fail
                self.answers.append((0, repr(error)))
            time.sleep(0.05)


def test_requests_and_an_import_survive_a_postgres_restart(facilitator, admin_user, tmp_path):
    household = household_with_head()
    cookies = session_cookie_for(facilitator)
    token = api_token_for(admin_user)
    pg = PrivatePostgres().start()
    web = worker = None
    try:
        pg.copy_test_database()
        # Queues of its own: the run's session worker reads the test database, not this cluster,
        # and would take the job and find nothing.
        queue = f"ppaos-test-pg-restart-{uuid.uuid4().hex[:8]}"
        env = service_env(
            database_url=pg.url,
            IMPORT_BATCH_ROWS=100,
            IMPORT_BATCH_PAUSE=0.1,
            CELERY_TASK_DEFAULT_QUEUE=queue,
            CELERY_ROLLUPS_QUEUE=f"{queue}-rollups",
            CELERY_REPORTS_QUEUE=f"{queue}-reports",
        )
        web = Gunicorn(env, "pg-restart-web").start()
        worker = start_worker(
            name="pg-restart", env=env, queue=f"{queue},{queue}-rollups,{queue}-reports"
        )
        page = f"{web.base}/households/h/{household.public_id}/"
        assert requests.get(page, cookies=cookies, timeout=10).status_code == 200

        path = write_xlsx(tmp_path / "registry.xlsx", _rows())
        with open(path, "rb") as upload:
            made = requests.post(
                f"{web.base}/api/v1/imports/jobs/",
                headers={"Authorization": f"Token {token}"},
                files={"file": ("registry.xlsx", upload)},
                timeout=30,
            )
        assert made.status_code == 202, made.text
        job_id = made.json()["id"]
        # The worker takes the job within seconds on a quiet machine; a loaded CI host is given
        # time (the assertion below says which state it was left in).
        deadline = time.monotonic() + 120
        while _job(pg, job_id)[1] < 200 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _job(pg, job_id)[0] in ("validating", "importing")

        poller = Poller(page, cookies)
        poller.start()
        # The restart, in its two halves, with the server away for two seconds in between.
        pg._ctl("-m", "fast", "stop")
        time.sleep(2)
        down = requests.get(page, cookies=cookies, timeout=10)
        api_down = requests.get(
            f"{web.base}/api/v1/imports/jobs/", headers={"Authorization": f"Token {token}"}
        )
        pg._ctl("-o", pg._options(), "-l", str(pg.dir / "server.log"), "start")
        time.sleep(1)
        poller.stopped.set()
        poller.join(timeout=15)

        assert down.status_code == 503 and down.headers["Retry-After"]
        assert "ระบบไม่พร้อมใช้งานชั่วคราว" in down.text
        assert api_down.status_code == 503 and api_down.json()["code"] == "database_unavailable"
        statuses = [status for status, _ in poller.answers]
        assert set(statuses) <= {200, 503}, statuses
        assert 503 in statuses and statuses[-1] == 200
        for _status, body in poller.answers:
            assert "Traceback" not in body and "OperationalError" not in body
        assert requests.get(page, cookies=cookies, timeout=10).status_code == 200

        deadline = time.monotonic() + 90
        while _job(pg, job_id)[0] not in ("succeeded", "partly_succeeded", "failed"):
            assert time.monotonic() < deadline, _job(pg, job_id)
            time.sleep(0.2)
        assert _job(pg, job_id) == ("partly_succeeded", ROWS, ROWS, ROWS // EVERY)
        good = ROWS - ROWS // EVERY
        assert pg.query(
            "SELECT count(*), count(DISTINCT national_id) FROM households_welfareregistrant"
        ) == [(good, good)]
    finally:
        if worker is not None:
            stop_worker(worker)
        if web is not None:
            web.stop()
        pg.cleanup()
