"""With DEBUG off, errors answer with the project's own pages (Thai first, a way home), never
Django's debug pages nor a bare line of text."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


def test_the_404_page_is_in_thai_with_a_way_home(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "ไม่พบหน้าที่ต้องการ" in html
    assert "กลับหน้าหลัก" in html
    assert f'href="{reverse("home")}"' in html
    assert 'class="topbar"' in html  # the site's own layout
    assert "Technical details" not in html and "URLconf" not in html


def test_the_404_page_speaks_english_to_english_readers(client, settings):
    settings.DEBUG = False
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/no-such-page/").content.decode()
    assert "Page not found" in html
    assert "Back to the home page" in html


def test_a_job_outside_the_scope_gets_the_404_page(client, no_role_user, settings):
    from ppaos.imports.models import ImportJob
    from tests.factories import UserFactory, assign

    admin = assign(UserFactory(username="uploader"), "admin", None)
    job = ImportJob.objects.create(created_by=admin, kind="welfare_registry", file="x.xlsx")
    settings.DEBUG = False
    client.force_login(no_role_user)
    response = client.get(reverse("imports:job_detail", args=[job.public_id]))
    assert response.status_code == 404
    assert "ไม่พบหน้าที่ต้องการ" in response.content.decode()


def test_a_role_that_may_not_gets_the_403_page_in_thai(client, facilitator, settings):
    settings.DEBUG = False
    client.force_login(facilitator)
    response = client.get(reverse("accounts:user_list"))  # user management: admins only
    assert response.status_code == 403
    html = response.content.decode()
    assert "ไม่มีสิทธิ์เข้าถึง" in html
    assert "กลับหน้าหลัก" in html


def test_the_500_page_needs_neither_the_database_nor_a_request_context(
    settings, django_assert_num_queries
):
    settings.DEBUG = False
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "ระบบขัดข้องชั่วคราว" in html
    assert "Server error" in html
    assert 'href="/"' in html
