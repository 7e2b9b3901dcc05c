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
        ("referrals_drafts", "work-row"),
    ],
    "area_manager": [
        ("surveys_to_verify", "open-review"),
        ("duplicates", "duplicate-card"),
        ("referrals_drafts", "work-row"),
    ],
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
    return int(page.inner_text(f"[data-testid=count-{key}]").replace(",", ""))


def _facilitator_is_told_of_the_returned_survey(page, screenshot, returned):
    """The survey the manager returned: a count on the home page, a waiting notice that opens
    the survey."""
    page.goto(page.base_url + "/")
    assert _count(page, "surveys_returned") == 1
    assert int(page.inner_text("[data-testid=unread-count]")) >= 1
    page.click("[data-testid=nav-notifications]")
    page.wait_for_selector("[data-testid=notices]")
    waiting = page.locator("[data-testid=notice-waiting][data-kind=survey_returned]")
    assert waiting.count() == 1
    _no_sideways_scroll(page)
    screenshot(page, "home-facilitator-notifications-390")
    waiting.locator("[data-testid=open-notice]").click()
    page.wait_for_load_state()
    assert str(returned.public_id) in page.url


def _agency_writes_a_progress_note(page, screenshot):
    """From the home page's "in progress" card to the referral, and a progress note at 390 px."""
    page.goto(page.base_url + "/")
    page.click("[data-testid=card-agency_in_progress]")
    page.click("[data-testid=inbox-row] a")
    page.wait_for_selector("[data-testid=progress-form]")
    page.fill("[data-testid=progress-form] textarea", "โทรนัดเยี่ยมบ้านวันศุกร์นี้")
    page.click("[data-testid=add-progress-note]")
    page.wait_for_selector("[data-testid=progress-note]")
    assert "โทรนัดเยี่ยมบ้าน" in page.inner_text("[data-testid=progress-notes]")
    _no_sideways_scroll(page)
    screenshot(page, "home-agency_staff-progress-note-390")
    # The completed tab says when each was completed.
    page.goto(page.base_url + "/referrals/inbox/?status=completed")
    assert page.locator("[data-testid=completed-on]").count() == 1
    assert page.locator("[data-testid=due-on]").count() == 0


def _executive_reads_the_figures_and_opens_the_dashboard(page, screenshot):
    assert page.locator("[data-testid=my-work]").count() == 0  # figures, not work
    # The 6 households are one district's, whose two small level cells (2 and 4) the tree-wide
    # protection may hide together with their total ("x"): the home page shows the very cell
    # the dashboard shows, never the 6 behind an "x".
    surveyed = page.inner_text("[data-testid=count-households_surveyed]")
    assert surveyed in (str(EXECUTIVE_HOUSEHOLDS), "x")
    assert page.inner_text("[data-testid=count-in_hardship]") == "<5"  # 2: hidden as there
    page.click("[data-testid=card-dashboard]")
    page.wait_for_selector(".headline .value")
    assert page.inner_text(".headline .value >> nth=0") == surveyed
    _no_sideways_scroll(page)
    screenshot(page, "home-executive-dashboard-390")


def _admin_reaches_users_and_imports(page, screenshot, job):
    users = _count(page, "users")
    page.click("[data-testid=card-users]")
    page.wait_for_selector("[data-testid=user-row]")
    assert page.locator("[data-testid=user-row]").count() == users
    page.goto(page.base_url + "/")
    assert _count(page, "imports") == 1
    page.click(f"[data-testid='card-import_{job.public_id}']")
    page.wait_for_load_state()
    assert str(job.public_id) in page.url
    page.goto(page.base_url + "/")
    page.click("[data-testid=card-imports]")
    assert page.locator("[data-testid=job-row]").count() == 1
    _no_sideways_scroll(page)
    screenshot(page, "home-admin-imports-390")


EXECUTIVE_HOUSEHOLDS = 6


def _one_possible_duplicate(facilitator):
    """A member added under another ID with the head's name and birth date: one to review."""
    import datetime

    from households import services as household_services
    from tests.factories import household_with_head, make_national_id

    born = datetime.date(1975, 3, 9)
    home = household_with_head(first_name="สมศรี", last_name="ใจดี", birth_date=born)
    household_services.add_member(
        actor=facilitator, household=home, relation="child",
        person={"national_id": make_national_id(77), "first_name": "สมศรี",
                "last_name": "ใจดี", "birth_date": born},
    )  # fmt: skip


def _roll_ups_for_the_executive():
    """6 verified households in this fiscal year's round (the round the referrals of the work
    world count in too), 2 in hardship, and the roll-ups built from them."""
    import datetime

    from monitoring.rollup import full_rebuild
    from ppaos.thai.thai_dates import fiscal_year_be
    from tests.monitoring.builders import household, result

    this_round = fiscal_year_be(datetime.date.today())
    for index in range(EXECUTIVE_HOUSEHOLDS):
        result(household("49010102"), this_round, "in_hardship" if index < 2 else "getting_by")
    full_rebuild()


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
    from ppaos.imports.models import ImportJob

    _roll_ups_for_the_executive()
    _one_possible_duplicate(request.getfixturevalue("facilitator"))
    expected = {**EXPECTED, "duplicates": 1}
    job = ImportJob.objects.create(
        created_by=admin_user, kind="welfare_registry", file="imports/journey.csv",
        original_filename="journey.csv", status="succeeded",
    )  # fmt: skip
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
        page.wait_for_selector("[data-testid=my-roles]")
        _no_sideways_scroll(page)
        screenshot(page, f"home-{role}-390")
        if role == "agency_staff":
            assert agency.name_th in page.inner_text("[data-testid=my-roles]")
        if role == "executive":
            _executive_reads_the_figures_and_opens_the_dashboard(page, screenshot)
        if role == "admin":
            assert _count(page, "users") >= len(users)
            _admin_reaches_users_and_imports(page, screenshot, job)
        for key, row_testid in JOURNEYS.get(role, []):
            page.goto(live_server.url + "/")
            assert _count(page, key) == expected[key], (role, key)
            page.click(f"[data-testid=card-{key}]")
            page.wait_for_load_state()
            rows = page.locator(f"[data-testid={row_testid}]").count()
            assert rows == expected[key], (role, key)
            _no_sideways_scroll(page)
            screenshot(page, f"home-{role}-{key}-390")
        if role == "facilitator":
            _facilitator_is_told_of_the_returned_survey(page, screenshot, work_world["returned"])
        if role == "agency_staff":
            _agency_writes_a_progress_note(page, screenshot)
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
