"""Fixtures for referrals: a small catalogue, households to refer, and referrals driven to a given
state through the real services (so every one has its history)."""

import datetime
import itertools

import pytest

from households.models import Household, Membership, Person
from ppaos.accounts.models import Role, RoleAssignment
from ppaos.accounts.policy import forget_assignments
from ppaos.thai.thai_id import national_id_check_digit
from referrals import services
from referrals.models import Agency, AgencyKind, Capital, Service, ServiceKind
from tests.factories import UserFactory

_ids = itertools.count(1)


def national_id() -> str:
    first12 = f"3{49_000_000_000 + next(_ids):011d}"
    return first12 + str(national_id_check_digit(first12))


def make_household(area_code: str = "49010101", *, house_number: str = "", head_name="บุญมี"):
    household = Household.objects.create(
        area_id=area_code, house_number=house_number or f"{next(_ids)}/2"
    )
    head = Person.objects.create(
        national_id=national_id(), title="นาย", first_name=head_name, last_name="ศรีมุกดา"
    )
    Membership.objects.create(
        household=household, person=head, relation="head", joined_on=datetime.date(2020, 1, 1)
    )
    return household


def make_service(agency: Agency, code: str, *, kind=ServiceKind.WELFARE, days=30, **extra):
    return Service.objects.create(
        agency=agency,
        code=code,
        name_th=extra.pop("name_th", f"บริการ {code}"),
        kind=kind,
        capital=extra.pop("capital", Capital.FINANCIAL),
        expected_days=days,
        **extra,
    )


def staff_of(agency: Agency, username: str):
    user = UserFactory(username=username)
    RoleAssignment.objects.get_or_create(user=user, role=Role.AGENCY_STAFF, agency=agency)
    forget_assignments(user)
    return user


@pytest.fixture
def service(agency):
    return make_service(agency, "elderly-allowance-test", days=30, name_th="เบี้ยยังชีพผู้สูงอายุ")


@pytest.fixture
def other_agency(villages):
    agency = Agency.objects.create(
        code="test-lao-490102", name_th="อบต.ศรีบุญเรือง", kind=AgencyKind.LOCAL_ADMINISTRATION
    )
    agency.areas_served.add("49")
    return agency


@pytest.fixture
def other_service(other_agency):
    return make_service(other_agency, "local-relief-test", kind=ServiceKind.RELIEF, days=15)


@pytest.fixture
def other_agency_staff(other_agency):
    return staff_of(other_agency, "other_agency_staff")


@pytest.fixture
def household(villages):
    return make_household("49010101")


# The path through the table to each state, with the party that takes each step.
_PATH = {
    "draft": [],
    "submitted": ["submit"],
    "approved": ["submit", "approve"],
    "rejected": ["submit", "reject"],
    "accepted": ["submit", "approve", "accept"],
    "declined": ["submit", "approve", "decline"],
    "in_progress": ["submit", "approve", "accept", "start"],
    "completed": ["submit", "approve", "accept", "start", "complete"],
    "cancelled": ["cancel"],
}


@pytest.fixture
def make_referral(facilitator, provincial_officer, agency_staff, service, household):
    """`make_referral("in_progress")`: a referral driven to that state by the real services."""

    def make(state="submitted", *, household=household, service=service, urgency="normal"):
        referral = services.propose_referral(
            facilitator,
            household=household,
            service=service,
            need="ผู้สูงอายุไม่มีรายได้ ต้องการเบี้ยยังชีพ",
            reason="คะแนนทุนการเงินต่ำ",
            urgency=urgency,
            contact_phone="0812345678",
            submit=False,
        )
        staff = {"approve": provincial_officer, "reject": provincial_officer}
        for step in _PATH[state]:
            actor = staff.get(step, facilitator if step in ("submit", "cancel") else None)
            if actor is None:
                actor = (
                    agency_staff
                    if service.agency.code == "test-pmj-49"
                    else staff_of(service.agency, f"staff_{service.agency.code}")
                )
            kwargs = {}
            if step in ("reject", "decline"):
                kwargs["reason"] = "ไม่เข้าเกณฑ์"
            if step == "complete":
                kwargs = {"outcome": "ได้รับเบี้ยยังชีพเดือนละ 600 บาท", "help_value": 7200}
            referral = getattr(services, f"{step}_referral")(actor, referral=referral, **kwargs)
        return referral

    return make


@pytest.fixture(autouse=True)
def in_english(client, settings):
    """Messages are asserted in English (the msgids): the Thai catalogue may change wording."""
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield
