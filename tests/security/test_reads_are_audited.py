"""Every list, search and export of personal data writes one audit row (PDPA s.37 audit trail):
with the filter (no searched name or ID) and the number of records returned (no IDs)."""

import datetime
import json

import pytest
from django.urls import reverse

from households import services as household_services
from households.models import Membership, Person, WelfareRegistrant
from households.surveys.services import submit_survey
from ppaos.audit.models import AuditEvent
from referrals import services as referral_services
from referrals.models import Capital, Service, ServiceKind
from tests.factories import HouseholdFactory, make_national_id
from tests.households.surveys.survey_helpers import fill_survey, started_survey

pytestmark = pytest.mark.django_db

NATIONAL_ID = make_national_id(424242)
_N = NATIONAL_ID
DASHED_ID = f"{_N[0]}-{_N[1:5]}-{_N[5:10]}-{_N[10:12]}-{_N[12]}"
FIRST_NAME, LAST_NAME = "บุญเรือนพิสูจน์", "ตรวจสอบสกุล"
NAME = f"{FIRST_NAME} {LAST_NAME}"
BORN = datetime.date(1961, 4, 13)


@pytest.fixture
def registry(facilitator, area_manager, provincial_officer, agency_staff, agency):
    """One of everything a list shows, all in village 49010101."""
    household = HouseholdFactory(area_id="49010101")
    head = Person.objects.create(
        national_id=NATIONAL_ID,
        title="นาง",
        first_name=FIRST_NAME,
        last_name=LAST_NAME,
        birth_date=BORN,
        sex="female",
    )
    Membership.objects.create(
        household=household, person=head, relation="head", joined_on=datetime.date(2020, 1, 1)
    )
    WelfareRegistrant.objects.create(
        national_id=NATIONAL_ID,
        title="นาง",
        first_name=FIRST_NAME,
        last_name=LAST_NAME,
        house_number="9",
        village_number=1,
        area_id="49010101",
    )
    # Same names and birth date under another ID: a duplicate to review.
    household_services.add_member(
        actor=facilitator,
        household=household,
        person={
            "national_id": make_national_id(424243),
            "first_name": FIRST_NAME,
            "last_name": LAST_NAME,
            "birth_date": BORN,
        },
        relation="sibling",
    )
    started_survey(facilitator)  # a draft to finish
    submit_survey(actor=facilitator, survey=fill_survey(facilitator, started_survey(facilitator)))
    service = Service.objects.create(
        agency=agency,
        code="audit-test-allowance",
        name_th="เบี้ยยังชีพทดสอบ",
        kind=ServiceKind.WELFARE,
        capital=Capital.FINANCIAL,
        expected_days=30,
    )
    for approve in (False, True):
        referral = referral_services.propose_referral(
            facilitator,
            household=household,
            service=service,
            need="ต้องการเบี้ยยังชีพ",
            urgency="normal",
            contact_phone="0812345678",
        )
        if approve:
            referral_services.approve_referral(provincial_officer, referral=referral)
    return household


def _page_rows(response):
    return len(response.context["page"].object_list)


def _search_rows(response):
    return len(response.context["registrants"]) + len(response.context["households"])


def _rows(response):
    return len(response.context["rows"])


def _api_rows(response):
    body = response.json()
    return len(body["results"] if isinstance(body, dict) else body)


PAGES_AND_ENDPOINTS = [
    # (user fixture, url name or path, query, audited action, how many rows the answer holds)
    ("facilitator", "households:worklist", {}, "registrant.listed", _page_rows),
    ("facilitator", "households:search", {"q": DASHED_ID}, "household_search.listed", _search_rows),
    ("facilitator", "households:search", {"q": NAME}, "household_search.listed", _search_rows),
    ("area_manager", "households:duplicate_queue", {}, "duplicate.listed", _page_rows),
    ("facilitator", "households:survey_list", {}, "survey.listed", _page_rows),
    ("area_manager", "households:review_queue", {}, "survey_review.listed", _page_rows),
    ("provincial_officer", "referrals:officer_queue", {}, "referral.listed", _rows),
    ("agency_staff", "referrals:agency_inbox", {}, "agency_referral.listed", _rows),
    ("facilitator", "/api/v1/households/", {"area": "49010101"}, "household.listed", _api_rows),
    ("facilitator", "/api/v1/persons/", {"q": NATIONAL_ID}, "person.listed", _api_rows),
    ("facilitator", "/api/v1/persons/", {"q": NAME}, "person.listed", _api_rows),
    ("facilitator", "/api/v1/registrants/", {"q": NAME}, "registrant.listed", _api_rows),
    ("facilitator", "/api/v1/surveys/", {}, "survey.listed", _api_rows),
    ("facilitator", "/api/v1/referrals/", {}, "referral.listed", _api_rows),
    ("agency_staff", "/api/v1/agency-referrals/", {}, "agency_referral.listed", _api_rows),
]


@pytest.mark.parametrize(("user", "where", "query", "action", "rows"), PAGES_AND_ENDPOINTS)
def test_a_list_read_writes_one_audit_row_with_its_count(
    request, client, registry, user, where, query, action, rows
):
    actor = request.getfixturevalue(user)
    client.force_login(actor)
    url = where if where.startswith("/") else reverse(where)
    before = AuditEvent.objects.count()

    response = client.get(url, query)

    assert response.status_code == 200
    assert rows(response) >= 1, "the user should see the test data"
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [e.action for e in events] == [action]
    (event,) = events
    assert event.actor == actor
    assert event.details["count"] == rows(response)
    assert event.object_id == ""
    if query.get("q"):
        assert event.details["filters"]["q"] == "given"
        expected_kind = "name" if query["q"] == NAME else "national_id"
        assert event.details["filters"]["query_kind"] == expected_kind


