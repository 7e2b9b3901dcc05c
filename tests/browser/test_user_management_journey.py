"""On a phone, an admin creates a facilitator for subdistrict 490101, gives them a password shown
once, and the facilitator signs in with it and sees the work list."""

import pytest

from ppaos.accounts.models import Role
from tests.browser.conftest import log_in
from tests.factories import TEST_PASSWORD, UserFactory, assign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_creates_a_facilitator_who_signs_in(phone_page, screenshot):
    page = phone_page
    assign(UserFactory(username="admin_phone"), Role.ADMIN, None)
    log_in(page, "admin_phone", TEST_PASSWORD)
    page.goto(page.base_url + "/users/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "users-01-list")

    page.click("[data-testid=user-create]")
    page.fill("#id_username", "somsak_490101")
    page.fill("#id_first_name", "สมศักดิ์")
    page.fill("#id_last_name", "รักถิ่น")
    page.click("[data-testid=form-submit]")
    page.wait_for_selector("[data-testid=role-assign-form]")

    page.select_option("#id_role", Role.FACILITATOR)
    page.fill("#id_area", "490101")
    page.click("[data-testid=assign-submit]")
    page.wait_for_selector("[data-testid=role-row]")
    assert "490101" in page.locator("[data-testid=user-roles]").inner_text()

    page.click("[data-testid=reset-password]")
    password = page.locator("[data-testid=password-value]").inner_text().strip()
    assert len(password) == 19
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "users-02-password-shown-once")

    page.click("[data-testid=logout]")
    page.wait_for_url("**/login/")
    log_in(page, "somsak_490101", password)
    assert "490101" in page.locator("[data-testid=my-roles]").inner_text()
    response = page.goto(page.base_url + "/households/")
    assert response.status == 200
    assert page.locator("h1").is_visible()
    screenshot(page, "users-03-facilitator-worklist")
