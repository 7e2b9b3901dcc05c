"""Referral pages: scope (404 outside, 403 wrong role, empty without assignment), the whole
loop through the browser views, data minimisation for agencies, and query-count bounds."""

import pytest
from django.urls import reverse

from ppaos.notifications.models import Notice
from referrals.models import Referral, ReferralFollowUp
from tests.referrals.conftest import make_household

pytestmark = pytest.mark.django_db

SECRET_REASON = "คะแนนทุนการเงินต่ำ"  # the `reason` make_referral writes: never shown to agencies


def as_user(client, user):
    client.force_login(user)
    return client


def test_facilitator_proposes_from_the_household_page(client, facilitator, household, service):
    client = as_user(client, facilitator)
    url = reverse("referrals:household_referrals", args=[household.public_id])
    page = client.get(url)
    assert page.status_code == 200
    assert 'data-testid="propose-form"' in page.content.decode()
    response = client.post(
        url,
        {"service": service.pk, "need": "ต้องการเบี้ยยังชีพ", "urgency": "high", "save": "submit"},
    )
    referral = Referral.objects.get(household=household)
    assert response.status_code == 302
    assert referral.status == "submitted" and referral.urgency == "high"


def test_propose_form_errors_show_beside_the_field(client, facilitator, household, service):
    url = reverse("referrals:household_referrals", args=[household.public_id])
    page = as_user(client, facilitator).post(url, {"service": service.pk, "urgency": "normal"})
    assert page.status_code == 200
    assert "has-error" in page.content.decode()
    assert not Referral.objects.exists()


def test_household_of_a_neighbouring_area_answers_404(client, neighbour_facilitator, household):
    url = reverse("referrals:household_referrals", args=[household.public_id])
    assert as_user(client, neighbour_facilitator).get(url).status_code == 404


def test_referral_of_another_province_answers_404(client, other_province_officer, make_referral):
    referral = make_referral("submitted")
    client = as_user(client, other_province_officer)
    assert (
        client.get(reverse("referrals:referral_detail", args=[referral.public_id])).status_code
        == 404
    )
    post = client.post(reverse("referrals:referral_step", args=[referral.public_id, "approve"]))
    assert post.status_code == 404
    referral.refresh_from_db()
    assert referral.status == "submitted"


@pytest.mark.parametrize("role", ["executive", "agency_staff", "admin_user"])
def test_wrong_role_gets_403_on_case_worker_pages(client, request, role, make_referral):
    referral = make_referral("submitted")
    client = as_user(client, request.getfixturevalue(role))
    assert (
        client.get(reverse("referrals:referral_detail", args=[referral.public_id])).status_code
        == 403
    )
    assert client.get(reverse("referrals:officer_queue")).status_code == 403


@pytest.mark.parametrize("role", ["facilitator", "provincial_officer", "executive"])
def test_wrong_role_gets_403_on_the_agency_inbox(client, request, role):
    assert (
        as_user(client, request.getfixturevalue(role))
        .get(reverse("referrals:agency_inbox"))
        .status_code
        == 403
    )


