"""No national ID or name reaches a log: gunicorn's access and error logs and Django's log,
under a real gunicorn started the way scripts/run.sh starts it, with searches by ID and by name
(in the query string and the Referer) and 404s carrying the ID."""

import datetime
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from households.models import Membership, Person
from ppaos.accounts.models import Role
from ppaos.core.log_redaction import RedactPersonalData
from tests import worker
from tests.factories import HouseholdFactory, UserFactory, assign, make_national_id

NATIONAL_ID = make_national_id(737373)
_N = NATIONAL_ID
DASHED_ID = f"{_N[0]}-{_N[1:5]}-{_N[5:10]}-{_N[10:12]}-{_N[12]}"
FIRST_NAME, LAST_NAME = "ประทุมพิสูจน์", "บันทึกไม่มี"
NAME = f"{FIRST_NAME} {LAST_NAME}"
USER_AGENT = "PPAOS-log-test-agent/1.0"
PASSWORD = "log-test-pass-1234"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def gunicorn(transactional_db, official_areas, villages, tmp_path):
    """gunicorn as scripts/run.sh starts it (its config module, an access log file), with the
    settings the run command uses and DEBUG off, against the test database."""
    port = _free_port()
    logs = {name: tmp_path / f"{name}.log" for name in ("access", "error", "output")}
    env = os.environ.copy()
    env.update(
        DJANGO_SETTINGS_MODULE="ppaos.settings.base",
        DEBUG="false",
        DATABASE_URL=worker.test_database_url(),
        PYTHONPATH=str(worker.ROOT),
    )
    with open(logs["output"], "wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "ppaos.wsgi:application",
                "--config",
                "python:ppaos.gunicorn_conf",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--timeout",
                "60",
                "--access-logfile",
                str(logs["access"]),
                "--error-logfile",
                str(logs["error"]),
            ],  # fmt: skip
            cwd=worker.ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {logs['output'].read_text()}")
            try:
                requests.get(f"{base}/login/", timeout=5)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        yield base, logs
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def _registry_with_a_person():
    household = HouseholdFactory(area_id="49010101")
    person = Person.objects.create(
        national_id=NATIONAL_ID, title="นาง", first_name=FIRST_NAME, last_name=LAST_NAME
    )
    Membership.objects.create(
        household=household, person=person, relation="head", joined_on=datetime.date(2020, 1, 1)
    )
    # Hashed for the run command's settings (the test settings' fast hasher is not in them).
    password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    user = UserFactory(username="log_test_facilitator")
    user.password = password
    user.save(update_fields=["password"])
    assign(user, Role.FACILITATOR, "490101")


def _logged_in_session(base: str) -> requests.Session:
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    session.get(f"{base}/login/")
    response = session.post(
        f"{base}/login/",
        data={
            "username": "log_test_facilitator",
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{base}/login/"},
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]
    return session


def test_searches_and_404s_leave_no_id_or_name_in_any_log(gunicorn):
    base, logs = gunicorn
    _registry_with_a_person()
    session = _logged_in_session(base)
    searches = [
        ("/households/search/", DASHED_ID, NAME),
        ("/households/search/", NAME, DASHED_ID),
        ("/api/v1/persons/", NATIONAL_ID, NAME),
        ("/api/v1/persons/", NAME, NATIONAL_ID),
    ]
    for path, query, previous in searches:
        response = session.get(
            f"{base}{path}",
            params={"q": query},
            headers={"Referer": f"{base}/households/search/?q={quote(previous)}"},
        )
        assert response.status_code == 200
        assert LAST_NAME in response.text  # the search found the person
    assert session.get(f"{base}/households/no-such-page/?q={DASHED_ID}").status_code == 404
    assert session.get(f"{base}/households/h/{NATIONAL_ID}/").status_code == 404
    assert session.get(f"{base}/households/{NAME}/").status_code == 404
    assert session.get(f"{base}/api/v1/persons/?q={quote(NAME)}&page=99").status_code == 404
    time.sleep(0.5)  # let gunicorn write its buffered lines

    access = logs["access"].read_text(encoding="utf-8")
    assert access.count("/households/search/") == 2 and "/households/no-such-page/" in access
    assert access.count('" 200 ') >= 4 and access.count('" 404 ') == 4  # still useful
    everything = access + "".join(
        logs[name].read_text(encoding="utf-8", errors="replace") for name in ("error", "output")
    )
    assert "Not Found" in everything  # Django's request log is in the output, redacted
    secrets = [NATIONAL_ID, DASHED_ID, FIRST_NAME, LAST_NAME, quote(FIRST_NAME), quote(LAST_NAME)]
    secrets += [NATIONAL_ID[:6], USER_AGENT, "q="]
    secrets += [name.encode("unicode_escape").decode() for name in (FIRST_NAME, LAST_NAME)]
    for secret in secrets:
        assert secret not in everything, secret
    if os.environ.get("PPAOS_SHOW_LOGS"):
        print(everything)


def test_an_exception_message_with_an_id_is_redacted(caplog):
    """A PostgreSQL error names the offending value: the traceback is redacted too."""
    handler = logging.StreamHandler()
    handler.addFilter(RedactPersonalData())
    record = None
    try:
        raise ValueError(f'Key (national_id)=({NATIONAL_ID}) of "{NAME}" already exists')
    except ValueError:
        import sys as _sys

        record = logging.LogRecord(
            "ppaos.imports", logging.ERROR, __file__, 1, "import job %s crashed", (7,),
            _sys.exc_info(),
        )  # fmt: skip
    assert handler.filter(record)
    text = logging.Formatter().format(record)
    assert "import job 7 crashed" in text and "ValueError" in text
    assert NATIONAL_ID not in text and FIRST_NAME not in text


def test_celery_worker_log_handlers_redact():
    """The worker replaces the root logger's handlers with its own: they get the filter too."""
    from celery.signals import after_setup_logger

    import ppaos.celery  # noqa: F401 - connects the signal handlers

    logger = logging.getLogger("ppaos-test-worker-log")
    handler = logging.StreamHandler()
    logger.addHandler(handler)
    try:
        after_setup_logger.send(
            sender=None,
            logger=logger,
            loglevel=logging.INFO,
            logfile=None,
            format="",
            colorize=False,
        )
        assert any(isinstance(f, RedactPersonalData) for f in handler.filters)
    finally:
        logger.removeHandler(handler)
