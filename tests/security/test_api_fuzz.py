"""Schemathesis over the whole OpenAPI schema, in process, as every role.

For each operation schemathesis generates a few requests from the schema (positive mode, a
fixed seed: the same requests every run) and each request is sent as every user of the access
world (`access_world.py`: facilitator, area manager, provincial officer, agency staff,
executive, admin, no assignment, anonymous), signed in with a session cookie and a CSRF token.
An operation that addresses a record is also called on a real record (the access matrix's kind
for it, in the facilitator's own subdistrict), so detail routes answer with real bodies too.

Checks: no 5xx, the status code is documented, the body conforms to the documented schema.
Every request runs in a savepoint that is rolled back, so writes change nothing.
"""

import json

import pytest
import schemathesis
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from .access_matrix import API
from .access_world import RELATIONS

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 5
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20261201,
        "suppress-health-check": ["all"],
        "generation": {
            "mode": "positive",
            "max-examples": EXAMPLES_PER_OPERATION,
            "deterministic": True,
            "no-shrink": True,
            "database": "none",
            # Sign in with the session cookie only: no generated Authorization headers.
            "with-security-parameters": False,
        },
        "phases": {
            "examples": {"enabled": True},
            "fuzzing": {"enabled": True},
            "coverage": {"enabled": False},
            "stateful": {"enabled": False},
        },
    }
)


def _schema():
    # The schema the API serves, generated in process (no request, no database).
    raw = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(json.dumps(raw, default=str)), config=CONFIG)
    loaded.app = get_wsgi_application()
    return loaded


schema = _schema()


@pytest.fixture(scope="module")
def in_process_requests():
    """Requests through the real WSGI handler inside the test's transaction: like Django's test
    client, keep the handler from closing the database connection at the end of a request."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture(scope="module")
def sessions(world, in_process_requests):
    """Cookies and headers per user: a session cookie and a CSRF token (None = anonymous)."""
    result = {}
    for key, user in world.users.items():
        if key.startswith("_"):
            continue
        token = _get_new_csrf_string()
        cookies = {settings.CSRF_COOKIE_NAME: token}
        if user is not None:
            client = Client()
            client.force_login(user)
            cookies[settings.SESSION_COOKIE_NAME] = client.cookies[
                settings.SESSION_COOKIE_NAME
            ].value
        result[key] = (cookies, {"X-CSRFToken": token})
    return result


def _real_path_parameters(world, case) -> dict | None:
    rule = API.get(f"{case.method.upper()} {case.operation.path}")
    if rule is None or rule.kind is None or not case.path_parameters:
        return None
    record = world.record(rule.kind, RELATIONS[rule.kind][0])
    return {name: str(record.params[name]) for name in case.path_parameters}


REQUESTS_SENT = []  # one entry a request, for the report at the end of the run


def _call_as_everyone(case, sessions):
    for user_key, (cookies, headers) in sessions.items():
        REQUESTS_SENT.append(user_key)
        with transaction.atomic():
            try:
                case.call_and_validate(cookies=cookies, headers=headers, checks=CHECKS)
            except Exception as error:
                error.add_note(f"as {user_key}: {case.method} {case.formatted_path}")
                raise
            finally:
                transaction.set_rollback(True)


@schema.parametrize()
def test_api_answers_as_documented_for_every_role(case, world, sessions):
    _call_as_everyone(case, sessions)
    real = _real_path_parameters(world, case)
    if real is not None:
        case.path_parameters = real
        _call_as_everyone(case, sessions)


def test_the_fuzzing_signs_in_and_passes_the_csrf_check(sessions):
    """The cookies above really sign each user in, and the CSRF token passes for writes."""
    cookies, headers = sessions["facilitator"]
    listing = schema["/api/v1/households/"]["GET"].Case()
    assert listing.call(cookies=cookies, headers=headers).status_code == 200
    anonymous_cookies, anonymous_headers = sessions["anonymous"]
    refused = listing.call(cookies=anonymous_cookies, headers=anonymous_headers)
    assert refused.status_code in (401, 403)
    with transaction.atomic():
        create = schema["/api/v1/households/"]["POST"].Case(body={}, media_type="application/json")
        assert create.call(cookies=cookies, headers=headers).status_code == 400  # not a CSRF 403
        transaction.set_rollback(True)


def test_report_how_many_requests_were_sent(capsys):
    """The fuzzing above really sent requests (and prints how many: the note in the README)."""
    assert len(REQUESTS_SENT) > len(schema)
    with capsys.disabled():
        print(f"\nschemathesis: {len(REQUESTS_SENT)} requests over {len(schema)} operations")
