"""Password guessing on the login forms is stopped by a lockout (django-axes, database handler)."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from ppaos.accounts.models import Role
from ppaos.accounts.services import unlock_logins
from ppaos.audit.models import AuditEvent
from tests.factories import TEST_PASSWORD, UserFactory, assign

LOCKED_TH = "เข้าสู่ระบบไม่สำเร็จหลายครั้งเกินไป"


def _post_login(client, username, password, *, path="/login/", address="127.0.0.1"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


def _guess(client, username, times, **kwargs):
    for attempt in range(times):
        _post_login(client, username, f"wrong-{attempt}", **kwargs)


def test_thirty_wrong_passwords_lock_the_login_page_even_for_the_right_one(client, facilitator):
    _guess(client, facilitator.username, 30)

    response = _post_login(client, facilitator.username, TEST_PASSWORD)

    assert response.status_code == 429
    assert LOCKED_TH in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert "form" in response.context  # the login page again, not a bare error


def test_the_lockout_message_is_in_english_for_english_readers(client, facilitator):
    _guess(client, facilitator.username, settings.AXES_FAILURE_LIMIT)

    response = client.post(
        "/login/",
        {"username": facilitator.username, "password": TEST_PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()


def test_a_few_mistakes_then_the_right_password_still_log_in(client, facilitator):
    _guess(client, facilitator.username, settings.AXES_FAILURE_LIMIT - 1)

    response = _post_login(client, facilitator.username, TEST_PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(facilitator.pk)


def test_a_username_is_locked_whichever_addresses_the_guesses_come_from(client, facilitator):
    for number in range(settings.AXES_FAILURE_LIMIT):
        _post_login(client, facilitator.username, "wrong", address=f"10.0.0.{number + 1}")

    response = _post_login(client, facilitator.username, TEST_PASSWORD, address="10.9.9.9")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_address_is_locked_after_guesses_across_usernames(client, facilitator):
    for number in range(settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS):
        _post_login(client, f"someone{number}", "123456", address="10.1.1.1")

    from_there = _post_login(client, facilitator.username, TEST_PASSWORD, address="10.1.1.1")
    assert from_there.status_code == 429
    assert LOCKED_TH in from_there.content.decode()

    from_elsewhere = _post_login(client, facilitator.username, TEST_PASSWORD, address="10.2.2.2")
    assert from_elsewhere.status_code == 302


def test_thirty_wrong_passwords_lock_the_admin_login_too(client, villages):
    admin = assign(UserFactory(username="staff_admin", is_staff=True), Role.ADMIN, None)
    admin_login = reverse("admin:login")
    _guess(client, admin.username, 30, path=admin_login)

    response = _post_login(client, admin.username, TEST_PASSWORD, path=admin_login)

    assert response.status_code == 429
    assert LOCKED_TH in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302  # to the admin login


def test_the_login_pages_share_one_count(client, facilitator):
    _guess(client, facilitator.username, settings.AXES_FAILURE_LIMIT, path=reverse("admin:login"))

    assert _post_login(client, facilitator.username, TEST_PASSWORD).status_code == 429


def test_a_lockout_writes_one_audit_row_naming_the_account_by_id(client, facilitator):
    _guess(client, facilitator.username, 30)

    rows = AuditEvent.objects.filter(action="auth.locked_out")
    assert rows.count() == 1
    row = rows.get()
    assert row.actor is None
    assert row.object_type == "accounts.user" and row.object_id == str(facilitator.public_id)
    assert row.details["known_account"] is True
    assert row.details["locked_by"] == ["username"]
    assert row.client_address == "127.0.0.1"
    assert "wrong" not in str(row.details)


def test_a_lockout_of_an_unknown_username_records_no_username(client, villages):
    _guess(client, "no-such-person", settings.AXES_FAILURE_LIMIT)

    row = AuditEvent.objects.get(action="auth.locked_out")
    assert row.object_id == "" and row.object_repr == ""
    assert row.details["known_account"] is False
    assert "no-such-person" not in str(row.details)


def test_an_admin_unlocks_and_the_user_can_log_in(client, facilitator):
    _guess(client, facilitator.username, 30)
    admin = assign(UserFactory(username="staff_admin", is_staff=True), Role.ADMIN, None)
    client.force_login(admin)
    changelist = reverse("admin:axes_accessattempt_changelist")
    attempts = AccessAttempt.objects.filter(username=facilitator.username)

    response = client.post(
        changelist, {"action": "unlock", "_selected_action": [a.pk for a in attempts]}
    )

    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=facilitator.username).exists()
    unlocked = AuditEvent.objects.get(action="auth.unlocked")
    assert unlocked.actor == admin and unlocked.object_id == str(facilitator.public_id)
    client.logout()
    assert _post_login(client, facilitator.username, TEST_PASSWORD).status_code == 302


def test_only_admins_may_unlock(facilitator, area_manager):
    _guess_attempt = AccessAttempt.objects.create(
        username=facilitator.username, ip_address="10.0.0.1", user_agent="", failures_since_start=9
    )
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        unlock_logins(actor=area_manager, attempts=AccessAttempt.objects.all())
    assert AccessAttempt.objects.filter(pk=_guess_attempt.pk).exists()


def test_a_login_forgets_that_usernames_failures_but_not_the_addresses(client, facilitator):
    limit = settings.AXES_FAILURE_LIMIT
    _guess(client, facilitator.username, limit - 1)
    for number in range(settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS - limit):
        _post_login(client, f"someone{number}", "123456")
    assert _post_login(client, facilitator.username, TEST_PASSWORD).status_code == 302
    client.logout()

    _guess(client, facilitator.username, limit - 1)  # a fresh count for the username...
    assert AccessAttempt.objects.filter(
        username=facilitator.username
    ).get().failures_since_start == (limit - 1)
    # ...while the address kept the others: one more reaches its limit
    _post_login(client, "someone-else", "123456")
    assert _post_login(client, facilitator.username, TEST_PASSWORD).status_code == 429


def test_a_failed_login_keeps_no_search_from_the_next_parameter(client, facilitator):
    """A session ending mid-search sends the user to /login/?next=<the search>; the failed
    attempt axes stores holds neither the password nor that search (a national ID)."""
    from axes.models import AccessAttempt

    searched = "1101700207030"
    client.post(
        f"/login/?next=/households/search/%3Fq%3D{searched}",
        {"username": facilitator.username, "password": "wrong-password", "next": searched},
    )

    stored = [str(row) for row in AccessAttempt.objects.values_list("get_data", "post_data")]
    assert stored, "the failure was recorded"
    assert not any(searched in value or "wrong-password" in value for value in stored)
