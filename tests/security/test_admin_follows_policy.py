"""The Django admin opens only for the admin role, and only on what that role may manage."""

import pytest
from django.urls import NoReverseMatch, reverse

from ppaos.accounts.models import Role, RoleAssignment
from ppaos.audit.models import AuditEvent
from tests.factories import UserFactory, assign

ALLOWED_CHANGELISTS = [
    "admin:accounts_user_changelist",
    "admin:accounts_roleassignment_changelist",
    "admin:referrals_agency_changelist",
    "admin:referrals_service_changelist",
    "admin:areas_area_changelist",
    "admin:imports_importjob_changelist",
    "admin:audit_auditevent_changelist",
    "admin:axes_accessattempt_changelist",
    "admin:knox_authtoken_changelist",
]

# Personal data the admin role may not read (ROLE_ACTIONS): not in the admin at all.
FORBIDDEN_PATHS = [
    "/admin/referrals/referral/",
    "/admin/referrals/referraltransition/",
    "/admin/households/household/",
    "/admin/households/person/",
    "/admin/households/householdmembership/",
    "/admin/households/survey/",
    "/admin/households/welfareregistrant/",
    "/admin/households/registrantfinding/",
    "/admin/households/duplicatecandidate/",
    "/admin/referrals/notification/",
    "/admin/masterplans/masterplan/",
    "/admin/auth/group/",
]


@pytest.fixture
def staff_admin(villages):
    return assign(UserFactory(username="staff_admin", is_staff=True), Role.ADMIN, None)


def test_only_catalogue_people_and_job_models_are_registered():
    from django.contrib import admin

    registered = {model._meta.label for model in admin.site._registry}
    assert registered == {
        "accounts.User",
        "accounts.RoleAssignment",
        "areas.Area",
        "audit.AuditEvent",
        "imports.ImportJob",
        "referrals.Agency",
        "referrals.Service",
        "axes.AccessAttempt",
        "knox.AuthToken",
    }


@pytest.mark.parametrize("url_name", ALLOWED_CHANGELISTS)
def test_admin_role_opens_what_it_manages(client, staff_admin, url_name):
    client.force_login(staff_admin)
    assert client.get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize("path", FORBIDDEN_PATHS)
def test_admin_role_cannot_open_personal_data_in_the_admin(client, staff_admin, path):
    client.force_login(staff_admin)
    assert client.get(path).status_code == 404


def test_referral_changelist_has_no_url():
    with pytest.raises(NoReverseMatch):
        reverse("admin:referrals_referral_changelist")


