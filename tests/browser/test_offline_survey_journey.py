"""Field work without a signal at phone width (390×844), issue 16 "Done when":

1. A facilitator loads the work list online, goes offline, opens a household kept on the phone,
   fills the whole survey, reloads the page while offline (the work is still there), goes
   online, watches it sync, and the area manager sees it submitted.
2. While the facilitator is offline, someone else edits the same survey online; when the phone
   syncs, the conflict page shows both versions field by field; the chosen result is stored and
   both are in the audit trail.

Service workers need a real http://localhost origin (the live server) and a context that allows
them.
"""

import pytest

from households.models import (
    OfflineChange,
    OfflineChangeStatus,
    Survey,
    SurveyAccounts,
    SurveyStatus,
)
from households.surveys.services import start_survey
from ppaos.accounts.models import Role
from ppaos.audit.models import AuditEvent
from tests.browser.conftest import PHONE, csp_violations_of, log_in, watch_for_csp_violations
from tests.factories import TEST_PASSWORD, UserFactory, assign
from tests.households.surveys.survey_helpers import family

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAVED = "บันทึกไว้ในโทรศัพท์ — ยังไม่ได้ส่ง"


def _phone(browser, live_server):
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="th-TH",
        service_workers="allow",
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.base_url = live_server.url.replace("127.0.0.1", "localhost")
    watch_for_csp_violations(context, page)
    return context, page


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _ready_offline(page, households: int):
    """The service worker controls the page and the work is kept on the phone."""
    # Functions, not bare expressions: Playwright evals an expression in the page, which the
    # Content-Security-Policy refuses.
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("() => !!navigator.serviceWorker.controller"):
        # This page opened while the worker was still installing (a slow phone or host): the
        # worker claims the pages open when it activates, but not one whose load was under way
        # then. The next page opened is controlled, as the facilitator's next page would be.
        page.reload()
    page.wait_for_function("() => !!navigator.serviceWorker.controller")
    page.wait_for_function(
        """n => PPAOSOffline.get("bundle").then(b => b && b.households.length === n)""",
        arg=households,
    )
    page.wait_for_selector("[data-testid=offline-status][data-ready='1']")


def _radio_groups(page) -> list[str]:
    return page.eval_on_selector_all(
        "form[data-testid=offline-survey-form] .field:not([hidden]) input[type=radio]",
        "els => [...new Set(els.map(e => e.name))]",
    )


def _answer_all(page, value: str) -> None:
    for name in _radio_groups(page):
        page.check(f"input[name='{name}'][value='{value}']")


def _save_next(page, next_step: int) -> None:
    page.click("[data-testid=offline-save-next]")
    page.wait_for_selector(f"[data-testid=offline-step-title]:has-text('ขั้นที่ {next_step} ')")
    assert SAVED in page.inner_text("[data-testid=offline-waiting-banner]")


def _waiting(page) -> int:
    return int(page.inner_text("[data-testid=offline-waiting-count]"))


def _people(villages):
    facilitator = assign(
        UserFactory(username="somsri", first_name="สมศรี", last_name="ใจดี"),
        Role.FACILITATOR,
        "490101",
    )
    manager = assign(
        UserFactory(username="prasert", first_name="ประเสริฐ", last_name="มั่นคง"),
        Role.AREA_MANAGER,
        "4901",
    )
    return facilitator, manager


