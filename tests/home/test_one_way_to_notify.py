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


@pytest.mark.django_db(transaction=True)
def test_the_migrations_move_old_rows_into_notices(make_referral, facilitator, provincial_officer):
    referral = make_referral("submitted")
    Notice.objects.all().delete()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Notification = old.get_model("referrals", "Notification")
    Request = old.get_model("privacy", "DataSubjectRequest")
    Reminder = old.get_model("privacy", "DataRequestReminder")
    yesterday = timezone.now() - datetime.timedelta(days=1)
    read = Notification.objects.create(
        recipient_id=provincial_officer.pk, referral_id=referral.pk, kind="to_approve",
        read_at=yesterday,
    )  # fmt: skip
    Notification.objects.filter(pk=read.pk).update(created_at=yesterday)
    Notification.objects.create(
        recipient_id=facilitator.pk, referral_id=referral.pk, kind="rejected"
    )
    request = Request.objects.create(
        public_id=uuid.uuid4(), person_id=referral.household.memberships.first().person_id,
        area_id=referral.area_id, kind="objection", received_on=timezone.localdate(),
        due_on=timezone.localdate(), identity_method="id_card_seen",
        identity_checked_by_id=provincial_officer.pk,
    )  # fmt: skip
    Reminder.objects.create(
        request_id=request.pk, recipient_id=provincial_officer.pk, sent_on=timezone.localdate()
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    executor.loader.build_graph()
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    moved = {n.kind: n for n in Notice.objects.all()}
    assert set(moved) == {"referral_to_approve", "referral_rejected", "data_request_due"}
    approve = moved["referral_to_approve"]
    assert approve.subject == f"referral:{referral.public_id}"
    assert approve.url == reverse("referrals:referral_detail", args=[referral.public_id])
    assert approve.handled_at is not None  # read then: it had been answered
    assert approve.day == timezone.localtime(yesterday).date()
    assert moved["referral_rejected"].handled_at is None
    assert moved["referral_rejected"].recipient_id == facilitator.pk
    due = moved["data_request_due"]
    assert due.url == reverse("privacy:request_detail", args=[request.public_id])
    assert due.subject == f"data_request:{request.public_id}" and due.handled_at is None
