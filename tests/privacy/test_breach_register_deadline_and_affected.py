"""The breach register: the 72-hour notice deadline, the one table of steps, and the persons
whose records a suspect user read in a window, from the audit log."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from households.models import Membership
from households.services import record_person_viewed
from privacy.models import BreachStatus
from privacy.selectors import persons_read_by
from privacy.services import move_breach, record_breach
from tests.factories import household_with_head

pytestmark = pytest.mark.django_db


def test_the_notice_is_due_72_hours_after_discovery(provincial_officer):
    found = timezone.now() - datetime.timedelta(hours=73)
    report = record_breach(
        actor=provincial_officer, area_code="49", what_happened="แล็ปท็อปหาย", found_at=found
    )
    assert report.notice_deadline == found + datetime.timedelta(hours=72)
    assert report.notice_overdue
    move_breach(actor=provincial_officer, report=report, to_status=BreachStatus.ASSESSED)
    report = move_breach(
        actor=provincial_officer, report=report, to_status=BreachStatus.NOTIFIED, note="แจ้ง สคส."
    )
    assert report.notified_at and not report.notice_overdue
    assert [s.to_status for s in report.steps.all()] == ["suspected", "assessed", "notified"]


def test_a_breach_cannot_skip_its_assessment(provincial_officer):
    report = record_breach(
        actor=provincial_officer, area_code="49", what_happened="x", found_at=timezone.now()
    )
    with pytest.raises(ValidationError):
        move_breach(actor=provincial_officer, report=report, to_status=BreachStatus.CLOSED)


def test_other_province_and_other_roles_may_not_record_a_breach(
    other_province_officer, facilitator
):
    for user in (other_province_officer, facilitator):
        with pytest.raises(PermissionDenied):
            record_breach(actor=user, area_code="49", what_happened="x", found_at=timezone.now())


def test_affected_persons_are_those_the_user_read_in_the_window(facilitator):
    read, unread = (
        Membership.objects.get(household=household_with_head()).person for _ in range(2)
    )
    start = timezone.now()
    record_person_viewed(actor=facilitator, person=read, area_code="49010101")
    record_person_viewed(actor=facilitator, person=read, area_code="49010101")
    end = timezone.now()

    rows = persons_read_by(user_id=facilitator.pk, start=start, end=end, area_prefix="49")

    assert [(r["object_id"], r["reads"]) for r in rows] == [(str(read.public_id), 2)]
    assert persons_read_by(user_id=facilitator.pk, start=start, end=end, area_prefix="48") == []
    assert str(unread.public_id) not in {r["object_id"] for r in rows}
