"""Each role at phone width starts at its home page, reads how much work waits, and reaches that
work in one tap: the count on the card equals the rows of the list it opens (and the data)."""

import pytest

from tests.browser.conftest import PHONE, close_checking_csp, log_in, watch_for_csp_violations
from tests.factories import TEST_PASSWORD
from tests.home import conftest as home_fixtures
from tests.home.conftest import EXPECTED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

household = home_fixtures.household
service = home_fixtures.service
make_referral = home_fixtures.make_referral
work_world = home_fixtures.work_world

# role user fixture, the cards to follow: (card key, the testid of one row on the list it opens)
JOURNEYS = {
    "facilitator": [
        ("surveys_returned", "survey-row"),
        ("surveys_draft", "survey-row"),
        ("referrals_follow_up", "work-row"),
    ],
    "area_manager": [("surveys_to_verify", "open-review")],
    "provincial_officer": [
        ("referrals_to_approve", "queue-row"),
        ("referrals_declined", "queue-row"),
        ("referrals_overdue", "work-row"),
    ],
    "agency_staff": [
        ("agency_new", "inbox-row"),
        ("agency_accepted", "inbox-row"),
        ("agency_in_progress", "inbox-row"),
        ("agency_overdue", "inbox-row"),
    ],
}


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _count(page, key) -> int:
    return int(page.inner_text(f"[data-testid=count-{key}]"))


def test_every_role_reaches_its_work_from_the_home_page(
    browser,
    live_server,
    screenshot,
    survey_instrument,
    work_world,
    request,
    agency,
    executive,
    admin_user,
):
    users = {role: request.getfixturevalue(role) for role in JOURNEYS}
    users["executive"] = executive
    users["admin"] = admin_user
    for role, user in users.items():
        context = browser.new_context(
            viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True, locale="th-TH"
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.base_url = live_server.url
        watch_for_csp_violations(context, page)
        log_in(page, user.username, TEST_PASSWORD)
        page.wait_for_selector("[data-testid=my-work]")
        _no_sideways_scroll(page)
        screenshot(page, f"home-{role}-390")
        if role == "agency_staff":
            assert agency.name_th in page.inner_text("[data-testid=my-roles]")
        if role == "executive":
            assert _count(page, "households_surveyed") == 0
        if role == "admin":
            assert _count(page, "users") >= len(users)
        for key, row_testid in JOURNEYS.get(role, []):
            page.goto(live_server.url + "/")
            assert _count(page, key) == EXPECTED[key], (role, key)
            page.click(f"[data-testid=card-{key}]")
            page.wait_for_load_state()
            assert page.locator(f"[data-testid={row_testid}]").count() == EXPECTED[key], (role, key)
            _no_sideways_scroll(page)
            screenshot(page, f"home-{role}-{key}-390")
        close_checking_csp(page)

    # The same home page at desktop width.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="th-TH")
    page = context.new_page()
    page.base_url = live_server.url
    watch_for_csp_violations(context, page)
    log_in(page, users["facilitator"].username, TEST_PASSWORD)
    assert _count(page, "surveys_returned") == EXPECTED["surveys_returned"]
    screenshot(page, "home-facilitator-1280")
    close_checking_csp(page)
