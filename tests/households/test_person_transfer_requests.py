"""A refused link by national ID becomes a transfer request that the managers of both areas
decide; each side sees only what it may see (security probe L2 follow-up)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from households import services
from households.models import Membership, PersonTransferRequest, TransferStatus
from ppaos.accounts.models import Role
from ppaos.areas.models import Area
from ppaos.audit.models import AuditEvent
from tests.factories import UserFactory, assign, household_with_head, make_national_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def source_manager(villages):
    return assign(UserFactory(username="mgr_4902"), Role.AREA_MANAGER, "4902")


def _person_in_4902(n=61, *, living=False):
    household = household_with_head(
        "49020101", national_id=make_national_id(n), first_name="ประยูร", last_name="ลับเฉพาะ"
    )
    person = household.memberships.get().person
    if not living:
        Membership.objects.filter(person=person).update(left_on=datetime.date(2025, 1, 1))
    return person


def _requested(facilitator, person, household=None):
    household = household or household_with_head("49010101")
    with pytest.raises(ValidationError):
        services.add_member(
            actor=facilitator,
            household=household,
            person={"national_id": person.national_id},
            relation="relative",
        )
    return PersonTransferRequest.objects.get(person=person), household


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _page(client, user, transfer):
    client.force_login(user)
    return client.get(reverse("households:transfer_detail", args=[transfer.public_id]))


def test_a_refused_link_becomes_one_pending_request_with_audit_rows_in_both_areas(facilitator):
    person = _person_in_4902()
    transfer, household = _requested(facilitator, person)
    assert transfer.status == TransferStatus.PENDING
    assert (transfer.from_area_id, transfer.to_area_id) == ("49020101", "49010101")
    assert transfer.to_household == household and transfer.requested_by == facilitator
    rows = AuditEvent.objects.filter(action="person_transfer.requested")
    assert sorted(rows.values_list("area_code", flat=True)) == ["49010101", "49020101"]
    for row in rows:
        assert person.national_id not in str(row.details) and "ประยูร" not in str(row.details)
    _requested(facilitator, person, household)  # typed again: no second request
    assert PersonTransferRequest.objects.count() == 1


def test_both_sides_approve_then_the_person_joins_the_target_household(
    facilitator, area_manager, source_manager
):
    person = _person_in_4902()
    transfer, household = _requested(facilitator, person)
    services.approve_person_transfer(actor=area_manager, transfer=transfer)
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.PENDING and transfer.to_approved_by == area_manager
    assert not household.memberships.filter(person=person).exists()
    with pytest.raises(ValidationError):  # the same side again
        services.approve_person_transfer(actor=area_manager, transfer=transfer)
    services.approve_person_transfer(actor=source_manager, transfer=transfer)
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.APPROVED
    membership = household.memberships.get(person=person, left_on__isnull=True)
    assert membership.relation == "relative"
    assert AuditEvent.objects.filter(action="person_transfer.approved").count() == 2
    assert AuditEvent.objects.filter(
        action="household.member_added", object_id=str(household.public_id)
    ).exists()


def test_the_source_side_moves_a_living_person_out_before_approving(facilitator, source_manager):
    person = _person_in_4902(62, living=True)
    transfer, _household = _requested(facilitator, person)
    with pytest.raises(ValidationError):
        services.approve_person_transfer(actor=source_manager, transfer=transfer)
    services.move_member_out(actor=source_manager, membership=Membership.objects.get(person=person))
    services.approve_person_transfer(actor=source_manager, transfer=transfer)
    transfer.refresh_from_db()
    assert transfer.from_approved_by == source_manager


def test_a_provincial_officer_covering_both_areas_approves_for_both(
    facilitator, provincial_officer
):
    person = _person_in_4902(63)
    transfer, household = _requested(facilitator, person)
    services.approve_person_transfer(actor=provincial_officer, transfer=transfer)
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.APPROVED
    assert household.memberships.filter(person=person, left_on__isnull=True).exists()


def test_a_new_household_request_creates_the_household_on_approval(facilitator, provincial_officer):
    person = _person_in_4902(64)
    with pytest.raises(ValidationError):
        services.create_household(
            actor=facilitator,
            area=Area.objects.get(code="49010102"),
            head={"national_id": person.national_id},
            house_number="12",
        )
    transfer = PersonTransferRequest.objects.get()
    assert transfer.to_household is None and transfer.house_number == "12"
    services.approve_person_transfer(actor=provincial_officer, transfer=transfer)
    membership = Membership.objects.get(person=person, left_on__isnull=True)
    assert membership.relation == "head"
    assert (membership.household.area_id, membership.household.house_number) == ("49010102", "12")


def test_a_rejected_request_changes_nothing_and_is_final(facilitator, source_manager, area_manager):
    person = _person_in_4902(65)
    transfer, household = _requested(facilitator, person)
    services.reject_person_transfer(actor=source_manager, transfer=transfer, note="เสียชีวิตแล้ว")
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.REJECTED and transfer.rejected_by == source_manager
    assert not household.memberships.filter(person=person).exists()
    with pytest.raises(ValidationError):
        services.approve_person_transfer(actor=area_manager, transfer=transfer)
    assert AuditEvent.objects.filter(action="person_transfer.rejected").count() == 2


def test_a_facilitator_may_not_decide(facilitator):
    transfer, _household = _requested(facilitator, _person_in_4902(66))
    with pytest.raises(PermissionDenied):
        services.approve_person_transfer(actor=facilitator, transfer=transfer)
    with pytest.raises(PermissionDenied):
        services.reject_person_transfer(actor=facilitator, transfer=transfer)


def test_a_manager_of_neither_area_may_not_decide(facilitator, villages):
    other_manager = assign(UserFactory(username="mgr_4801"), Role.AREA_MANAGER, "4801")
    transfer, _household = _requested(facilitator, _person_in_4902(67))
    with pytest.raises(PermissionDenied):
        services.approve_person_transfer(actor=other_manager, transfer=transfer)


# --- what each side sees -------------------------------------------------------------------------


def test_the_requesting_side_sees_nothing_of_the_other_person(client, facilitator, area_manager):
    transfer, _household = _requested(facilitator, _person_in_4902(68))
    for user in (area_manager, facilitator):
        body = _page(client, user, transfer).content.decode()
        assert "ประยูร" not in body and "ลับเฉพาะ" not in body
        assert "49020101" not in body and "บ้านนาหว้า" not in body
        assert 'data-testid="transfer-person"' in body
    client.force_login(area_manager)
    queue = client.get(reverse("households:transfer_queue")).content.decode()
    assert queue.count('data-testid="transfer-card"') == 1 and "ประยูร" not in queue
    api_row = _api(area_manager).get(f"/api/v1/person-transfers/{transfer.public_id}/").json()
    assert api_row["person"] is None and api_row["from_area"] is None
    assert "ประยูร" not in str(api_row)


def test_the_source_side_sees_its_person_and_the_requesting_area(
    client, facilitator, source_manager
):
    transfer, household = _requested(facilitator, _person_in_4902(69))
    body = _page(client, source_manager, transfer).content.decode()
    assert "ประยูร" in body and "49010101" in body
    assert str(household.public_id) not in body  # the other area's household is not linked
    api_row = _api(source_manager).get(f"/api/v1/person-transfers/{transfer.public_id}/").json()
    assert api_row["from_area"] == "49020101" and api_row["to_area"] == "49010101"
    assert api_row["to_household"] is None


def test_a_facilitator_of_neither_area_gets_404(client, facilitator, neighbour_facilitator):
    transfer, _household = _requested(facilitator, _person_in_4902(70))
    assert _page(client, neighbour_facilitator, transfer).status_code == 404
    url = f"/api/v1/person-transfers/{transfer.public_id}/"
    assert _api(neighbour_facilitator).get(url).status_code == 404
    assert _api(neighbour_facilitator).post(f"{url}approve/").status_code == 404
    client.force_login(neighbour_facilitator)
    queue = client.get(reverse("households:transfer_queue"))
    assert 'data-testid="empty"' in queue.content.decode()


def test_a_wrong_role_gets_403_and_no_role_an_empty_list(client, executive, no_role_user):
    client.force_login(executive)
    assert client.get(reverse("households:transfer_queue")).status_code == 403
    assert _api(executive).get("/api/v1/person-transfers/").status_code == 403
    response = _api(no_role_user).get("/api/v1/person-transfers/")
    assert response.status_code == 200 and response.json()["results"] == []


def test_the_requesting_facilitator_posting_a_decision_gets_403(client, facilitator):
    transfer, _household = _requested(facilitator, _person_in_4902(71))
    client.force_login(facilitator)
    url = reverse("households:transfer_detail", args=[transfer.public_id])
    assert client.get(url).status_code == 200
    assert client.post(url, {"decision": "approve"}).status_code == 403
    url = f"/api/v1/person-transfers/{transfer.public_id}/approve/"
    assert _api(facilitator).post(url).status_code == 403


def test_a_follower_who_may_not_decide_is_refused_before_the_form_or_body_is_read(
    client, facilitator, neighbour_facilitator
):
    """Found by the access matrix: an empty or invalid decision re-rendered the form (200) or
    answered 400 to a facilitator, who may not decide at all: 403 first (404 outside the scope)."""
    transfer, _household = _requested(facilitator, _person_in_4902(74))
    client.force_login(facilitator)
    url = reverse("households:transfer_detail", args=[transfer.public_id])
    assert client.post(url, {}).status_code == 403
    assert client.post(url, {"decision": "maybe"}).status_code == 403
    api_url = f"/api/v1/person-transfers/{transfer.public_id}/reject/"
    too_long = {"note": "x" * 501}
    assert _api(facilitator).post(api_url, too_long, format="json").status_code == 403
    assert _api(neighbour_facilitator).post(api_url, too_long, format="json").status_code == 404
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.PENDING


def test_managers_decide_on_the_page_and_through_the_api(
    client, facilitator, area_manager, source_manager
):
    person = _person_in_4902(72)
    transfer, household = _requested(facilitator, person)
    client.force_login(area_manager)
    url = reverse("households:transfer_detail", args=[transfer.public_id])
    assert client.post(url, {"decision": "approve"}).status_code == 302
    answer = _api(source_manager).post(f"/api/v1/person-transfers/{transfer.public_id}/approve/")
    assert answer.status_code == 200 and answer.json()["status"] == "approved"
    assert household.memberships.filter(person=person, left_on__isnull=True).exists()
    # Approved: the requesting side now sees the person it has taken in.
    row = _api(area_manager).get(f"/api/v1/person-transfers/{transfer.public_id}/").json()
    assert row["person"] and row["to_household"] == str(household.public_id)


def test_a_rejection_through_the_api(facilitator, source_manager):
    transfer, _household = _requested(facilitator, _person_in_4902(73))
    url = f"/api/v1/person-transfers/{transfer.public_id}/reject/"
    answer = _api(source_manager).post(url, {"note": "ไม่ใช่คนเดียวกัน"}, format="json")
    assert answer.status_code == 200 and answer.json()["status"] == "rejected"
    assert _api(source_manager).post(url, {}, format="json").status_code == 400


def test_the_queue_has_a_bounded_number_of_queries(
    client, facilitator, area_manager, django_assert_max_num_queries
):
    for n in range(8):
        _requested(facilitator, _person_in_4902(80 + n))
    client.force_login(area_manager)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("households:transfer_queue"))
    assert response.content.decode().count('data-testid="transfer-card"') == 8


def test_managers_find_the_requests_in_the_navigation(client, area_manager, facilitator):
    url = reverse("households:transfer_queue")
    client.force_login(area_manager)
    assert url in [item.url for item in client.get(reverse("home")).context["nav_items"]]
    client.force_login(facilitator)
    assert url not in [item.url for item in client.get(reverse("home")).context["nav_items"]]


def test_a_request_whose_person_moved_to_a_third_area_since_cannot_be_approved(
    facilitator, area_manager, source_manager, villages
):
    """T1 asks 4902's person for 490101; the person is then taken in by 490102 (another
    request), later moves out there. T1 still names 4902 as the source: approving it would move
    490102's record without 490102 deciding. Refused as out of date."""
    person = _person_in_4902()
    stale, _ = _requested(facilitator, person)
    Membership.objects.create(
        person=person,
        household=household_with_head("49010201"),
        relation="relative",
        joined_on=datetime.date(2025, 6, 1),
        left_on=datetime.date(2025, 9, 1),
    )

    with pytest.raises(ValidationError) as refused:
        services.approve_person_transfer(actor=source_manager, transfer=stale)

    assert refused.value.code == "transfer_out_of_date"
    stale.refresh_from_db()
    assert stale.from_approved_by is None and stale.status == TransferStatus.PENDING
    services.reject_person_transfer(actor=source_manager, transfer=stale)  # still closable


def test_carrying_out_a_request_rejects_the_persons_other_pending_requests(
    facilitator, neighbour_facilitator, area_manager, source_manager
):
    person = _person_in_4902()
    first, _ = _requested(facilitator, person)
    with pytest.raises(ValidationError):
        services.add_member(
            actor=neighbour_facilitator,
            household=household_with_head("49010201"),
            person={"national_id": person.national_id},
            relation="relative",
        )
    second = PersonTransferRequest.objects.exclude(pk=first.pk).get(person=person)

    services.approve_person_transfer(actor=source_manager, transfer=first)
    services.approve_person_transfer(actor=area_manager, transfer=first)

    second.refresh_from_db()
    assert second.status == TransferStatus.REJECTED
    rows = AuditEvent.objects.filter(action="person_transfer.superseded")
    assert sorted(rows.values_list("area_code", flat=True)) == ["49010201", "49020101"]
