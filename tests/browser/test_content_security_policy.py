"""Under the Content-Security-Policy the pages still work in a real browser and report no
refusal: htmx (the import progress poll), the referral pages, the API docs (Swagger UI)."""

import pytest

from ppaos.accounts.models import Role
from tests.browser.conftest import csp_violations_of, log_in
from tests.factories import TEST_PASSWORD, UserFactory, assign, household_with_head

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_policy_refusal_would_be_caught(phone_page):
    """The listener works: an inline script the policy refuses is reported."""
    page = phone_page
    page.goto(page.base_url + "/login/")
    page.evaluate(
        """() => { const s = document.createElement("script");
        s.textContent = "window.inlineRan = true"; document.head.appendChild(s); }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.inlineRan === undefined")
    assert csp_violations_of(page)
    page.console_texts.clear()  # the fixture's own check must pass


def test_pages_run_under_the_policy(phone_page, villages):
    page = phone_page
    user = UserFactory(username="csp_manager")
    assign(user, Role.AREA_MANAGER, "4901")
    household = household_with_head("49010101")
    log_in(page, "csp_manager", TEST_PASSWORD)
    for path in (
        "/households/",
        f"/households/h/{household.public_id}/",
        f"/referrals/household/{household.public_id}/",
        "/notifications/",
        "/households/duplicates/",
    ):
        response = page.goto(page.base_url + path)
        assert response.status == 200, path
    # htmx loaded from the static file and configured by the meta tag (no inline style).
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert page.evaluate("htmx.config.allowEval") is False
    assert page.evaluate("document.querySelectorAll('head style').length") == 0
    # The referral styles (moved from an inline <style>) apply.
    page.goto(page.base_url + "/notifications/")
    assert page.evaluate(
        "getComputedStyle(document.querySelector('h1')).fontFamily"
    )  # page rendered with app.css


def test_the_api_docs_work_under_the_policy(phone_page):
    page = phone_page
    assign(UserFactory(username="csp_officer"), Role.PROVINCIAL_OFFICER, "49")
    log_in(page, "csp_officer", TEST_PASSWORD)
    page.goto(page.base_url + "/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    assert page.locator(".opblock").count() > 10