@pytest.mark.parametrize(
    "role_user",
    ["facilitator", "area_manager", "provincial_officer", "executive", "agency_staff"],
)
def test_staff_without_the_admin_role_cannot_open_the_admin(client, request, role_user):
    user = request.getfixturevalue(role_user)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)

    for path in ["/admin/", "/admin/accounts/user/", "/admin/referrals/agency/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(reverse("admin:login")), path


def test_admin_role_without_staff_flag_cannot_open_the_admin(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 302


def test_staff_with_no_role_cannot_open_the_admin(client, villages):
    client.force_login(UserFactory(username="bare_staff", is_staff=True))
    assert client.get("/admin/").status_code == 302


def test_a_superuser_is_held_to_the_same_pages(client, villages):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/referrals/referral/").status_code == 404


def test_audit_log_and_import_jobs_are_read_only_in_the_admin(client, staff_admin):
    client.force_login(staff_admin)
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    assert client.get("/admin/imports/importjob/add/").status_code == 403


def test_the_demo_admin_opens_the_admin(client, official_areas):
    from ppaos.demo.services import seed_demo

    seed_demo(seed=1)
    from ppaos.accounts.models import User

    client.force_login(User.objects.get(username="admin"))
    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200


def test_a_role_given_in_the_admin_is_audited(client, staff_admin, facilitator):
    client.force_login(staff_admin)

    response = client.post(
        reverse("admin:accounts_roleassignment_add"),
        {"user": facilitator.pk, "role": Role.AREA_MANAGER, "area": "4901"},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assignment = RoleAssignment.objects.get(user=facilitator, role=Role.AREA_MANAGER)
    row = AuditEvent.objects.get(action="admin.added")
    assert row.actor == staff_admin
    assert row.object_type == "accounts.roleassignment"
    assert row.object_id == str(assignment.pk)


def test_admin_role_opens_a_user_with_their_roles(client, staff_admin, facilitator):
    client.force_login(staff_admin)
    response = client.get(reverse("admin:accounts_user_change", args=[facilitator.pk]))
    assert response.status_code == 200
    assert "roleassignment" in response.content.decode().lower()


def test_admin_revokes_an_api_token_in_the_admin(client, staff_admin, facilitator):
    from knox.models import AuthToken

    from ppaos.accounts.services import issue_api_token

    instance, _ = issue_api_token(actor=staff_admin, user=facilitator, days=30)
    client.force_login(staff_admin)

    response = client.post(
        reverse("admin:knox_authtoken_changelist"),
        {"action": "revoke", "_selected_action": [instance.pk]},
    )

    assert response.status_code == 302
    assert not AuthToken.objects.exists()
    assert AuditEvent.objects.filter(action="api_token.revoked", actor=staff_admin).exists()
    assert client.get(reverse("admin:knox_authtoken_add")).status_code == 403


def test_admins_edit_villages_but_not_the_official_areas(client, staff_admin):
    client.force_login(staff_admin)
    village = client.get(reverse("admin:areas_area_change", args=["49010101"]))
    district = client.get(reverse("admin:areas_area_change", args=["4901"]))

    assert 'name="name_th"' in village.content.decode()
    assert district.status_code == 200 and 'name="name_th"' not in district.content.decode()
    assert client.post(reverse("admin:areas_area_delete", args=["4901"])).status_code == 403


@pytest.mark.parametrize("url_name", ALLOWED_CHANGELISTS)
def test_admin_lists_in_thai_show_buddhist_era_dates(client, staff_admin, url_name, settings):
    """The admin stays for maintenance, but its date columns go through the one display rule: in
    Thai no list shows a Christian-era year ("1 ธ.ค. 2026", Django's own format)."""
    from tests.security.test_every_page_shows_be_dates import CE_DATE, visible_text

    RoleAssignment.objects.filter(user=staff_admin).update(created_at="2026-11-20T10:00+07:00")
    record_something = AuditEvent.objects.create
    record_something(actor=staff_admin, action="admin.changed", object_repr="x")
    client.force_login(staff_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"
    html = client.get(reverse(url_name)).content.decode()
    assert not CE_DATE.findall(visible_text(html)), url_name
    if url_name in (
        "admin:audit_auditevent_changelist",
        "admin:accounts_roleassignment_changelist",
    ):
        assert "2569" in visible_text(html)


def test_admin_detail_pages_in_thai_show_buddhist_era_dates(client, staff_admin, settings):
    """Read-only fields of a detail page (an import job's start and end, a role's grant date in
    the user's page, an API token's expiry) go through the display rule too, and the pages still
    open and save."""
    import datetime as dt

    from django.utils import timezone
    from knox.models import AuthToken

    from ppaos.imports.models import ImportJob
    from tests.security.test_every_page_shows_be_dates import CE_DATE, visible_text

    started = timezone.make_aware(dt.datetime(2026, 11, 20, 10, 0))  # noqa: DTZ001
    job = ImportJob.objects.create(
        created_by=staff_admin,
        kind="welfare_registry",
        original_filename="registry.xlsx",
        started_at=started,
        finished_at=started + dt.timedelta(minutes=3),
    )
    grant = RoleAssignment.objects.get(user=staff_admin)
    RoleAssignment.objects.filter(pk=grant.pk).update(created_at=started)
    token, _key = AuthToken.objects.create(user=staff_admin, expiry=dt.timedelta(days=10))
    client.force_login(staff_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"
    pages = {
        "job": reverse("admin:imports_importjob_change", args=[job.pk]),
        "user": reverse("admin:accounts_user_change", args=[staff_admin.pk]),
        "token": reverse("admin:knox_authtoken_change", args=[token.pk]),
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        text = visible_text(response.content.decode())
        assert not CE_DATE.findall(text), (name, CE_DATE.findall(text))
        assert "2569" in text, name
    job_text = visible_text(client.get(pages["job"]).content.decode())
    assert "20 พ.ย. 2569 10:00" in job_text and "20 พ.ย. 2569 10:03" in job_text
    # The read-only dates stay out of the forms: the role's own page still saves.
    grant_page = reverse("admin:accounts_roleassignment_change", args=[grant.pk])
    response = client.post(grant_page, {"user": staff_admin.pk, "role": grant.role, "_save": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]


def test_the_admin_in_thai_has_no_english_left_from_django(client, staff_admin, settings):
    """Django 5.2 ships many admin and password texts without Thai; the project's catalogue has
    them (ppaos/accounts/django_thai.py), and names its apps' sections in Thai."""
    import json

    from tests.security.test_every_page_shows_be_dates import visible_text

    client.force_login(staff_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"
    index = client.get(reverse("admin:index")).content.decode()
    for section in ("บัญชีผู้ใช้และสิทธิ์", "การล็อกการเข้าสู่ระบบ", "โทเคน API", "บันทึกการใช้งาน"):
        assert section in index, section
    users = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert 'placeholder="พิมพ์เพื่อกรอง…"' in users  # the sidebar's filter
    # The admin's JavaScript texts (JSON, Thai written as \u escapes): "Remove all %s"
    script = client.get(reverse("admin:jsi18n")).content.decode()
    assert json.dumps("ลบ%sออกทั้งหมด")[1:-1] in script
    add = reverse("admin:accounts_user_add")
    text = visible_text(client.get(add).content.decode())
    for english in (
        "Skip to main content",
        "Password-based authentication",
        "Enter the same password as before",
        "Your password can’t be entirely numeric.",
        "After you’ve created a user",
    ):
        assert english not in text, english
    refused = client.post(
        add, {"username": "newuser", "password1": "48151623", "password2": "48151623",
              "usable_password": "true", "_save": "1"},
    )  # fmt: skip
    page = visible_text(refused.content.decode())
    assert "รหัสผ่านนี้เป็นตัวเลขทั้งหมด" in page and "This password" not in page


def test_the_admin_names_tokens_jobs_and_events_in_thai(client, staff_admin, settings):
    """The pages of a library's model (knox's tokens), a job's kind and any record's public id
    are named in Thai, and an audit event's title dates itself in the Buddhist era."""
    import datetime as dt

    from knox.models import AuthToken

    from ppaos.imports.models import ImportJob
    from tests.security.test_every_page_shows_be_dates import CE_DATE, visible_text

    job = ImportJob.objects.create(
        created_by=staff_admin, kind="surveys", original_filename="surveys.xlsx"
    )
    token, _key = AuthToken.objects.create(user=staff_admin, expiry=dt.timedelta(days=10))
    event = AuditEvent.objects.create(actor=staff_admin, action="admin.changed", object_repr="x")
    client.force_login(staff_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"

    def page(url):
        response = client.get(url)
        assert response.status_code == 200, url
        return visible_text(response.content.decode())

    tokens = page(reverse("admin:knox_authtoken_changelist"))
    assert "ระบบจัดการ PPAOS" in tokens and "Django" not in tokens
    token_page = page(reverse("admin:knox_authtoken_change", args=[token.pk]))
    for text in (tokens, token_page):
        for thai in ("โทเคน API", "รหัสนำหน้าโทเคน", "วันที่ออก", "วันหมดอายุ"):
            assert thai in text, thai
        for english in ("auth token", "Auth token", "Token key", "Expiry", "Created"):
            assert english not in text, english
    jobs = page(reverse("admin:imports_importjob_changelist"))
    job_page = page(reverse("admin:imports_importjob_change", args=[job.pk]))
    for text in (jobs, job_page):
        assert "แบบสำรวจครัวเรือน" in text and "surveys" not in text.replace("surveys.xlsx", "")
    assert "รหัสอ้างอิง" in job_page and "Public id" not in job_page
    filtered = page(reverse("admin:imports_importjob_changelist") + "?kind=surveys")
    assert "surveys.xlsx" in filtered
    other = page(reverse("admin:imports_importjob_changelist") + "?kind=welfare_registry")
    assert "surveys.xlsx" not in other
    event_page = page(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert "2569" in event_page and not CE_DATE.findall(event_page)
