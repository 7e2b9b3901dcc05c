"""Referral services: the one state table enforced for every role, history, due dates,
notifications, follow-up; and the row lock when two officers approve at the same moment."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, connections
from django.utils import timezone, translation

from ppaos.audit.models import AuditEvent
from ppaos.notifications.models import Notice
from referrals import notices, services, transitions
from referrals.models import (
    Referral,
    ReferralFollowUp,
    ReferralStatus,
    ReferralTransition,
)
from referrals.services import ReferralRefused
from tests.referrals.conftest import make_household, make_service

pytestmark = pytest.mark.django_db

NAMES = sorted({t.name for t in transitions.TRANSITIONS})


def _call(name, actor, referral, service):
    kwargs = {
        "reject": {"reason": "เหตุผล"},
        "decline": {"reason": "เหตุผล"},
        "cancel": {"reason": "เหตุผล"},
        "complete": {"outcome": "ผลลัพธ์"},
        "reroute": {"service": service},
    }.get(name, {})
    return getattr(services, f"{name}_referral")(actor, referral=referral, **kwargs)


@pytest.mark.parametrize("state", [s.value for s in transitions.State])
@pytest.mark.parametrize(
    ("role", "party"),
    [
        ("facilitator", transitions.Party.PROPOSER),
        ("provincial_officer", transitions.Party.OFFICER),
        ("agency_staff", transitions.Party.AGENCY),
    ],
)
def test_every_transition_not_in_the_table_is_refused_with_a_message(
    request, make_referral, service, state, role, party
):
    actor = request.getfixturevalue(role)
    allowed = {t.name for t in transitions.transitions_open_to(state, {party})}
    for name in NAMES:
        if name in allowed:
            continue
        referral = make_referral(state)
        with pytest.raises(ReferralRefused) as refused:
            _call(name, actor, referral, service)
        message = refused.value.message
        label = str(ReferralStatus(state).label)
        assert label in message, message
        assert ("cannot be" in message) or ("only by" in message), message
        referral.refresh_from_db()
        assert referral.status == state  # nothing changed


@pytest.mark.parametrize("state", ["submitted", "approved", "in_progress"])
def test_every_allowed_transition_goes_through(make_referral, request, service, state):
    by_party = {
        transitions.Party.PROPOSER: "facilitator",
        transitions.Party.OFFICER: "provincial_officer",
        transitions.Party.AGENCY: "agency_staff",
    }
    for transition in transitions.TRANSITIONS:
        if transition.source != state:
            continue
        for party in transition.parties:
            referral = make_referral(state)
            actor = request.getfixturevalue(by_party[party])
            changed = _call(transition.name, actor, referral, service)
            assert changed.status == transition.target


def test_wrong_party_message_says_who_may(make_referral, facilitator):
    referral = make_referral("submitted")
    with pytest.raises(ReferralRefused) as refused:
        services.approve_referral(facilitator, referral=referral)
    assert refused.value.code == "wrong_party"
    assert "provincial officer" in refused.value.message


@pytest.mark.parametrize(
    "role", ["executive", "other_province_officer", "no_role_user", "neighbour_facilitator"]
)
def test_users_with_no_part_in_the_referral_are_denied(request, make_referral, role):
    referral = make_referral("submitted")
    with pytest.raises(PermissionDenied):
        services.approve_referral(request.getfixturevalue(role), referral=referral)


def test_other_agency_cannot_act_on_a_referral_sent_elsewhere(make_referral, other_agency_staff):
    referral = make_referral("approved")
    with pytest.raises(PermissionDenied):
        services.accept_referral(other_agency_staff, referral=referral)


def test_reject_requires_a_reason(make_referral, provincial_officer):
    referral = make_referral("submitted")
    with pytest.raises(ReferralRefused) as refused:
        services.reject_referral(provincial_officer, referral=referral, reason=" ")
    assert refused.value.code == "note_required"


def test_every_transition_writes_history(make_referral, facilitator, provincial_officer):
    referral = make_referral("completed")
    rows = list(ReferralTransition.objects.filter(referral=referral))
    assert [(r.from_status, r.to_status) for r in rows] == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "approved"),
        ("approved", "accepted"),
        ("accepted", "in_progress"),
        ("in_progress", "completed"),
    ]
    assert rows[1].actor == facilitator and rows[2].actor == provincial_officer
    assert rows[2].agency_id == referral.agency_id
    assert rows[-1].note == "ได้รับเบี้ยยังชีพเดือนละ 600 บาท"
    assert referral.outcome and referral.help_value == 7200 and referral.completed_at
    audit_actions = set(
        AuditEvent.objects.filter(object_id=str(referral.public_id)).values_list(
            "action", flat=True
        )
    )
    assert {"referral.proposed", "referral.approve", "referral.complete"} <= audit_actions


def test_due_date_counts_from_approval_and_urgency(make_referral):
    normal = make_referral("approved")
    urgent = make_referral("approved", urgency="urgent")
    today = timezone.localdate()
    assert normal.due_on == today + datetime.timedelta(days=30)
    assert urgent.due_on == today + datetime.timedelta(days=10)
    assert make_referral("submitted").due_on is None


def test_overdue_flag(make_referral):
    referral = make_referral("accepted")
    Referral.objects.filter(pk=referral.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    referral.refresh_from_db()
    assert referral.is_overdue
    Referral.objects.filter(pk=referral.pk).update(status="completed", outcome="x")
    referral.refresh_from_db()
    assert not referral.is_overdue


def test_decline_returns_to_the_officer_who_reroutes_to_another_agency(
    make_referral, provincial_officer, other_service, other_agency_staff
):
    referral = make_referral("declined")
    assert Notice.objects.filter(
        recipient=provincial_officer, subject=notices.subject_of(referral), kind=notices.DECLINED
    ).exists()
    rerouted = services.reroute_referral(
        provincial_officer, referral=referral, service=other_service, note="ส่ง อบต."
    )
    assert rerouted.status == "approved"
    assert rerouted.agency_id == other_service.agency_id
    assert rerouted.due_on == timezone.localdate() + datetime.timedelta(days=15)
    assert Notice.objects.filter(
        recipient=other_agency_staff,
        subject=notices.subject_of(referral),
        kind=notices.TO_ACCEPT,
        handled_at__isnull=True,
    ).exists()
    # The officers' "re-route it" is answered by the re-route.
    assert not Notice.objects.filter(kind=notices.DECLINED, handled_at__isnull=True).exists()


def test_notifications_go_to_whoever_acts_next(
    make_referral, facilitator, provincial_officer, other_province_officer, agency_staff
):
    referral = make_referral("submitted")
    waiting = Notice.objects.filter(subject=notices.subject_of(referral), handled_at__isnull=True)
    assert list(waiting.values_list("recipient_id", "kind")) == [
        (provincial_officer.pk, notices.TO_APPROVE)
    ]
    services.approve_referral(provincial_officer, referral=referral)
    assert list(waiting.values_list("recipient_id", "kind", "url")) == [
        (agency_staff.pk, notices.TO_ACCEPT, f"/referrals/inbox/{referral.public_id}/")
    ]


def test_completion_notifies_the_proposer(make_referral, facilitator):
    referral = make_referral("completed")
    waiting = Notice.objects.filter(
        recipient=facilitator, subject=notices.subject_of(referral), kind=notices.COMPLETED,
        handled_at__isnull=True,
    )  # fmt: skip
    assert waiting.exists()
    services.record_follow_up(facilitator, referral=referral, arrived="yes", effect="helped")
    assert not waiting.exists()  # confirmed with the household: handled


def test_propose_refuses_a_service_whose_agency_does_not_serve_the_village(
    facilitator, agency, villages
):
    from referrals.models import Agency, AgencyKind

    far = Agency.objects.create(code="far", name_th="อบต.ไกล", kind=AgencyKind.LOCAL_ADMINISTRATION)
    far.areas_served.add("490201")
    service = make_service(far, "far-relief")
    with pytest.raises(ReferralRefused) as refused:
        services.propose_referral(
            facilitator, household=make_household("49010101"), service=service, need="ต้องการ"
        )
    assert "does not serve" in refused.value.message


def test_propose_outside_the_area_is_denied(neighbour_facilitator, service, household):
    with pytest.raises(PermissionDenied):
        services.propose_referral(
            neighbour_facilitator, household=household, service=service, need="ต้องการ"
        )


def test_follow_up_once_for_a_completed_referral(make_referral, facilitator):
    referral = make_referral("completed")
    services.record_follow_up(facilitator, referral=referral, arrived="yes", effect="helped")
    assert ReferralFollowUp.objects.get(referral=referral).effect == "helped"
    with pytest.raises(ReferralRefused):
        services.record_follow_up(facilitator, referral=referral, arrived="yes", effect="helped")
    with pytest.raises(ReferralRefused):
        services.record_follow_up(
            facilitator, referral=make_referral("in_progress"), arrived="yes", effect="helped"
        )


def test_batch_approval_reports_each_refusal(make_referral, provincial_officer):
    fresh = [make_referral("submitted") for _ in range(3)]
    already = make_referral("approved")
    done, refused = services.approve_referrals(provincial_officer, referrals=[*fresh, already])
    assert {r.pk for r in done} == {r.pk for r in fresh}
    assert [(r.pk, "cannot be approved" in e.message) for r, e in refused] == [(already.pk, True)]


@pytest.mark.django_db(transaction=True)
def test_two_officers_approving_at_once_one_wins_the_other_is_told(
    make_referral, provincial_officer
):
    """Officer A approves inside a transaction that stays open; officer B, on another
    connection, tries the same referral and must wait on the row lock. Once B is seen waiting
    in pg_stat_activity, A commits; B then finds the referral approved and is told so. Without
    the lock B would read "submitted" and approve a second time."""
    from tests.factories import UserFactory, assign

    second_officer = assign(UserFactory(username="officer_49_b"), "provincial_officer", "49")
    referral = make_referral("submitted")
    stale_copy = Referral.objects.get(pk=referral.pk)
    a_holds_lock = threading.Event()
    a_may_commit = threading.Event()
    outcome = {}

    def officer_a():
        from django.db import transaction

        try:
            with transaction.atomic():
                services.approve_referral(provincial_officer, referral=referral)
                a_holds_lock.set()
                a_may_commit.wait(timeout=30)
            outcome["a"] = "approved"
        finally:
            connections.close_all()

    def officer_b():
        a_holds_lock.wait(timeout=30)
        try:
            with translation.override("en"):
                services.approve_referral(second_officer, referral=stale_copy)
            outcome["b"] = "approved"
        except ReferralRefused as refused:
            outcome["b"] = refused
        finally:
            connections.close_all()

    thread_a = threading.Thread(target=officer_a)
    thread_b = threading.Thread(target=officer_b)
    thread_a.start()
    thread_b.start()
    assert a_holds_lock.wait(timeout=30)
    waiting = False
    for _ in range(600):  # until B is blocked on A's row lock (polled, not timed)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                waiting = True
                break
        threading.Event().wait(0.05)
    a_may_commit.set()
    thread_a.join(timeout=30)
    thread_b.join(timeout=30)
    assert waiting, "officer B never waited on the row lock"
    assert outcome["a"] == "approved"
    assert isinstance(outcome["b"], ReferralRefused)
    assert outcome["b"].code == "changed"
    assert "Someone else acted on this referral first" in str(outcome["b"].message)
    assert ReferralTransition.objects.filter(referral=referral, to_status="approved").count() == 1


# Review fixes -----------------------------------------------------------------------------------


def test_overdue_query_and_flag_agree_for_every_state(make_referral):
    from referrals.selectors import overdue_q

    for state in transitions.State:
        make_referral(state)
    Referral.objects.update(due_on=timezone.localdate() - datetime.timedelta(days=3))
    queried = set(Referral.objects.filter(overdue_q()).values_list("status", flat=True))
    flagged = {r.status for r in Referral.objects.all() if r.is_overdue}
    assert queried == flagged == {"approved", "accepted", "in_progress"}


@pytest.mark.parametrize("change", ["service_inactive", "agency_inactive", "area_not_served"])
def test_approval_refused_when_the_service_is_no_longer_offered_there(
    make_referral, provincial_officer, service, change
):
    referral = make_referral("submitted")
    if change == "service_inactive":
        type(service).objects.filter(pk=service.pk).update(is_active=False)
    elif change == "agency_inactive":
        type(service.agency).objects.filter(pk=service.agency_id).update(is_active=False)
    else:
        service.agency.areas_served.set(["48"])
    with pytest.raises(ReferralRefused) as refused:
        services.approve_referral(provincial_officer, referral=referral)
    assert refused.value.code == "invalid"
    assert service.name_th in refused.value.message or "does not serve" in refused.value.message
    referral.refresh_from_db()
    assert referral.status == "submitted" and referral.due_on is None
    assert not Notice.objects.filter(kind=notices.TO_ACCEPT).exists()


def test_batch_approval_lists_a_service_no_longer_offered(make_referral, provincial_officer,
                                                          service):  # fmt: skip
    referral = make_referral("submitted")
    type(service).objects.filter(pk=service.pk).update(is_active=False)
    done, refused = services.approve_referrals(provincial_officer, referrals=[referral])
    assert done == []
    assert [(r.pk, e.message) for r, e in refused] == [
        (referral.pk, f"{service.name_th} is no longer offered.")
    ]


def test_reroute_refused_to_an_inactive_service(make_referral, provincial_officer, other_service):
    referral = make_referral("declined")
    type(other_service).objects.filter(pk=other_service.pk).update(is_active=False)
    other_service.refresh_from_db()
    with pytest.raises(ReferralRefused):
        services.reroute_referral(provincial_officer, referral=referral, service=other_service)
    referral.refresh_from_db()
    assert referral.status == "declined"


def test_one_user_may_be_staff_of_two_agencies_and_sees_both(
    client, agency_staff, other_agency, make_referral, other_service
):
    from django.urls import reverse

    from ppaos.accounts.models import Role, RoleAssignment
    from ppaos.accounts.policy import forget_assignments

    RoleAssignment.objects.create(user=agency_staff, role=Role.AGENCY_STAFF, agency=other_agency)
    forget_assignments(agency_staff)
    ours = make_referral("approved")
    theirs = make_referral("approved", service=other_service)
    client.force_login(agency_staff)
    inbox = client.get(reverse("referrals:agency_inbox")).content.decode()
    assert inbox.count('data-testid="inbox-row"') == 2
    assert str(ours.public_id) in inbox and str(theirs.public_id) in inbox
    assert services.accept_referral(agency_staff, referral=theirs).status == "accepted"


def test_the_same_agency_assignment_is_refused_twice(agency_staff, agency):
    from django.db import IntegrityError, transaction

    from ppaos.accounts.models import Role, RoleAssignment

    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=agency_staff, role=Role.AGENCY_STAFF, agency=agency)


def test_the_same_area_role_and_admin_role_are_refused_twice(facilitator, admin_user):
    from django.db import IntegrityError, transaction

    from ppaos.accounts.models import Role, RoleAssignment

    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=facilitator, role=Role.FACILITATOR, area_id="490101")
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=admin_user, role=Role.ADMIN)