def test_a_whole_survey_offline_then_synced(
    browser, live_server, villages, survey_instrument, screenshot
):
    facilitator, manager = _people(villages)
    household = family()
    context, page = _phone(browser, live_server)

    # Online: open the household (kept on the phone), then the work list.
    log_in(page, "somsri", TEST_PASSWORD)
    page.goto(f"{page.base_url}/households/h/{household.public_id}/")
    page.wait_for_selector("[data-testid=offline-keep]:visible")
    page.goto(f"{page.base_url}/households/")
    _ready_offline(page, 1)
    screenshot(page, "offline-01-worklist-online")

    # No signal: the work list page opens as the work kept on the phone.
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("[data-testid=offline-households]")
    _no_sideways_scroll(page)
    screenshot(page, "offline-02-worklist-offline")
    page.click("[data-testid=offline-household-link]")
    page.wait_for_selector("[data-testid=offline-household-title]")
    page.click("[data-testid=offline-survey-start]")

    # Consent: the visit date checked against the round, health data only with consent.
    page.wait_for_selector("input[name=notice_given]")
    page.fill("input[name=surveyed_on]", "01/01/2400")
    page.check("input[name=notice_given]")
    page.click("[data-testid=offline-save-next]")
    page.wait_for_selector("[data-field=surveyed_on] .errorlist")
    assert page.locator("[data-testid=offline-waiting-banner]").count() == 0  # nothing saved
    page.fill("input[name=surveyed_on]", "")
    _save_next(page, 2)
    assert _waiting(page) == 1
    screenshot(page, "offline-03-saved-on-phone")

    # Members: without consent the health flags cannot be ticked.
    assert page.locator("input[name$=_disability]").first.is_disabled()
    assert page.locator("[data-testid=offline-consent-first]").is_visible()
    _answer_all(page, "pass")
    _save_next(page, 3)
    _answer_all(page, "pass")
    _save_next(page, 4)
    _answer_all(page, "3")
    _save_next(page, 5)
    # Accounts: a negative amount is refused beside the field, Thai digits are read.
    inputs = page.locator("form[data-testid=offline-survey-form] input[type=text]")
    for index in range(inputs.count()):
        inputs.nth(index).fill("0")
    page.fill("input[name=income_farming]", "-5")
    page.click("[data-testid=offline-save-next]")
    page.wait_for_selector("[data-field=income_farming] .errorlist")
    page.fill("input[name=income_farming]", "๖,๐๐๐")
    page.fill("input[name=expense_consumption]", "4500")
    _save_next(page, 6)
    page.check("input[name=needs][value=occupation]")
    page.fill("textarea[name=needs_note]", "อยากมีอาชีพเสริม")
    _save_next(page, 7)
    page.wait_for_selector("[data-testid=offline-complete]")
    assert _waiting(page) == 6

    # Reload with no signal: the work is still on the phone.
    page.reload()
    page.wait_for_selector("[data-testid=offline-complete]")
    assert _waiting(page) == 6
    page.click("[data-testid=offline-submit]")
    page.wait_for_selector("[data-testid=offline-household-title]")
    assert _waiting(page) == 7
    page.goto(f"{page.base_url}/offline/#/outbox")
    page.wait_for_selector("[data-testid=offline-outbox]")
    assert page.locator("[data-testid=offline-outbox-item][data-state=waiting]").count() == 7
    _no_sideways_scroll(page)
    screenshot(page, "offline-04-waiting-on-phone")
    assert not Survey.objects.filter(household=household).exists()

    # Signal again: the queue is sent in order and the page says so.
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("[data-testid=offline-outbox-empty]", timeout=30_000)
    screenshot(page, "offline-05-synced")
    survey = Survey.objects.get(household=household)
    assert survey.status == SurveyStatus.SUBMITTED
    assert SurveyAccounts.objects.get(survey=survey).income_farming == 6000
    assert OfflineChange.objects.filter(status=OfflineChangeStatus.APPLIED).count() == 7
    assert not csp_violations_of(page)
    context.close()

    # The area manager sees it submitted.
    manager_context, manager_page = _phone(browser, live_server)
    log_in(manager_page, "prasert", TEST_PASSWORD)
    manager_page.goto(f"{manager_page.base_url}/households/surveys/review/")
    manager_page.wait_for_selector("[data-testid=review-queue]")
    manager_page.click("[data-testid=open-review]")
    manager_page.wait_for_selector("[data-testid=survey-status]")
    assert "ส่งแล้ว" in manager_page.inner_text("[data-testid=survey-status]")
    screenshot(manager_page, "offline-06-manager-sees-submitted")
    manager_context.close()


