"""Retention: the dry run counts what is past its period and changes nothing; the beat task, run
by a real worker, anonymises exited persons and deletes old import files, access copies and
audit rows — and never an audit row younger than its own period."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import IntegrityError, InternalError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from households.models import Household, HouseholdStatus, Membership
from ppaos.audit.models import AuditEvent
from ppaos.imports.models import ImportJob, ImportStatus
from privacy import retention
from privacy.models import DataSubjectRequest, ExportStatus
from privacy.services import ERASED_NAME
from privacy.tasks import apply_retention
from tests.factories import household_with_head

TODAY = dt.date.today()


def _days_ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def _person_who_left(days_ago: int):
    household = household_with_head()
    membership = Membership.objects.get(household=household)
    membership.left_on = _days_ago(days_ago)
    membership.joined_on = _days_ago(days_ago + 365)
    membership.save()
    return membership.person


def _old_audit_row(days_ago: int, action: str = "test.old") -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (action, object_type, object_id, object_repr, "
            "area_code, details, created_at) VALUES (%s, '', '', '', '', '{}', %s) RETURNING id",
            [action, timezone.now() - dt.timedelta(days=days_ago)],
        )
        return cursor.fetchone()[0]


def _import_job(user, *, days_ago: int) -> ImportJob:
    job = ImportJob(
        created_by=user,
        kind="registry",
        original_filename="x.csv",
        status=ImportStatus.PARTLY_SUCCEEDED,
    )
    job.file.save("x.csv", ContentFile(b"national_id\n1"), save=False)
    job.error_report.save("errors.xlsx", ContentFile(b"PK"), save=False)
    job.save()
    ImportJob.objects.filter(pk=job.pk).update(
        finished_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    return job


def _access_copy(officer, person, *, days_ago: int) -> DataSubjectRequest:
    request = DataSubjectRequest(
        person=person,
        area_id="49010101",
        kind="access",
        received_on=_days_ago(days_ago),
        due_on=_days_ago(days_ago) + dt.timedelta(days=30),
        identity_method="id_card_seen",
        identity_checked_by=officer,
        export_status=ExportStatus.READY,
    )
    request.export_file.save("export.xlsx", ContentFile(b"PK"), save=False)
    request.save()
    DataSubjectRequest.objects.filter(pk=request.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    return request


def _world(officer, admin_user):
    old_leaver = _person_who_left(11 * 365)
    recent_leaver = _person_who_left(30)
    resident = Membership.objects.get(household=household_with_head()).person
    moved = household_with_head()
    Household.objects.filter(pk=moved.pk).update(
        status=HouseholdStatus.MOVED, updated_at=timezone.now() - dt.timedelta(days=12 * 365)
    )
    moved_person = Membership.objects.get(household=moved).person
    return {
        "old_leaver": old_leaver,
        "recent_leaver": recent_leaver,
        "resident": resident,
        "moved_person": moved_person,
        "old_job": _import_job(admin_user, days_ago=120),
        "new_job": _import_job(admin_user, days_ago=10),
        "old_copy": _access_copy(officer, recent_leaver, days_ago=45),
        "new_copy": _access_copy(officer, resident, days_ago=5),
        "ancient_audit": _old_audit_row(11 * 366),
        "young_audit": _old_audit_row(2 * 365),
    }


def _counts(rows):
    return {row.kind: row.count for row in rows}


@pytest.mark.django_db
def test_dry_run_counts_and_changes_nothing(provincial_officer, admin_user, capsys):
    world = _world(provincial_officer, admin_user)
    audit_rows = AuditEvent.objects.count()

    assert _counts(retention.plan()) == {
        "exited_persons": 2,
        "import_files": 1,
        "access_exports": 1,
        "audit_events": 1,
    }
    call_command("retention")
    out = capsys.readouterr().out
    assert "exited_persons" in out and "audit_events" in out

    world["old_leaver"].refresh_from_db()
    assert world["old_leaver"].first_name != ERASED_NAME
    assert ImportJob.objects.get(pk=world["old_job"].pk).file.name
    assert AuditEvent.objects.count() == audit_rows


@pytest.mark.django_db
def test_the_page_shows_the_dry_run_to_officers_only(
    client, provincial_officer, admin_user, facilitator, other_province_officer
):
    _world(provincial_officer, admin_user)
    url = reverse("privacy:retention_report")
    client.force_login(provincial_officer)
    page = client.get(url).content.decode()
    assert 'data-testid="retention-exited_persons"' in page
    assert _counts(retention.plan(area_prefixes=["49"]))["exited_persons"] == 2
    assert _counts(retention.plan(area_prefixes=["50"]))["exited_persons"] == 0
    client.force_login(facilitator)
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_the_database_refuses_to_delete_audit_rows_within_their_period():
    young = _old_audit_row(200)
    ancient = _old_audit_row(3000)
    refused = (InternalError, IntegrityError)
    with pytest.raises(refused), transaction.atomic(), connection.cursor() as cursor:
        # Even a transaction that claims every row is past its period: under a year stays.
        cursor.execute("SELECT set_config('ppaos.audit_purge_before', '2999-01-01', true)")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [young])
    with pytest.raises(refused), transaction.atomic(), connection.cursor() as cursor:
        # An old row, but the transaction did not say it is past its period.
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [ancient])
    assert AuditEvent.objects.filter(pk__in=[young, ancient]).count() == 2


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_beat_task_applies_the_periods_in_a_real_worker(
    celery_worker, provincial_officer, admin_user
):
    world = _world(provincial_officer, admin_user)
    old_upload, old_report = world["old_job"].file.name, world["old_job"].error_report.name

    counts = apply_retention.delay().get(timeout=60)

    assert counts == {
        "exited_persons": 2,
        "import_files": 1,
        "access_exports": 1,
        "audit_events": 1,
    }
    for key in ("old_leaver", "moved_person"):
        world[key].refresh_from_db()
        assert world[key].first_name == ERASED_NAME and world[key].national_id.startswith("0")
    for key in ("recent_leaver", "resident"):
        world[key].refresh_from_db()
        assert world[key].first_name != ERASED_NAME
    old_job = ImportJob.objects.get(pk=world["old_job"].pk)
    assert (old_job.file.name, old_job.error_report.name) == ("", "")
    assert old_job.rejected_count == world["old_job"].rejected_count  # the history stays
    assert not default_storage.exists(old_upload) and not default_storage.exists(old_report)
    assert ImportJob.objects.get(pk=world["new_job"].pk).file.name
    old_copy = DataSubjectRequest.objects.get(pk=world["old_copy"].pk)
    assert (old_copy.export_file.name, old_copy.export_status) == ("", ExportStatus.EXPIRED)
    assert DataSubjectRequest.objects.get(pk=world["new_copy"].pk).export_file.name
    assert not AuditEvent.objects.filter(pk=world["ancient_audit"]).exists()
    assert AuditEvent.objects.filter(pk=world["young_audit"]).exists()
    assert AuditEvent.objects.filter(action="person.anonymised").count() == 2
    assert AuditEvent.objects.get(action="privacy.retention_applied").details["audit_events"] == 1
    # Idempotent: the next night finds nothing more.
    assert set(apply_retention.delay().get(timeout=60).values()) == {0}
