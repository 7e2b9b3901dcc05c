"""Pages of the core: home, areas, audit log; 404 outside the scope, 403 without the role."""

import pytest
from django.urls import reverse

from ppaos.audit.models import AuditEvent
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_home_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_home_shows_roles_and_areas(client, facilitator):
    response = login(client, facilitator).get(reverse("home"), HTTP_ACCEPT_LANGUAGE="th")
    body = response.content.decode()
    assert response.status_code == 200
    assert "490101" in body and "มุกดาหาร" in body
    assert 'lang="th"' in body


def test_home_tells_a_user_without_a_role_what_to_do(client, no_role_user):
    body = login(client, no_role_user).get(reverse("home")).content.decode()
    assert 'data-testid="no-roles"' in body


def test_area_in_scope_is_shown(client, facilitator):
    response = login(client, facilitator).get(reverse("areas:area_detail", args=["49010101"]))
    assert response.status_code == 200
    assert "บ้านโนนสูง" in response.content.decode()


def test_neighbouring_area_answers_404(client, facilitator):
    response = login(client, facilitator).get(reverse("areas:area_detail", args=["49010201"]))
    assert response.status_code == 404


def test_area_of_another_province_answers_404(client, other_province_officer):
    client = login(client, other_province_officer)
    assert client.get(reverse("areas:area_detail", args=["4901"])).status_code == 404
    assert client.get(reverse("areas:area_detail", args=["4801"])).status_code == 200


def test_no_assignment_sees_an_empty_area_list_and_404s(client, no_role_user):
    client = login(client, no_role_user)
    response = client.get(reverse("areas:area_list"))
    assert response.status_code == 200
    assert 'data-testid="empty"' in response.content.decode()
    assert client.get(reverse("areas:area_detail", args=["49"])).status_code == 404


def test_area_list_shows_only_assigned_roots(client, area_manager):
    response = login(client, area_manager).get(reverse("areas:area_list"))
    assert list(response.context["areas"].values_list("code", flat=True)) == ["4901"]


def test_audit_log_is_403_for_a_role_without_it(client, provincial_officer):
    assert login(client, provincial_officer).get(reverse("audit:audit_log")).status_code == 403


def test_audit_log_is_403_without_any_role(client, no_role_user):
    assert login(client, no_role_user).get(reverse("audit:audit_log")).status_code == 403


def test_audit_log_lists_and_filters_for_admins(client, admin_user, facilitator):
    client.post(reverse("login"), {"username": facilitator.username, "password": TEST_PASSWORD})
    client.logout()
    client = login(client, admin_user)
    response = client.get(reverse("audit:audit_log"), {"actor": facilitator.username})
    events = list(response.context["page"])
    assert response.status_code == 200
    assert {e.action for e in events} == {"user.logged_in", "user.logged_out"}
    filtered = client.get(reverse("audit:audit_log"), {"action": "user.logged_out"})
    assert all(e.action == "user.logged_out" for e in filtered.context["page"])


def test_audit_log_rejects_a_bad_area_filter_beside_the_field(client, admin_user):
    response = login(client, admin_user).get(reverse("audit:audit_log"), {"area_code": "4x"})
    assert response.context["form"].errors["area_code"]


def test_login_is_audited_with_the_client_address(client, facilitator):
    client.post(
        reverse("login"),
        {"username": facilitator.username, "password": TEST_PASSWORD},
        REMOTE_ADDR="10.1.2.3",
    )
    event = AuditEvent.objects.get(action="user.logged_in", actor=facilitator)
    assert event.client_address == "10.1.2.3"


def test_navigation_follows_the_role(client, admin_user, facilitator):
    admin_nav = login(client, admin_user).get(reverse("home")).context["nav_items"]
    assert reverse("audit:audit_log") in [item.url for item in admin_nav]
    client.logout()
    fac_nav = login(client, facilitator).get(reverse("home")).context["nav_items"]
    assert reverse("audit:audit_log") not in [item.url for item in fac_nav]


def test_language_switch_to_english(client, facilitator):
    client = login(client, facilitator)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get(reverse("home")).content.decode()


def test_api_docs_page_serves_local_assets_only(client, facilitator):
    body = login(client, facilitator).get(reverse("api-docs")).content.decode()
    assert "cdn" not in body.lower() and "unpkg" not in body.lower()
