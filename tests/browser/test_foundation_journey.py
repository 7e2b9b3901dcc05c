"""A facilitator logs in, sees their area and roles on a phone, switches to English, logs out."""

import pytest

from ppaos.accounts.models import Role
from tests.browser.conftest import log_in
from tests.factories import TEST_PASSWORD, UserFactory, assign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_facilitator_home_on_a_phone(phone_page, screenshot):
    page = phone_page
    user = UserFactory(username="somsri", first_name="สมศรี", last_name="ใจดี")
    assign(user, Role.FACILITATOR, "490101")

    log_in(page, "somsri", TEST_PASSWORD)
    roles = page.locator("[data-testid=my-roles]")
    assert "490101" in roles.inner_text()
    assert "มุกดาหาร" in roles.inner_text()
    assert page.locator("html").get_attribute("lang") == "th"
    assert "บทบาทและพื้นที่ของคุณ" in page.inner_text("main")  # Thai by default
    assert "ผู้อำนวยความสะดวกในพื้นที่" in roles.inner_text()
    # Nothing overflows sideways at phone width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "foundation-01-home-th")

    page.click("[data-testid=switch-language]")
    page.wait_for_selector("html[lang=en]")
    assert "Your roles and areas" in page.inner_text("main")
    assert "Facilitator" in page.locator("[data-testid=my-roles]").inner_text()
    screenshot(page, "foundation-02-home-en")

    page.click("[data-testid=logout]")
    page.wait_for_url("**/login/")
    assert page.locator("#id_username").is_visible()
    screenshot(page, "foundation-03-logged-out")


def test_wrong_password_shows_a_clear_error(phone_page):
    page = phone_page
    UserFactory(username="somchai")
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", "somchai")
    page.fill("#id_password", "wrong")
    page.click("[data-testid=login-submit]")
    assert page.locator(".errorlist").is_visible()
