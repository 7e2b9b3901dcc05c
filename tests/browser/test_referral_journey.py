"""The referral loop at phone width: a facilitator proposes help from the household page, a
provincial officer approves it in a batch of several, agency staff accept it and complete it with
an outcome, and the household page shows the outcome."""

import pytest

from ppaos.accounts.models import Role, RoleAssignment
from referrals import services
from referrals.models import Agency, AgencyKind, Referral
from tests.browser.conftest import log_in
from tests.factories import TEST_PASSWORD, UserFactory, assign
from tests.referrals.conftest import make_household, make_service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_referral_journey_on_a_phone(phone_page, screenshot, villages):
    page = phone_page
    facilitator = assign(
        UserFactory(username="somsri", first_name="สมศรี", last_name="ใจดี"),
        Role.FACILITATOR,
        "490101",
    )
    assign(UserFactory(username="wilaiwan", first_name="วิไลวรรณ"), Role.PROVINCIAL_OFFICER, "49")
    agency = Agency.objects.create(
        code="pmj-mukdahan",
        name_th="พมจ.มุกดาหาร",
        kind=AgencyKind.GOVERNMENT_OFFICE,
    )
    agency.areas_served.add("49")
    service = make_service(agency, "pmj-house-repair", name_th="ปรับปรุงที่อยู่อาศัยผู้สูงอายุ", days=90)
    staff = UserFactory(username="anucha", first_name="อนุชา")
    RoleAssignment.objects.create(user=staff, role=Role.AGENCY_STAFF, agency=agency)
    household = make_household("49010101", house_number="45/1", head_name="บัวผัน")
    # Three more referrals already wait for the officer: the approval is a batch of several.
    for number in ("7", "12", "30/2"):
        services.propose_referral(
            facilitator,
            household=make_household("49010102", house_number=number),
            service=service,
            need="บ้านทรุดโทรม หลังคารั่ว",
        )

    # 1. The facilitator proposes a referral from the household page.
    log_in(page, "somsri", TEST_PASSWORD)
    page.goto(f"{page.base_url}/households/h/{household.public_id}/")
    page.wait_for_selector("[data-testid=referrals-panel]")
    screenshot(page, "referral-01-household-page")
    page.click("[data-testid=propose-referral]")
    page.wait_for_selector("[data-testid=propose-form]")
    page.select_option("#id_service", str(service.pk))
    page.fill("#id_need", "หลังคารั่ว ผนังผุ ผู้สูงอายุอยู่ลำพัง")
    page.select_option("#id_urgency", "high")
    page.fill("#id_contact_phone", "0891234567")
    _no_sideways_scroll(page)
    screenshot(page, "referral-02-propose-form")
    page.click("[data-testid=propose-submit]")
    page.wait_for_selector("[data-testid=history]")
    referral = Referral.objects.get(household=household)
    assert referral.status == "submitted"
    screenshot(page, "referral-03-submitted")
    page.click("[data-testid=logout]")

    # 2. The provincial officer approves it with the others in one batch.
    log_in(page, "wilaiwan", TEST_PASSWORD)
    assert page.inner_text("[data-testid=unread-count]") == "4"
    page.goto(f"{page.base_url}/referrals/queue/")
    rows = page.locator("[data-testid=queue-row]")
    assert rows.count() == 4
    for index in range(4):
        rows.nth(index).locator("input[type=checkbox]").check()
    _no_sideways_scroll(page)
    screenshot(page, "referral-04-officer-batch")
    page.click("[data-testid=batch-approve]")
    page.wait_for_selector("[data-testid=empty]")
    assert Referral.objects.filter(status="approved").count() == 4
    screenshot(page, "referral-05-batch-approved")
    page.click("[data-testid=logout]")

    # 3. Agency staff accept, start and complete it with an outcome.
    log_in(page, "anucha", TEST_PASSWORD)
    page.goto(f"{page.base_url}/referrals/inbox/")
    assert page.locator("[data-testid=inbox-row]").count() == 4
    page.click("text=นายบัวผัน ศรีมุกดา")
    page.wait_for_selector("[data-testid=minimal-record]")
    record = page.inner_text("[data-testid=minimal-record]")
    assert "0891234567" in record and "หลังคารั่ว" in record
    _no_sideways_scroll(page)
    screenshot(page, "referral-06-agency-record")
    page.click("[data-testid=step-accept]")
    page.wait_for_selector("[data-testid=step-start]")
    page.click("[data-testid=step-start]")
    page.wait_for_selector("[data-testid=complete-form]")
    page.fill("#id_outcome", "ซ่อมหลังคาและผนังเสร็จแล้ว")
    page.fill("#id_help_value", "25000")
    screenshot(page, "referral-07-agency-complete")
    page.click("[data-testid=step-complete]")
    page.wait_for_selector("[data-testid=inbox-row]")
    referral.refresh_from_db()
    assert referral.status == "completed"
    page.click("[data-testid=logout]")

    # 4. The facilitator was told: opening the notice (a button, POST) marks it read and goes to
    # the referral; it still waits (confirm the help at the next survey). The household page
    # shows the outcome.
    log_in(page, "somsri", TEST_PASSWORD)
    assert page.inner_text("[data-testid=unread-count]") == "1"
    page.goto(f"{page.base_url}/notifications/")
    page.wait_for_selector("[data-testid=open-notice]")
    _no_sideways_scroll(page)
    screenshot(page, "referral-08-notifications")
    page.click(
        "[data-testid=notice-waiting][data-kind=referral_completed] [data-testid=open-notice]"
    )
    page.wait_for_selector("[data-testid=history]")
    assert page.inner_text("[data-testid=unread-count]") == "1"  # the follow-up still waits
    page.goto(f"{page.base_url}/households/h/{household.public_id}/")
    outcome = page.inner_text("[data-testid=referral-outcome]")
    assert "ซ่อมหลังคาและผนังเสร็จแล้ว" in outcome and "25,000 บาท" in outcome
    _no_sideways_scroll(page)
    screenshot(page, "referral-08-household-outcome")