def test_a_conflict_shows_both_versions_and_keeps_the_choice(
    browser, live_server, villages, survey_instrument, screenshot
):
    facilitator, manager = _people(villages)
    household = family()
    survey = start_survey(actor=facilitator, household=household)
    context, page = _phone(browser, live_server)
    log_in(page, "somsri", TEST_PASSWORD)
    page.goto(f"{page.base_url}/households/h/{household.public_id}/")
    page.wait_for_selector("[data-testid=offline-keep]:visible")
    page.goto(f"{page.base_url}/households/")
    _ready_offline(page, 1)

    # Offline, the facilitator answers the accounts.
    context.set_offline(True)
    page.goto(f"{page.base_url}/offline/#/s/{household.public_id}/accounts")
    page.wait_for_selector("input[name=income_farming]")
    inputs = page.locator("form[data-testid=offline-survey-form] input[type=text]")
    for index in range(inputs.count()):
        inputs.nth(index).fill("100")
    page.fill("input[name=income_farming]", "5000")
    page.fill("input[name=savings]", "700")
    page.click("[data-testid=offline-save-draft]")
    page.wait_for_selector("[data-testid=offline-waiting-banner]")

    # Meanwhile, someone else saves the same step online (another browser context).
    other_context, other = _phone(browser, live_server)
    log_in(other, "somsri", TEST_PASSWORD)
    other.goto(f"{other.base_url}/households/surveys/{survey.public_id}/step/accounts/")
    other.fill("#id_income_farming", "8000")
    other.fill("#id_savings", "700")
    other.click("[data-testid=save-draft]")
    other.wait_for_selector(".messages")
    other_context.close()
    online_version = Survey.objects.get(pk=survey.pk).version

    # Back online: the change is not applied over the newer answers.
    context.set_offline(False)
    page.goto(f"{page.base_url}/offline/#/outbox")
    page.wait_for_selector("[data-testid=offline-outbox-item][data-state=conflict]", timeout=30_000)
    assert SurveyAccounts.objects.get(survey=survey).income_farming == 8000
    page.click("[data-testid=offline-conflict-open]")
    page.wait_for_selector("[data-testid=offline-conflict-title]")
    row = page.locator("tr[data-field=income_farming]")
    assert "5000" in row.locator("[data-side=mine]").inner_text()
    assert "8000" in row.locator("[data-side=server]").inner_text()
    assert page.locator("tr[data-field=savings].same").count() == 1
    _no_sideways_scroll(page)
    screenshot(page, "offline-07-conflict-side-by-side")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "offline-08-conflict-1280")
    page.set_viewport_size(PHONE)

    # Keep the phone's income from farming, the system's for everything else.
    page.click("[data-testid=conflict-all-theirs]")
    row.locator("input[value=phone]").check()
    page.click("[data-testid=conflict-save]")
    page.wait_for_selector("[data-testid=offline-outbox-empty]", timeout=30_000)
    accounts = SurveyAccounts.objects.get(survey=survey)
    assert accounts.income_farming == 5000
    assert accounts.income_wages is None  # the online version had it empty; that was chosen
    survey.refresh_from_db()
    assert survey.version == online_version + 1
    conflict = OfflineChange.objects.get(status=OfflineChangeStatus.RESOLVED)
    # Settled: both sides' answers are no longer kept on the server (PDPA), only the outcome.
    assert conflict.fields == {} and conflict.server_fields == {}
    actions = set(
        AuditEvent.objects.filter(object_id=str(survey.public_id)).values_list("action", flat=True)
    )
    assert {"survey.offline_conflict", "survey.offline_conflict_resolved"} <= actions
    assert not csp_violations_of(page)
    context.close()


def test_a_signed_out_phone_forgets_the_kept_households(
    browser, live_server, villages, survey_instrument
):
    """The bundle answered 401/403: the households kept on the phone go at once; the changes not
    sent yet stay only when the facilitator says so."""
    _facilitator, _manager = _people(villages)
    household = family()
    context, page = _phone(browser, live_server)
    log_in(page, "somsri", TEST_PASSWORD)
    page.goto(f"{page.base_url}/households/h/{household.public_id}/")
    page.wait_for_selector("[data-testid=offline-keep]:visible")
    page.goto(f"{page.base_url}/households/")
    _ready_offline(page, 1)
    page.evaluate(
        """() => PPAOSOffline.outboxPut({household: "h", step: "capitals", fields: {H1: 2},
                                         state: "waiting", base_version: 0})"""
    )
    context.clear_cookies()  # signed out (the session ended on the server)
    page.once("dialog", lambda dialog: dialog.accept())  # keep the unsent change
    status = page.evaluate("() => PPAOSOffline.refreshBundle().then(() => 200, e => e.status)")
    assert status in (401, 403)
    assert page.evaluate("() => PPAOSOffline.get('bundle')") is None
    assert page.evaluate("() => PPAOSOffline.get('pinned')") is None
    assert page.evaluate("() => PPAOSOffline.waitingCount()") == 1

    page.once("dialog", lambda dialog: dialog.dismiss())  # this time: delete it
    page.evaluate("() => PPAOSOffline.refreshBundle().catch(() => null)")
    assert page.evaluate("() => PPAOSOffline.waitingCount()") == 0
    context.close()
