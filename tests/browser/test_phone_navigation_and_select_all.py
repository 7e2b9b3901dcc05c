"""At 390 px: the top menu wraps instead of being cut off, a long import file name does not widen
the import history, and the officer queue's select-all box ticks every row (a static script
under the strict CSP)."""

import pytest

from ppaos.accounts.models import Role
from ppaos.imports.models import ImportJob
from referrals import services
from referrals.models import Agency, AgencyKind
from tests.browser.conftest import log_in
from tests.factories import TEST_PASSWORD, UserFactory, assign
from tests.referrals.conftest import make_household, make_service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_menu_and_import_history_fit_a_phone(phone_page, screenshot, villages):
    page = phone_page
    admin = assign(UserFactory(username="prasit", first_name="ประสิทธิ์"), Role.ADMIN, None)
    ImportJob.objects.create(
        created_by=admin,
        kind="welfare_registry",
        original_filename="ทะเบียนผู้มีรายได้น้อย_ตำบลมุกดาหาร_" + "x" * 180 + ".xlsx",
        headers=[],
    )
    log_in(page, "prasit", TEST_PASSWORD)
    page.goto(page.base_url + "/")
    screenshot(page, "phone-nav-home-admin")
    assert page_width(page) <= 390
    last = page.locator("nav.main-nav li").last.bounding_box()
    assert last["x"] + last["width"] <= 390  # the last menu item is on screen, not cut off
    page.goto(page.base_url + "/imports/")
    page.wait_for_selector("[data-testid=job-row]")
    screenshot(page, "phone-import-history-long-name")
    assert page_width(page) <= 390


def test_select_all_ticks_every_row(phone_page, screenshot, villages):
    page = phone_page
    facilitator = assign(UserFactory(username="somsri"), Role.FACILITATOR, "490101")
    assign(UserFactory(username="wilaiwan"), Role.PROVINCIAL_OFFICER, "49")
    agency = Agency.objects.create(
        code="pmj-test", name_th="พมจ.มุกดาหาร", kind=AgencyKind.GOVERNMENT_OFFICE
    )
    agency.areas_served.add("49")
    service = make_service(agency, "pmj-repair", name_th="ปรับปรุงที่อยู่อาศัย", days=90)
    for number in ("7", "12", "30/2"):
        services.propose_referral(
            facilitator,
            household=make_household("49010102", house_number=number),
            service=service,
            need="บ้านทรุดโทรม",
        )
    log_in(page, "wilaiwan", TEST_PASSWORD)
    page.goto(page.base_url + "/referrals/queue/")
    page.wait_for_selector("[data-testid=select-all]")
    boxes = page.locator("input[name=referrals]")
    assert boxes.count() == 3
    page.check("[data-testid=select-all]")
    assert all(boxes.nth(i).is_checked() for i in range(3))
    assert page.locator("[data-testid=household-level]").count() == 3
    screenshot(page, "phone-officer-queue-select-all")
    assert page_width(page) <= 390
    page.uncheck("[data-testid=select-all]")
    assert not any(boxes.nth(i).is_checked() for i in range(3))