def test_no_assignment_sees_empty_lists(client, no_role_user, make_referral):
    referral = make_referral("approved")
    client = as_user(client, no_role_user)
    for name in ("referrals:officer_queue", "referrals:agency_inbox"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert 'data-testid="empty"' in response.content.decode()
    assert (
        client.get(reverse("referrals:referral_detail", args=[referral.public_id])).status_code
        == 404
    )


def test_officer_approves_a_batch(client, provincial_officer, make_referral, agency_staff):
    referrals = [make_referral("submitted") for _ in range(3)]
    client = as_user(client, provincial_officer)
    page = client.get(reverse("referrals:officer_queue"))
    assert page.content.decode().count('data-testid="queue-row"') == 3
    response = client.post(
        reverse("referrals:officer_queue"),
        {"decision": "approve", "referrals": [str(r.public_id) for r in referrals[:2]]},
        follow=True,
    )
    assert "2" in response.content.decode()
    statuses = sorted(Referral.objects.values_list("status", flat=True))
    assert statuses == ["approved", "approved", "submitted"]
    assert Notice.objects.filter(recipient=agency_staff, handled_at__isnull=True).count() == 2


def test_batch_reject_needs_a_reason(client, provincial_officer, make_referral):
    referral = make_referral("submitted")
    response = as_user(client, provincial_officer).post(
        reverse("referrals:officer_queue"),
        {"decision": "reject", "referrals": [str(referral.public_id)], "reason": ""},
    )
    assert "Give a reason." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == "submitted"


def test_a_refused_step_tells_the_user_why(client, facilitator, make_referral):
    referral = make_referral("approved")
    response = as_user(client, facilitator).post(
        reverse("referrals:referral_step", args=[referral.public_id, "submit"]), follow=True
    )
    assert "cannot be submitted" in response.content.decode()


def test_agency_sees_only_its_referrals_with_minimal_fields(
    client, agency_staff, other_agency_staff, make_referral, other_service, household
):
    ours = make_referral("approved")
    theirs = make_referral("approved", service=other_service)
    make_referral("submitted")  # not yet approved: the agency does not see it
    client = as_user(client, agency_staff)
    inbox = client.get(reverse("referrals:agency_inbox")).content.decode()
    assert inbox.count('data-testid="inbox-row"') == 1
    assert str(ours.public_id) in inbox and str(theirs.public_id) not in inbox
    detail = client.get(reverse("referrals:agency_referral", args=[ours.public_id]))
    body = detail.content.decode()
    assert detail.status_code == 200
    assert "บุญมี ศรีมุกดา" in body  # the head's name
    assert "0812345678" in body and ours.need in body
    assert SECRET_REASON not in body
    head = household.memberships.get().person
    assert head.national_id not in body
    assert (
        client.get(reverse("referrals:agency_referral", args=[theirs.public_id])).status_code == 404
    )


def test_agency_accepts_starts_and_completes(client, agency_staff, facilitator, make_referral):
    referral = make_referral("approved")
    client = as_user(client, agency_staff)
    for step in ("accept", "start"):
        client.post(reverse("referrals:agency_step", args=[referral.public_id, step]))
    client.post(
        reverse("referrals:agency_step", args=[referral.public_id, "complete"]),
        {"outcome": "ซ่อมหลังคาแล้ว", "help_value": "15000"},
    )
    referral.refresh_from_db()
    assert referral.status == "completed" and referral.help_value == 15000
    page = as_user(client, facilitator).get(
        reverse("referrals:household_referrals", args=[referral.household.public_id])
    )
    body = page.content.decode()
    assert "ซ่อมหลังคาแล้ว" in body
    assert 'data-testid="follow-up-panel"' in body


def test_agency_decline_needs_a_reason(client, agency_staff, make_referral):
    referral = make_referral("approved")
    response = as_user(client, agency_staff).post(
        reverse("referrals:agency_step", args=[referral.public_id, "decline"]), follow=True
    )
    assert "Give a reason." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == "approved"


def test_facilitator_confirms_the_help_at_follow_up(client, facilitator, make_referral):
    referral = make_referral("completed")
    as_user(client, facilitator).post(
        reverse("referrals:record_follow_up", args=[referral.public_id]),
        {"arrived": "yes", "effect": "helped", "next": "https://evil.example/"},
    )
    assert ReferralFollowUp.objects.get(referral=referral).arrived == "yes"


def test_unread_count_in_the_navigation(client, provincial_officer, make_referral):
    make_referral("submitted")
    make_referral("submitted")
    body = as_user(client, provincial_officer).get(reverse("home")).content.decode()
    assert 'data-testid="unread-count">2<' in body
    # Opening a notice to approve does not handle it: approving does.
    notice = Notice.objects.filter(recipient=provincial_officer).first()
    response = client.post(reverse("notifications:open", args=[notice.pk]))
    assert response.status_code == 302
    body = client.get(reverse("home")).content.decode()
    assert 'data-testid="unread-count">2<' in body
    referral = Referral.objects.get(public_id=notice.subject.removeprefix("referral:"))
    client.post(reverse("referrals:referral_step", args=[referral.public_id, "approve"]))
    body = client.get(reverse("home")).content.decode()
    assert 'data-testid="unread-count">1<' in body


def test_a_notification_of_someone_else_answers_404(client, facilitator, make_referral):
    make_referral("submitted")
    notice = Notice.objects.first()
    response = as_user(client, facilitator).get(reverse("notifications:open", args=[notice.pk]))
    assert response.status_code == 404


def test_officer_queue_query_count_is_bounded(
    client, provincial_officer, make_referral, django_assert_max_num_queries
):
    for _ in range(12):
        make_referral("submitted", household=make_household("49010102"))
    client = as_user(client, provincial_officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("referrals:officer_queue"))
    assert response.content.decode().count('data-testid="queue-row"') == 12


def test_agency_inbox_query_count_is_bounded(
    client, agency_staff, make_referral, django_assert_max_num_queries
):
    for _ in range(12):
        make_referral("approved", household=make_household("49010102"))
    client = as_user(client, agency_staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("referrals:agency_inbox"))
    assert response.content.decode().count('data-testid="inbox-row"') == 12


def test_household_page_query_count_is_bounded(
    client, facilitator, make_referral, household, django_assert_max_num_queries
):
    for _ in range(6):
        make_referral("completed")
    client = as_user(client, facilitator)
    url = reverse("referrals:household_referrals", args=[household.public_id])
    with django_assert_max_num_queries(30):
        response = client.get(url)
    assert response.content.decode().count('data-testid="referral-item"') == 6


# Review fixes -----------------------------------------------------------------------------------


def test_household_referrals_page_is_audited(client, facilitator, household):
    from ppaos.audit.models import AuditEvent

    url = reverse("referrals:household_referrals", args=[household.public_id])
    assert as_user(client, facilitator).get(url).status_code == 200
    event = AuditEvent.objects.get(action="household.viewed")
    assert event.actor == facilitator and event.object_id == str(household.public_id)


def test_referral_detail_is_audited(client, provincial_officer, make_referral):
    from ppaos.audit.models import AuditEvent

    referral = make_referral("submitted")
    client = as_user(client, provincial_officer)
    url = reverse("referrals:referral_detail", args=[referral.public_id])
    assert client.get(url).status_code == 200
    event = AuditEvent.objects.get(action="referral.viewed")
    assert event.actor == provincial_officer and event.area_code == referral.area_id


def test_draft_is_not_announced_as_sent(client, facilitator, household, service):
    url = reverse("referrals:household_referrals", args=[household.public_id])
    response = as_user(client, facilitator).post(
        url, {"service": service.pk, "need": "ต้องการ", "urgency": "normal", "save": "draft"},
        follow=True,
    )  # fmt: skip
    body = response.content.decode()
    assert Referral.objects.get().status == "draft"
    assert "Saved as a draft." in body
    assert "Referral sent to the provincial officer." not in body


def test_submitted_referral_is_announced_as_sent(client, facilitator, household, service):
    url = reverse("referrals:household_referrals", args=[household.public_id])
    response = as_user(client, facilitator).post(
        url, {"service": service.pk, "need": "ต้องการ", "urgency": "normal", "save": "submit"},
        follow=True,
    )  # fmt: skip
    body = response.content.decode()
    assert "Referral sent to the provincial officer." in body
    assert "Saved as a draft." not in body


def test_household_page_shows_the_level_label_not_its_code(
    client, facilitator, household, service, monkeypatch
):
    from referrals import routing, selectors

    monkeypatch.setattr(
        selectors,
        "household_standing",
        lambda household: routing.Standing(level="in_hardship", capital_scores={"financial": 1}),
    )
    url = reverse("referrals:household_referrals", args=[household.public_id])
    body = as_user(client, facilitator).get(url).content.decode()
    basis = body.split('data-testid="suggestion-basis"')[1].split("</p>")[0]
    assert "In hardship" in basis and "in_hardship" not in basis


def test_opening_a_notification_by_get_changes_nothing(client, provincial_officer, make_referral):
    referral = make_referral("submitted")
    notice = Notice.objects.get(recipient=provincial_officer)
    url = reverse("notifications:open", args=[notice.pk])
    response = as_user(client, provincial_officer).get(url)
    assert response.status_code == 302
    assert response.url == reverse("referrals:referral_detail", args=[referral.public_id])
    notice.refresh_from_db()
    assert notice.read_at is None
    page = client.get(reverse("notifications:list")).content.decode()
    assert f'method="post" action="{url}"' in page  # the button that marks it read


def test_opening_a_notification_by_post_marks_it_read(client, provincial_officer, make_referral):
    referral = make_referral("submitted")
    notice = Notice.objects.get(recipient=provincial_officer)
    response = as_user(client, provincial_officer).post(
        reverse("notifications:open", args=[notice.pk])
    )
    assert response.url == reverse("referrals:referral_detail", args=[referral.public_id])
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert notice.handled_at is None  # read, but the approval still waits


def test_batch_reject_refusal_comes_from_the_table_beside_the_reason(
    client, provincial_officer, make_referral
):
    referral = make_referral("submitted")
    response = as_user(client, provincial_officer).post(
        reverse("referrals:officer_queue"),
        {"decision": "reject", "referrals": [str(referral.public_id)], "reason": " "},
    )
    assert response.status_code == 200
    body = response.content.decode()
    field = body.split('data-testid="reason-field"')[0].rsplit("<div", 1)[1]
    assert "has-error" in field
    after = body.split('data-testid="reason-field"')[1].split("</div>")[0]
    assert "Give a reason." in after
    referral.refresh_from_db()
    assert referral.status == "submitted"


def _bulk_referrals(household, service, user, count, status):
    Referral.objects.bulk_create(
        Referral(
            household=household,
            area_id=household.area_id,
            service=service,
            agency=service.agency,
            need=f"ต้องการ {n}",
            status=status,
            proposed_by=user,
        )
        for n in range(count)
    )


def test_officer_queue_is_paginated(client, provincial_officer, facilitator, household, service):
    _bulk_referrals(household, service, facilitator, 51, "submitted")
    client = as_user(client, provincial_officer)
    url = reverse("referrals:officer_queue")
    first = client.get(url, {"status": "submitted"}).content.decode()
    assert first.count('data-testid="queue-row"') == 50
    assert 'href="?status=submitted&amp;page=2"' in first
    second = client.get(url, {"status": "submitted", "page": 2}).content.decode()
    assert second.count('data-testid="queue-row"') == 1
    assert 'href="?status=submitted&amp;page=1"' in second


def test_agency_inbox_is_paginated(client, agency_staff, facilitator, household, service):
    _bulk_referrals(household, service, facilitator, 51, "approved")
    client = as_user(client, agency_staff)
    url = reverse("referrals:agency_inbox")
    first = client.get(url).content.decode()
    assert first.count('data-testid="inbox-row"') == 50
    assert 'href="?status=open&amp;page=2"' in first
    second = client.get(url, {"status": "open", "page": "2"}).content.decode()
    assert second.count('data-testid="inbox-row"') == 1