def test_the_registrant_findings_list_is_audited(client, registry, facilitator):
    registrant = WelfareRegistrant.objects.get(national_id=NATIONAL_ID)
    client.force_login(facilitator)
    before = AuditEvent.objects.count()
    response = client.get(f"/api/v1/registrants/{registrant.public_id}/findings/")
    assert response.status_code == 200
    (event,) = AuditEvent.objects.order_by("id")[before:]
    assert event.action == "registrant_finding.listed"
    assert event.details["count"] == 0


def test_list_audit_rows_hold_no_searched_name_or_id(client, registry, facilitator):
    client.force_login(facilitator)
    for query in (NATIONAL_ID, DASHED_ID, NAME, f"นาง{FIRST_NAME}"):
        client.get(reverse("households:search"), {"q": query, "house_number": "9"})
        client.get("/api/v1/persons/", {"q": query})
        client.get("/api/v1/registrants/", {"q": query, "house_number": "9"})
    # A made-up parameter carrying an ID is not kept either.
    client.get("/api/v1/households/", {"note": NATIONAL_ID, NATIONAL_ID: "1"})
    listed = AuditEvent.objects.filter(action__endswith=".listed")
    assert listed.count() == 13
    for event in listed:
        text = json.dumps(event.details, ensure_ascii=False) + event.object_repr
        for secret in (NATIONAL_ID, DASHED_ID, FIRST_NAME, LAST_NAME, "9"):
            if secret == "9":
                assert event.details["filters"].get("house_number") in (None, "given")
                continue
            assert secret not in text, (event.action, event.details)


def test_the_audit_row_covers_the_users_area(client, registry, facilitator):
    client.force_login(facilitator)
    client.get("/api/v1/persons/", {"q": NAME})
    client.get("/api/v1/households/", {"area": "49010101"})
    person_row, household_row = AuditEvent.objects.filter(action__endswith=".listed").order_by("id")
    assert person_row.area_code == "490101"
    assert household_row.area_code == "49010101"


@pytest.mark.parametrize("url_name", ["imports:error_report", "imports_api:job_error_report"])
def test_downloading_an_import_error_report_is_audited(
    client, admin_user, tmp_path, settings, url_name
):
    from tests.imports.files import bad_checksum, good_row, write_xlsx
    from tests.imports.helpers import run_in_process

    settings.MEDIA_ROOT = tmp_path / "media"
    bad = good_row(9)
    bad[1] = bad_checksum(bad[1])
    job = run_in_process(admin_user, write_xlsx(tmp_path / "mixed.xlsx", [good_row(1), bad]))
    client.force_login(admin_user)
    before = AuditEvent.objects.count()

    response = client.get(reverse(url_name, args=[job.public_id]))

    assert response.status_code == 200
    (event,) = AuditEvent.objects.order_by("id")[before:]
    assert event.action == "import.error_report_downloaded"
    assert event.details["count"] == job.rejected_count == 1


def test_the_audit_log_page_shows_list_reads(client, registry, facilitator, admin_user):
    client.force_login(facilitator)
    client.get("/api/v1/persons/", {"q": NAME})
    client.force_login(admin_user)
    response = client.get(reverse("audit:audit_log"), {"action": "person.listed"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "person.listed" in html and FIRST_NAME not in html


def test_transfer_requests_and_duplicate_reviews_are_audited_when_read(
    client, facilitator, area_manager
):
    """Both pages show a person's name and ID: the queue, a request and a duplicate pair each
    write their row (page and API)."""
    from django.core.exceptions import ValidationError

    from households.models import DuplicateCandidate, PersonTransferRequest
    from tests.factories import household_with_head, make_national_id

    away = household_with_head("49020101", national_id=make_national_id(81))
    person = away.memberships.get().person
    Membership.objects.filter(person=person).update(left_on=datetime.date(2025, 1, 1))
    with pytest.raises(ValidationError):
        household_services.add_member(
            actor=facilitator,
            household=household_with_head("49010101"),
            person={"national_id": person.national_id},
            relation="relative",
        )
    transfer = PersonTransferRequest.objects.get()
    client.force_login(area_manager)
    before = AuditEvent.objects.count()

    client.get(reverse("households:transfer_queue"))
    client.get(reverse("households:transfer_detail", args=[transfer.public_id]))
    client.get("/api/v1/person-transfers/")
    client.get(f"/api/v1/person-transfers/{transfer.public_id}/")

    actions = list(AuditEvent.objects.order_by("id")[before:].values_list("action", flat=True))
    assert actions == [
        "person_transfer.listed",
        "person_transfer.viewed",
        "person_transfer.listed",
        "person_transfer.viewed",
    ]

    first = household_with_head("49010101", national_id=make_national_id(82))
    second = household_with_head("49010102", national_id=make_national_id(83))
    pair = DuplicateCandidate.objects.create(
        person=first.memberships.get().person,
        other_person=second.memberships.get().person,
        area_id="490101",
    )
    before = AuditEvent.objects.count()
    client.get(reverse("households:duplicate_review", args=[pair.public_id]))
    (row,) = AuditEvent.objects.order_by("id")[before:]
    assert row.action == "duplicate.viewed"
