"""REST API: catalogue filters, the referral loop, scope, agency minimal fields, refusals, and
query-count bounds on lists."""

import pytest

from referrals.models import Referral
from tests.referrals.conftest import make_household

pytestmark = pytest.mark.django_db

AGENCY_FIELDS = {
    "public_id", "status", "urgency", "service", "need", "name", "contact_phone",
    "house_number", "village", "subdistrict", "district", "due_on", "overdue", "outcome",
    "help_value",
}  # fmt: skip


def api(client, user):
    client.force_login(user)
    return client


def test_catalogue_filters(client, facilitator, service, other_service):
    client = api(client, facilitator)
    rows = client.get("/api/v1/services/", {"kind": "relief"}).json()["results"]
    assert [r["code"] for r in rows] == [other_service.code]
    rows = client.get("/api/v1/agencies/", {"kind": "local_administration"}).json()["results"]
    assert [r["code"] for r in rows] == ["test-lao-490102"]
    rows = client.get("/api/v1/services/", {"serves": "48010101"}).json()["results"]
    assert rows == []


def test_propose_and_approve_through_the_api(
    client, facilitator, provincial_officer, household, service
):
    created = api(client, facilitator).post(
        "/api/v1/referrals/",
        {"household": str(household.public_id), "service": service.code, "need": "ต้องการ"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "submitted"
    assert [h["to_status"] for h in body["history"]] == ["draft", "submitted"]
    url = f"/api/v1/referrals/{body['public_id']}/approve/"
    approved = api(client, provincial_officer).post(url, {}, content_type="application/json")
    assert approved.json()["status"] == "approved"
    again = client.post(url, {}, content_type="application/json")
    assert again.status_code == 409
    assert "cannot be approved" in again.json()["detail"]


def test_wrong_party_is_403_and_missing_reason_400(client, facilitator, provincial_officer,
                                                   make_referral):  # fmt: skip
    referral = make_referral("submitted")
    url = f"/api/v1/referrals/{referral.public_id}/"
    assert api(client, facilitator).post(url + "approve/").status_code == 403
    response = api(client, provincial_officer).post(url + "reject/", {"note": ""})
    assert response.status_code == 400 and response.json()["code"] == "note_required"


def test_batch_approval(client, provincial_officer, make_referral):
    referrals = [make_referral("submitted") for _ in range(3)]
    done = make_referral("approved")
    response = api(client, provincial_officer).post(
        "/api/v1/referrals/approve-batch/",
        {"referrals": [str(r.public_id) for r in [*referrals, done]]},
        content_type="application/json",
    )
    assert sorted(response.json()["approved"]) == sorted(str(r.public_id) for r in referrals)
    assert [r["referral"] for r in response.json()["refused"]] == [str(done.public_id)]


def test_officer_of_another_province_gets_404_and_an_empty_list(
    client, other_province_officer, make_referral
):
    referral = make_referral("submitted")
    client = api(client, other_province_officer)
    assert client.get(f"/api/v1/referrals/{referral.public_id}/").status_code == 404
    assert client.get("/api/v1/referrals/").json()["results"] == []


def test_no_assignment_gets_empty_lists(client, no_role_user, make_referral):
    make_referral("approved")
    client = api(client, no_role_user)
    assert client.get("/api/v1/referrals/").json()["results"] == []
    assert client.get("/api/v1/agency-referrals/").json()["results"] == []


@pytest.mark.parametrize("role", ["executive", "agency_staff"])
def test_wrong_role_gets_403_on_referrals(client, request, role):
    assert api(client, request.getfixturevalue(role)).get("/api/v1/referrals/").status_code == 403


def test_case_workers_get_403_on_agency_referrals(client, facilitator):
    assert api(client, facilitator).get("/api/v1/agency-referrals/").status_code == 403


def test_agency_api_carries_only_the_minimal_fields(
    client, agency_staff, make_referral, other_service
):
    ours = make_referral("approved")
    theirs = make_referral("approved", service=other_service)
    client = api(client, agency_staff)
    rows = client.get("/api/v1/agency-referrals/").json()["results"]
    assert [r["public_id"] for r in rows] == [str(ours.public_id)]
    assert set(rows[0]) == AGENCY_FIELDS
    assert rows[0]["name"] == "นายบุญมี ศรีมุกดา"
    assert client.get(f"/api/v1/agency-referrals/{theirs.public_id}/").status_code == 404
    assert client.get(f"/api/v1/referrals/{ours.public_id}/").status_code == 403


def test_agency_completes_through_the_api(client, agency_staff, make_referral):
    referral = make_referral("approved")
    client = api(client, agency_staff)
    url = f"/api/v1/agency-referrals/{referral.public_id}/"
    assert client.post(url + "accept/").json()["status"] == "accepted"
    assert client.post(url + "start/").json()["status"] == "in_progress"
    done = client.post(url + "complete/", {"outcome": "ได้รับทุน", "help_value": "3000"})
    assert done.json()["status"] == "completed" and done.json()["help_value"] == "3000.00"


def test_referral_filters(client, provincial_officer, make_referral):
    make_referral("submitted")
    make_referral("approved", household=make_household("49010102"))
    client = api(client, provincial_officer)
    assert len(client.get("/api/v1/referrals/", {"status": "approved"}).json()["results"]) == 1
    assert len(client.get("/api/v1/referrals/", {"area": "49010102"}).json()["results"]) == 1
    assert len(client.get("/api/v1/referrals/", {"overdue": "true"}).json()["results"]) == 0


def test_referral_list_query_count_is_bounded(
    client, provincial_officer, make_referral, django_assert_max_num_queries
):
    for _ in range(10):
        make_referral("approved", household=make_household("49010102"))
    client = api(client, provincial_officer)
    # 8 for the page, 3 for its audit row (savepoint, insert, release).
    with django_assert_max_num_queries(11):
        response = client.get("/api/v1/referrals/")
    assert len(response.json()["results"]) == 10


def test_agency_list_query_count_is_bounded(
    client, agency_staff, make_referral, django_assert_max_num_queries
):
    for _ in range(10):
        make_referral("approved", household=make_household("49010102"))
    client = api(client, agency_staff)
    # 8 for the page, 3 for its audit row (savepoint, insert, release).
    with django_assert_max_num_queries(11):
        response = client.get("/api/v1/agency-referrals/")
    assert len(response.json()["results"]) == 10


def test_schema_documents_the_referral_api(client, facilitator):
    schema = api(client, facilitator).get("/api/v1/schema/").content.decode()
    for path in (
        "/api/v1/referrals/approve-batch/",
        "/api/v1/agency-referrals/{public_id}/complete/",
        "/api/v1/services/",
    ):
        assert path in schema
    assert Referral.objects.count() == 0


def test_no_assignment_gets_an_empty_catalogue(client, no_role_user, service, other_service):
    client = api(client, no_role_user)
    assert client.get("/api/v1/agencies/").json()["results"] == []
    assert client.get("/api/v1/services/").json()["results"] == []
    assert client.get(f"/api/v1/services/{service.public_id}/").status_code == 404


def test_retrieving_a_referral_is_audited(client, provincial_officer, make_referral):
    from ppaos.audit.models import AuditEvent

    referral = make_referral("submitted")
    response = api(client, provincial_officer).get(f"/api/v1/referrals/{referral.public_id}/")
    assert response.status_code == 200
    assert response.json()["public_id"] == str(referral.public_id)
    event = AuditEvent.objects.get(action="referral.viewed")
    assert event.actor == provincial_officer and event.object_id == str(referral.public_id)


def test_retrieving_an_agency_referral_is_audited(client, agency_staff, make_referral):
    from ppaos.audit.models import AuditEvent

    referral = make_referral("approved")
    api(client, agency_staff).get(f"/api/v1/agency-referrals/{referral.public_id}/")
    assert AuditEvent.objects.filter(
        action="referral.viewed_by_agency", actor=agency_staff, object_id=str(referral.public_id)
    ).exists()


def test_a_declined_referral_is_not_listed_as_overdue(client, provincial_officer, make_referral):
    import datetime

    declined = make_referral("declined")
    late = make_referral("approved")
    Referral.objects.filter(pk__in=[declined.pk, late.pk]).update(due_on=datetime.date(2000, 1, 1))
    rows = api(client, provincial_officer).get("/api/v1/referrals/", {"overdue": "true"}).json()
    assert [r["public_id"] for r in rows["results"]] == [str(late.public_id)]
