"""The API accepts a browser session or an API token (django-rest-knox), never a password."""

import base64
import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from ppaos.accounts.services import issue_api_token, revoke_api_tokens
from ppaos.audit.models import AuditEvent
from tests.factories import TEST_PASSWORD, household_with_head

pytestmark = pytest.mark.django_db

HOUSEHOLDS = "/api/v1/households/"


def _basic(username, password):
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def _token_client(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_http_basic_with_the_right_password_is_refused(facilitator):
    response = APIClient().get(HOUSEHOLDS, HTTP_AUTHORIZATION=_basic("fac_490101", TEST_PASSWORD))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_http_basic_does_not_count_as_a_login_attempt_either(facilitator):
    for _ in range(30):
        APIClient().get(HOUSEHOLDS, HTTP_AUTHORIZATION=_basic("fac_490101", "guess"))

    from axes.models import AccessAttempt

    assert not AccessAttempt.objects.exists()


def test_a_token_acts_as_its_user_within_their_area(facilitator, neighbour_facilitator):
    ours = household_with_head("49010101")
    household_with_head("49010201")  # the neighbouring subdistrict
    _, token = issue_api_token(actor=None, user=facilitator, days=30)

    response = _token_client(token).get(HOUSEHOLDS)

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(ours.public_id)]


def test_a_token_of_a_role_without_the_action_answers_403(executive):
    _, token = issue_api_token(actor=None, user=executive, days=30)
    assert _token_client(token).get(HOUSEHOLDS).status_code == 403


def test_a_revoked_token_answers_401(facilitator, admin_user):
    instance, token = issue_api_token(actor=None, user=facilitator, days=30)
    assert _token_client(token).get(HOUSEHOLDS).status_code == 200

    revoke_api_tokens(actor=admin_user, tokens=AuthToken.objects.filter(pk=instance.pk))

    assert _token_client(token).get(HOUSEHOLDS).status_code == 401
    row = AuditEvent.objects.get(action="api_token.revoked")
    assert row.actor == admin_user and row.object_id == str(facilitator.public_id)


def test_an_expired_token_answers_401(facilitator):
    instance, token = issue_api_token(actor=None, user=facilitator, days=1)
    AuthToken.objects.filter(pk=instance.pk).update(expiry=timezone.now() - datetime.timedelta(1))
    assert _token_client(token).get(HOUSEHOLDS).status_code == 401


def test_a_token_of_a_deactivated_user_answers_401(facilitator):
    _, token = issue_api_token(actor=None, user=facilitator, days=30)
    facilitator.is_active = False
    facilitator.save(update_fields=["is_active"])
    assert _token_client(token).get(HOUSEHOLDS).status_code == 401


def test_the_token_is_stored_only_as_a_digest(facilitator):
    instance, token = issue_api_token(actor=None, user=facilitator, days=30)

    with connection.cursor() as cursor:
        cursor.execute("SELECT digest, token_key FROM knox_authtoken")
        stored = cursor.fetchall()
    assert len(stored) == 1
    assert token not in " ".join(stored[0])
    assert instance.digest != token


def test_issuing_a_token_is_audited_without_the_token(facilitator):
    _, token = issue_api_token(actor=None, user=facilitator, days=30)

    row = AuditEvent.objects.get(action="api_token.issued")
    assert row.object_id == str(facilitator.public_id)
    assert token not in str(row.details)


def test_only_admins_issue_tokens(facilitator, area_manager):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        issue_api_token(actor=area_manager, user=facilitator, days=30)
    assert not AuthToken.objects.exists()


def test_the_command_prints_a_working_token_once(facilitator, capsys):
    call_command("issue_api_token", "fac_490101", "--days", "7")

    token = capsys.readouterr().out.strip()
    assert _token_client(token).get(HOUSEHOLDS).status_code == 200
    expiry = AuthToken.objects.get(user=facilitator).expiry
    assert expiry - timezone.now() < datetime.timedelta(days=7, minutes=1)


def test_the_revoke_command_revokes(facilitator):
    _, token = issue_api_token(actor=None, user=facilitator, days=30)

    call_command("revoke_api_tokens", "fac_490101")

    assert _token_client(token).get(HOUSEHOLDS).status_code == 401


def test_a_session_still_needs_csrf_for_writes(client, facilitator):
    client = APIClient(enforce_csrf_checks=True)
    client.login(username="fac_490101", password=TEST_PASSWORD)
    assert client.get(HOUSEHOLDS).status_code == 200
    assert client.post(HOUSEHOLDS, {}, format="json").status_code == 403


def test_the_schema_documents_the_token_and_no_basic_scheme():
    from drf_spectacular.generators import SchemaGenerator

    schemes = SchemaGenerator().get_schema(request=None, public=True)["components"][
        "securitySchemes"
    ]
    assert "knoxApiToken" in schemes
    assert not any(scheme.get("scheme") == "basic" for scheme in schemes.values())
