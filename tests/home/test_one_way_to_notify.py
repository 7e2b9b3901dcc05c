"""One way to tell people (ppaos.notifications): referral notices, the overdue reminder and the
privacy 30-day reminder are all Notices; the old referral notifications and data-request
reminders are moved into Notices by the migrations; a notice that only tells is handled once
read, one that asks for work stops waiting when the work is done."""

import datetime
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from ppaos.notifications.models import Notice
from referrals import notices, services
from tests.referrals.test_pages import as_user


@pytest.mark.django_db
def test_a_rejection_only_tells_so_opening_it_handles_it(
    client, make_referral, facilitator, provincial_officer
):
    referral = make_referral("submitted")
    services.reject_referral(provincial_officer, referral=referral, reason="ไม่เข้าเกณฑ์")
    notice = Notice.objects.get(recipient=facilitator, kind=notices.REJECTED)
    assert notice.handled_at is None
    home = as_user(client, facilitator).get(reverse("home")).content.decode()
    assert 'data-testid="unread-count">' in home
    response = client.post(reverse("notifications:open", args=[notice.pk]))
    assert response.url == reverse("referrals:referral_detail", args=[referral.public_id])
    notice.refresh_from_db()
    assert notice.read_at is not None and notice.handled_at is not None


@pytest.mark.django_db
def test_to_approve_stays_waiting_when_read_until_someone_approves(
    client, make_referral, provincial_officer
):
    referral = make_referral("submitted")
    notice = Notice.objects.get(recipient=provincial_officer, kind=notices.TO_APPROVE)
    as_user(client, provincial_officer).post(reverse("notifications:list"))  # mark all read
    notice.refresh_from_db()
    assert notice.read_at is not None and notice.handled_at is None
    services.approve_referral(provincial_officer, referral=referral)
    notice.refresh_from_db()
    assert notice.handled_at is not None


@pytest.mark.django_db
def test_no_other_notice_tables_remain():
    tables = connection.introspection.table_names()
    assert "referrals_notification" not in tables
    assert "privacy_datarequestreminder" not in tables


BEFORE = [
    ("referrals", "0001_catalogue_and_referrals"),
    ("privacy", "0001_data_requests_and_breaches"),
]
AFTER = [("referrals", "0002_notices_move_to_core"), ("privacy", "0002_reminders_become_notices")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


def _to_latest():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_migrations_move_old_rows_into_notices(make_referral, facilitator, provincial_officer):
    submitted = make_referral("submitted")
    accepted = make_referral("accepted")
    completed = make_referral("completed")
    left_submitted = accepted.history.get(from_status="submitted").created_at
    Notice.objects.all().delete()
    executor = _migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Notification = old.get_model("referrals", "Notification")
    Request = old.get_model("privacy", "DataSubjectRequest")
    Reminder = old.get_model("privacy", "DataRequestReminder")
    now = timezone.now()
    yesterday = now - datetime.timedelta(days=1)

    def sent(referral, kind, recipient, *, read_at=None, at=yesterday):
        row = Notification.objects.create(
            recipient_id=recipient.pk, referral_id=referral.pk, kind=kind, read_at=read_at
        )
        Notification.objects.filter(pk=row.pk).update(created_at=at)
        return row

    # Opened but still submitted: "read" only meant opened, so it still waits.
    sent(submitted, "to_approve", provincial_officer, read_at=yesterday)
    # Never opened, but approved since: handled when it left "submitted".
    sent(accepted, "to_approve", provincial_officer)
    sent(accepted, "to_accept", provincial_officer)
    # Completed with no follow-up yet: waits; twice the same day: merged into one, still waiting.
    sent(completed, "completed", facilitator, read_at=now, at=now)
    sent(completed, "completed", facilitator, at=now + datetime.timedelta(seconds=1))
    sent(submitted, "rejected", facilitator)  # only tells: waits until read
    sent(accepted, "cancelled", facilitator, read_at=now)
    person_id = submitted.household.memberships.first().person_id

    def data_request(**fields):
        return Request.objects.create(
            public_id=uuid.uuid4(), person_id=person_id, area_id=submitted.area_id,
            kind="objection", received_on=timezone.localdate(), due_on=timezone.localdate(),
            identity_method="id_card_seen", identity_checked_by_id=provincial_officer.pk,
            **fields,
        )  # fmt: skip

    request = data_request()
    closed = data_request(status="completed", decided_at=yesterday)
    Reminder.objects.create(
        request_id=request.pk, recipient_id=provincial_officer.pk,
        sent_on=timezone.localdate(), read_at=now,
    )  # fmt: skip
    Reminder.objects.create(
        request_id=closed.pk, recipient_id=provincial_officer.pk, sent_on=timezone.localdate()
    )

    _migrate(AFTER)
    _to_latest()

    moved = list(Notice.objects.all())
    assert len(moved) == 8  # nine rows, one same-day repeat merged
    by = {(n.kind, n.subject): n for n in moved}

    def notice(kind, referral):
        return by[(kind, f"referral:{referral.public_id}")]

    waiting = notice("referral_to_approve", submitted)
    assert waiting.url == reverse("referrals:referral_detail", args=[submitted.public_id])
    assert waiting.read_at is not None and waiting.handled_at is None
    assert waiting.day == timezone.localtime(yesterday).date()
    assert notice("referral_to_approve", accepted).handled_at == left_submitted
    assert notice("referral_to_accept", accepted).handled_at is not None
    repeat = notice("referral_completed", completed)
    assert repeat.handled_at is None and repeat.read_at is None
    assert notice("referral_rejected", submitted).handled_at is None
    assert notice("referral_rejected", submitted).recipient_id == facilitator.pk
    assert notice("referral_cancelled", accepted).handled_at is not None
    due = by[("data_request_due", f"data_request:{request.public_id}")]
    assert due.url == reverse("privacy:request_detail", args=[request.public_id])
    assert due.read_at is not None and due.handled_at is None  # opened, still open
    done = by[("data_request_due", f"data_request:{closed.public_id}")]
    assert done.handled_at == yesterday

    # A rollback puts them back in the old tables; forwards again gives the same notices.
    executor = _migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    assert Notice.objects.count() == 0
    assert old.get_model("referrals", "Notification").objects.count() == 6
    back = old.get_model("privacy", "DataRequestReminder").objects.order_by("id")
    assert [(r.request_id, r.read_at is not None) for r in back] == [
        (request.pk, True), (closed.pk, False)
    ]  # fmt: skip
    _migrate(AFTER)
    _to_latest()
    assert {(n.kind, n.subject, n.handled_at) for n in Notice.objects.all()} == {
        (n.kind, n.subject, n.handled_at) for n in moved
    }
