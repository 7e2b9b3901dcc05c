"""A correction request is applied to the person's record (audited, with the request's outcome),
through the page and the REST API; the API answers data requests and breaches in scope only."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from households.models import Membership
from ppaos.audit.models import AuditEvent
from privacy.models import BreachReport, BreachStatus, RequestKind, RequestStatus
from privacy.services import apply_correction, complete_data_request
from tests.factories import household_with_head
from tests.privacy.privacy_helpers import logged_request

pytestmark = pytest.mark.django_db


def _person():
    household = household_with_head()
    return household, Membership.objects.get(household=household).person


def _correction(officer, person):
    return logged_request(
        officer,
        person,
        RequestKind.CORRECTION,
        requested_change={"asked": "นามสกุลสะกดผิด"},
        details="นามสกุลสะกดผิด",
    )


def test_correction_is_written_to_the_person_and_audited(provincial_officer):
    household, person = _person()
    request = _correction(provincial_officer, person)

    apply_correction(actor=provincial_officer, request=request, field="last_name", value=" ศรีสุข ")

    person.refresh_from_db()
    request.refresh_from_db()
    assert person.last_name == "ศรีสุข"
    assert request.status == RequestStatus.COMPLETED
    assert request.outcome and request.decided_by == provincial_officer
    assert request.requested_change["corrected"] == ["last_name"]
    update = AuditEvent.objects.get(action="person.updated", object_id=str(person.public_id))
    assert update.details == {"fields": ["last_name"], "data_request": str(request.public_id)}
    assert update.actor == provincial_officer
    assert AuditEvent.objects.filter(action="privacy.correction_applied").count() == 1
    assert "ศรีสุข" not in str(update.details)


def test_correction_of_a_birth_date_reads_the_thai_era(provincial_officer):
    _, person = _person()
    request = _correction(provincial_officer, person)
    apply_correction(
        actor=provincial_officer, request=request, field="birth_date", value="15/06/2523"
    )
    person.refresh_from_db()
    assert person.birth_date == datetime.date(1980, 6, 15)


def test_correction_refuses_health_fields_and_answered_requests(provincial_officer):
    from django.core.exceptions import ValidationError

    _, person = _person()
    request = _correction(provincial_officer, person)
    with pytest.raises(ValidationError):
        apply_correction(
            actor=provincial_officer, request=request, field="has_disability", value="1"
        )
    with pytest.raises(ValidationError):  # completed only by writing the correction
        complete_data_request(actor=provincial_officer, request=request, outcome="แก้แล้ว")
    apply_correction(actor=provincial_officer, request=request, field="first_name", value="สมหญิง")
    with pytest.raises(ValidationError):
        apply_correction(actor=provincial_officer, request=request, field="first_name", value="x")


def test_correction_page_applies_the_value(client, provincial_officer):
    _, person = _person()
    request = _correction(provincial_officer, person)
    client.force_login(provincial_officer)
    url = reverse("privacy:request_detail", kwargs={"public_id": request.public_id})
    page = client.get(url)
    assert 'data-testid="correction-form"' in page.content.decode()
    bad = client.post(url, {"answer": "correct", "field": "national_id", "value": "123"})
    assert bad.status_code == 400
    done = client.post(
        url, {"answer": "correct", "field": "occupation", "value": "รับจ้าง", "outcome": "แก้แล้ว"}
    )
    assert done.status_code == 302
    person.refresh_from_db()
    request.refresh_from_db()
    assert person.occupation == "รับจ้าง"
    assert (request.status, request.outcome) == (RequestStatus.COMPLETED, "แก้แล้ว")


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_api_logs_and_corrects_a_request(provincial_officer):
    _, person = _person()
    api = _api(provincial_officer)
    made = api.post(
        "/api/v1/data-requests/",
        {
            "national_id": person.national_id,
            "kind": "correction",
            "received_on": "2026-11-20",
            "identity_method": "id_card_seen",
            "details": "ชื่อสะกดผิด",
        },
        format="json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["due_on"] == "2026-12-20" and body["person"] == str(person.public_id)
    assert person.national_id not in made.content.decode()
    url = f"/api/v1/data-requests/{body['id']}/"
    assert api.get(url).status_code == 200
    listed = api.get("/api/v1/data-requests/")
    assert [row["id"] for row in listed.json()["results"]] == [body["id"]]
    assert AuditEvent.objects.filter(action="privacy.request_viewed").exists()
    fixed = api.post(url + "correct/", {"field": "first_name", "value": "สมศรี"}, format="json")
    assert fixed.status_code == 200, fixed.content
    assert fixed.json()["status"] == "completed"
    person.refresh_from_db()
    assert person.first_name == "สมศรี"
    again = api.post(url + "correct/", {"field": "first_name", "value": "x"}, format="json")
    assert again.status_code == 400


def test_api_refuses_other_roles_and_other_areas(
    provincial_officer, other_province_officer, facilitator
):
    _, person = _person()
    request = _correction(provincial_officer, person)
    url = f"/api/v1/data-requests/{request.public_id}/"
    assert _api(other_province_officer).get(url).status_code == 404
    assert _api(facilitator).get(url).status_code == 403
    assert _api(facilitator).get("/api/v1/breaches/").status_code == 403


def test_api_records_and_moves_a_breach(provincial_officer, other_province_officer):
    api = _api(provincial_officer)
    made = api.post(
        "/api/v1/breaches/",
        {"what_happened": "โทรศัพท์ของอาสาสมัครหาย", "found_at": "2026-11-30T09:00:00+07:00"},
        format="json",
    )
    assert made.status_code == 201, made.content
    breach_id = made.json()["id"]
    assert made.json()["notice_deadline"].startswith("2026-12-03T09:00:00")
    moved = api.post(
        f"/api/v1/breaches/{breach_id}/steps/",
        {"to_status": "assessed", "note": "ประเมินความเสี่ยงแล้ว"},
        format="json",
    )
    assert moved.status_code == 200, moved.content
    assert [s["to_status"] for s in moved.json()["steps"]] == ["suspected", "assessed"]
    assert BreachReport.objects.get(public_id=breach_id).status == BreachStatus.ASSESSED
    wrong = api.post(
        f"/api/v1/breaches/{breach_id}/steps/", {"to_status": "suspected"}, format="json"
    )
    assert wrong.status_code == 400
    assert _api(other_province_officer).get(f"/api/v1/breaches/{breach_id}/").status_code == 404
