"""The household journey at phone width (390×844), issue 3 "Done when":

a facilitator finds a registrant by a misspelt Thai name, records "found", fills the survey over
its steps, saves a draft, resumes, submits; an area manager returns it with a comment; the
facilitator corrects and resubmits; the area manager verifies; the household page shows the
level and why.
"""

import datetime

import pytest

from households.models import Survey, SurveyAccounts, SurveyStatus
from ppaos.accounts.models import Role
from tests.browser.conftest import log_in
from tests.factories import TEST_PASSWORD, RegistrantFactory, UserFactory, assign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _radio_groups(page) -> list[str]:
    return page.eval_on_selector_all(
        "form[data-testid=survey-form] input[type=radio]",
        "els => [...new Set(els.map(e => e.name))]",
    )


def _answer(page, name: str, value: str) -> None:
    page.check(f"input[name='{name}'][value='{value}']")


def _log_out(page):
    page.click("[data-testid=logout]")
    page.wait_for_url("**/login/")


def test_household_survey_journey_on_a_phone(phone_page, screenshot, villages, survey_instrument):
    page = phone_page
    assign(
        UserFactory(username="somsri", first_name="สมศรี", last_name="ใจดี"),
        Role.FACILITATOR,
        "490101",
    )
    assign(
        UserFactory(username="prasert", first_name="ประเสริฐ", last_name="มั่นคง"),
        Role.AREA_MANAGER,
        "4901",
    )
    RegistrantFactory(
        title="นาง",
        first_name="สมหญิง",
        last_name="แก้วมณี",
        birth_date=datetime.date(1975, 4, 2),
        house_number="12",
        area_id="49010101",
    )
    RegistrantFactory(first_name="บุญมี", last_name="ศรีสุข", area_id="49010101")
    RegistrantFactory(first_name="สมชาย", last_name="พรมมา", area_id="49010102")

    # 1. Find the registrant by a misspelt name (หยิง for หญิง).
    log_in(page, "somsri", TEST_PASSWORD)
    page.goto(f"{page.base_url}/households/search/")
    page.fill("#id_q", "สมหยิง แก้วมณี")
    page.click("[data-testid=search-submit]")
    page.wait_for_selector("[data-testid=registrant-results]")
    first = page.locator("[data-testid=registrant-card]").first
    assert "สมหญิง" in first.inner_text()
    _no_sideways_scroll(page)
    screenshot(page, "household-01-search-misspelt")

    # 2. Record "found": the household and the person are created.
    first.locator("[data-testid=registrant-link]").click()
    page.wait_for_selector("[data-testid=finding-form]")
    page.check("input[name=finding][value=found]")
    page.click("[data-testid=finding-submit]")
    page.wait_for_selector("[data-testid=household-title]")
    assert "สมหญิง" in page.locator("[data-testid=members]").inner_text()
    screenshot(page, "household-02-found")

    # 3. Start the survey: notice and consent.
    page.click("[data-testid=start-survey]")
    page.wait_for_selector("[data-testid=survey-form]")
    page.check("#id_notice_given")
    assert page.input_value("#id_lawful_basis") == "public_task"
    _no_sideways_scroll(page)
    screenshot(page, "household-03-consent")
    page.click("[data-testid=save-next]")

    # 4. Members: the questions for her age (her birth date came from the registry).
    page.wait_for_selector("[data-testid=member-1]")
    for name in _radio_groups(page):
        _answer(page, name, "pass")
    screenshot(page, "household-04-members")
    page.click("[data-testid=save-next]")

    # 5. Basic needs: not enough clean drinking water all year.
    page.wait_for_selector("input[name=bmn04]")
    for name in _radio_groups(page):
        _answer(page, name, "fail" if name == "bmn09" else "pass")
    page.click("[data-testid=save-next]")

    # 6. Five capitals: half of them, then "save draft" and leave.
    page.wait_for_selector("input[name=H1]")
    groups = _radio_groups(page)
    assert len(groups) == 21
    for name in groups[:10]:
        _answer(page, name, "2")
    page.click("[data-testid=save-draft]")
    page.wait_for_selector(".messages")
    _no_sideways_scroll(page)
    screenshot(page, "household-05-capitals-draft-saved")
    page.goto(f"{page.base_url}/")

    # 7. Resume later from "my surveys": back on the capitals step, answers kept.
    page.goto(f"{page.base_url}/households/surveys/")
    page.click("[data-testid=my-surveys] a.btn")
    page.wait_for_selector("input[name=H1]")
    assert page.is_checked("input[name=H1][value='2']")
    assert page.is_checked(f"input[name={groups[9]}][value='2']")
    for name in groups[10:]:
        _answer(page, name, "1" if name == "F2" else "2")
    screenshot(page, "household-06-capitals-resumed")
    page.click("[data-testid=save-next]")

    # 8. Accounts: a wrong amount shows its error beside the field; valid amounts are kept.
    page.wait_for_selector("#id_income_farming")
    page.fill("#id_income_farming", "๖,๐๐๐")
    page.fill("#id_savings", "ห้าร้อย")
    page.click("[data-testid=save-next]")
    page.wait_for_selector("[data-field=savings] .errorlist")
    assert page.input_value("#id_income_farming") in ("6000", "๖,๐๐๐")
    _no_sideways_scroll(page)
    screenshot(page, "household-07-accounts-error-beside-field")
    for field in [
        "income_wages", "income_business", "income_welfare", "income_remittances",
        "income_other", "expense_production", "debt_formal",
    ]:  # fmt: skip
        page.fill(f"#id_{field}", "0")
    page.fill("#id_expense_consumption", "4500")
    page.fill("#id_debt_informal", "30000")
    page.fill("#id_savings", "500")
    page.click("[data-testid=save-next]")

    # 9. Needs, then review and submit.
    page.wait_for_selector("input[name=needs]")
    page.check("input[name=needs][value=debt]")
    page.check("input[name=needs][value=occupation]")
    page.fill("#id_needs_note", "อยากปลดหนี้นอกระบบ และมีอาชีพเสริม")
    page.click("[data-testid=save-next]")
    page.wait_for_selector("[data-testid=submit-survey]")
    assert page.locator("[data-testid=problems]").count() == 0
    screenshot(page, "household-08-review")
    page.click("[data-testid=submit-survey]")
    page.wait_for_selector("[data-testid=survey-status]")
    survey = Survey.objects.get()
    assert survey.status == SurveyStatus.SUBMITTED
    assert SurveyAccounts.objects.get(survey=survey).income_farming == 6000

    # 10. The area manager returns it with a comment.
    _log_out(page)
    log_in(page, "prasert", TEST_PASSWORD)
    page.goto(f"{page.base_url}/households/surveys/review/")
    page.click("[data-testid=open-review]")
    page.wait_for_selector("[data-testid=review-actions]")
    page.fill("#id_comment", "รายจ่ายค่าอาหารดูน้อยไป กรุณาถามอีกครั้ง")
    screenshot(page, "household-09-manager-review")
    page.click("[data-testid=return-survey]")
    page.wait_for_selector("[data-testid=review-queue]")
    assert (
        "Nothing waiting" in page.inner_text("main")
        or page.locator("[data-testid=open-review]").count() == 0
    )

    # 11. The facilitator sees it back on her list with the comment, corrects and resubmits.
    _log_out(page)
    log_in(page, "somsri", TEST_PASSWORD)
    page.goto(f"{page.base_url}/households/surveys/")
    assert "รายจ่ายค่าอาหารดูน้อยไป" in page.inner_text("[data-testid=my-surveys]")
    screenshot(page, "household-10-returned-on-list")
    page.click("[data-testid=my-surveys] a.btn")
    page.wait_for_selector("[data-testid=return-comment]")
    page.click("[data-testid=step-accounts]")
    page.fill("#id_expense_consumption", "5200")
    page.click("[data-testid=save-next]")
    page.click("[data-testid=save-next]")  # needs unchanged
    page.wait_for_selector("[data-testid=submit-survey]")
    page.click("[data-testid=submit-survey]")
    page.wait_for_selector("[data-testid=survey-status]")

    # 12. The area manager verifies.
    _log_out(page)
    log_in(page, "prasert", TEST_PASSWORD)
    page.goto(f"{page.base_url}/households/surveys/review/")
    page.click("[data-testid=open-review]")
    page.click("[data-testid=verify-survey]")
    # After verifying, the survey page offers the way back to the household.
    page.wait_for_selector("[data-testid=after-verify]")
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.VERIFIED
    assert survey.result.level == "struggling"  # every item 2, debt 1: 1.95

    # 13. The household page shows the level and why, in plain words.
    page.click("[data-testid=back-to-household]")
    page.wait_for_selector("[data-testid=household-title]")
    history = page.locator("[data-testid=level-history]")
    history.scroll_into_view_if_needed()
    text = history.inner_text()
    assert "อยู่ยาก" in text and "1.95" in text
    assert "มีหนี้มากจนผ่อนได้ลำบาก หรือมีหนี้นอกระบบ" in text
    _no_sideways_scroll(page)
    screenshot(page, "household-11-level-and-why")
