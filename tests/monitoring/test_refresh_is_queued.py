"""What moves the figures queues it for the debounced refresh: a verified survey's result and a
change of members queue their household; a referral's change, a registrant's finding and a
welfare-registry import (through the import framework's signal: ppaos/imports never imports
monitoring) queue their village."""

import datetime as dt
import re
from pathlib import Path

import pytest

from monitoring.models import AreaRollup, PendingHousehold, PendingVillage
from monitoring.rollup import drain_pending, full_rebuild
from referrals.models import Referral, ReferralStatus
from tests.imports.files import good_row, write_xlsx
from tests.imports.helpers import run_in_process
from tests.monitoring.builders import _user, household, result
from tests.referrals.conftest import make_service

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _pending():
    return set(PendingVillage.objects.values_list("code", flat=True))


def _pending_households():
    return set(PendingHousehold.objects.values_list("household_id", flat=True))


def test_a_verified_result_and_a_referral_change_queue_their_household_and_village(
    villages, agency, django_capture_on_commit_callbacks
):
    home = household("49010102", [{}])
    with django_capture_on_commit_callbacks(execute=True):
        result(home, 2568, "in_hardship")
    assert _pending_households() == {home.pk}
    assert _pending() == set()
    service = make_service(agency, "monitor-queue")
    with django_capture_on_commit_callbacks(execute=True):
        referral = Referral.objects.create(
            household=home, area_id="49010102", service=service, agency=agency, need="x",
            reason="x", proposed_by=_user(), status=ReferralStatus.SUBMITTED,
        )  # fmt: skip
    assert _pending() == {"49010102"}
    # the drain refreshes the queued villages and empties the queue
    full_rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        referral.status = ReferralStatus.APPROVED
        referral.save()
    assert drain_pending() is not None
    assert _pending() == set() == _pending_households()
    assert (
        AreaRollup.objects.get(area_code="49", fiscal_year__gt=0, metric="ref:approved").value == 1
    )


def test_a_deleted_result_or_referral_queues_its_village(
    villages, agency, django_capture_on_commit_callbacks
):
    home = household("49010102", [{}])
    found = result(home, 2568, "in_hardship")
    service = make_service(agency, "monitor-queue-deleted")
    referral = Referral.objects.create(
        household=home, area_id="49010201", service=service, agency=agency, need="x",
        reason="x", proposed_by=_user(), status=ReferralStatus.SUBMITTED,
    )  # fmt: skip
    PendingVillage.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        referral.delete()
    assert _pending() == {"49010201"}
    PendingHousehold.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        type(found).objects.filter(pk=found.pk).first().delete()
    assert _pending_households() == {home.pk}  # its household is recounted (and its village)


def test_a_member_joining_or_leaving_queues_the_household(
    villages, django_capture_on_commit_callbacks
):
    from households.models import Membership

    home = household("49010101", [{}, {}])
    full_rebuild()
    membership = Membership.objects.filter(household=home).last()
    with django_capture_on_commit_callbacks(execute=True):
        membership.left_on = dt.date(2025, 1, 1)
        membership.save()
    assert _pending_households() == {home.pk}


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_during_a_drain_waits_for_the_next(villages, monkeypatch):
    """Another connection queues the household while the drain works on it (its entry was
    claimed already): that entry must survive the drain, whatever the hosts' clocks say."""
    import threading

    from django.db import connection, transaction

    from monitoring import rollup

    home = household("49010101", [{}])
    full_rebuild()
    rollup.mark_households_dirty([home.pk])
    real_refresh = rollup.refresh
    writer = {}

    def queue_from_another_connection():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                # a web host whose clock runs behind the worker's (raw SQL: the model's
                # auto_now_add would stamp this process's clock)
                cursor.execute(
                    f"INSERT INTO {PendingHousehold._meta.db_table} (household_id, queued_at) "
                    "VALUES (%s, %s)",
                    [home.pk, dt.datetime(2000, 1, 1, tzinfo=dt.UTC)],
                )
        finally:
            connection.close()
        writer["done"] = True

    def refresh_while_another_queues(*args, **kwargs):
        thread = threading.Thread(target=queue_from_another_connection)
        thread.start()
        writer["thread"] = thread
        thread.join(timeout=5)  # it commits at once: the queue is append-only
        return real_refresh(*args, **kwargs)

    monkeypatch.setattr(rollup, "refresh", refresh_while_another_queues)
    assert drain_pending() is not None
    writer["thread"].join(timeout=30)
    assert writer.get("done")
    assert _pending_households() == {home.pk}


def test_a_change_rolled_back_leaves_no_entry(villages):
    from django.db import transaction

    from monitoring.rollup import mark_households_dirty

    home = household("49010101", [{}])
    PendingHousehold.objects.all().delete()
    with pytest.raises(RuntimeError), transaction.atomic():
        mark_households_dirty([home.pk])
        raise RuntimeError("the change failed")
    assert _pending_households() == set()


def test_a_registry_import_queues_the_villages_it_wrote(
    tmp_path, settings, admin_user, villages, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    path = write_xlsx(tmp_path / "registry.xlsx", [good_row(n) for n in range(1, 4)])
    with django_capture_on_commit_callbacks(execute=True):
        job = run_in_process(admin_user, path)
    assert job.created_count == 3
    assert _pending() == {"49010101"}


def test_a_validate_only_import_queues_nothing(
    tmp_path, settings, admin_user, villages, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    path = write_xlsx(tmp_path / "registry.xlsx", [good_row(n) for n in range(1, 4)])
    with django_capture_on_commit_callbacks(execute=True):
        run_in_process(admin_user, path, dry_run=True)
    assert _pending() == set()


def test_the_import_framework_does_not_import_monitoring():
    for source in (ROOT / "ppaos" / "imports").rglob("*.py"):
        text = source.read_text()
        assert not re.search(r"^\s*(from|import) monitoring\b", text, re.M), source


@pytest.mark.django_db(transaction=True)
def test_the_drain_never_waits_for_a_writer_that_has_queued_and_not_committed(villages):
    """A long transaction (an import) has queued an already-queued household and not committed:
    the drain takes what is committed without waiting for it (no row of the queue is ever
    updated), and the writer's entry stays for the next drain; neither deadlocks."""
    import threading

    from django.db import connection, transaction

    from monitoring import rollup

    home = household("49010101", [{}])
    full_rebuild()
    rollup.mark_households_dirty([home.pk])
    rollup.mark_villages_dirty(["49010102"])
    entered, released, order = threading.Event(), threading.Event(), []

    def long_writer():
        try:
            with transaction.atomic():
                rollup.mark_households_dirty([home.pk])
                rollup.mark_villages_dirty(["49010102"])
                entered.set()
                released.wait(timeout=10)
            order.append("writer committed")
        finally:
            connection.close()

    thread = threading.Thread(target=long_writer)
    thread.start()
    assert entered.wait(timeout=10)
    assert drain_pending() is not None
    order.append("drain done")
    released.set()
    thread.join(timeout=30)
    assert order == ["drain done", "writer committed"]
    assert _pending_households() == {home.pk} and _pending() == {"49010102"}
