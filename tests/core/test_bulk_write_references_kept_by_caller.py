"""`ppaos.core.copy_rows.references_kept_by_caller`: a bulk write may skip PostgreSQL's row-by-row
foreign-key checks only with the existing rows it references locked as those checks lock them,
only inside the block (inside the caller's atomic block), and only where the database role
may."""

import contextlib
import uuid

import psycopg2
import pytest
from django.db import DataError, IntegrityError, connection, transaction
from django.db.transaction import TransactionManagementError

from ppaos.accounts.models import User
from ppaos.audit.models import AuditEvent
from ppaos.core.copy_rows import references_kept_by_caller


def replication_role() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('session_replication_role')")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_the_row_checks_are_off_inside_the_block_only_and_back_when_it_fails(facilitator):
    with transaction.atomic(), references_kept_by_caller([(User, {facilitator.pk})]) as skipped:
        assert skipped is True  # the suite's role is a superuser
        assert replication_role() == "replica"
        AuditEvent.objects.create(actor=facilitator, action="x.y")
    assert replication_role() == "origin"
    with pytest.raises(ZeroDivisionError), transaction.atomic(), references_kept_by_caller([]):
        assert replication_role() == "replica"
        1 / 0  # noqa: B018
    assert replication_role() == "origin"
    # An error the caller catches inside its own block: set back all the same.
    with transaction.atomic():
        with contextlib.suppress(ZeroDivisionError), references_kept_by_caller([]):
            1 / 0  # noqa: B018
        assert replication_role() == "origin"
    # A database error: the transaction takes no command until the caller's savepoint is
    # rolled back, which undoes the setting.
    with pytest.raises(DataError), transaction.atomic(), references_kept_by_caller([]):
        AuditEvent.objects.create(actor=facilitator, action="x" * 300)  # too long: a DB error
    assert replication_role() == "origin"
    assert AuditEvent.objects.filter(action="x.y").count() == 1


@pytest.mark.django_db
def test_a_referenced_row_that_does_not_exist_is_refused_as_the_check_would(facilitator):
    missing = User.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    with (
        pytest.raises(IntegrityError, match="accounts.User"),
        transaction.atomic(),
        references_kept_by_caller([(User, {facilitator.pk, missing})]),
    ):
        pytest.fail("the block must not run")  # pragma: no cover
    assert replication_role() == "origin"


@pytest.mark.django_db(transaction=True)
def test_the_referenced_rows_stay_locked_against_deletion_until_the_transaction_ends():
    user = User.objects.create(username=f"locked-{uuid.uuid4().hex[:8]}")
    with pytest.raises(TransactionManagementError), references_kept_by_caller([]):
        pytest.fail("outside an atomic block the setting could outlive the block")
    db = connection.settings_dict
    other = psycopg2.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"] or 5432
    )
    lock = "SELECT 1 FROM accounts_user WHERE id = %s FOR {} NOWAIT"
    try:
        other.autocommit = True
        probe = other.cursor()
        with transaction.atomic():
            with references_kept_by_caller([(User, {user.pk})]):
                AuditEvent.objects.create(actor=user, action="x.y")
            # FOR KEY SHARE, as the foreign-key check takes it: another session can neither
            # delete the row nor change its key while this transaction is open...
            with pytest.raises(psycopg2.errors.LockNotAvailable):
                probe.execute(lock.format("UPDATE"), [user.pk])
            # ...but may update its other columns (a login, a name).
            probe.execute(lock.format("NO KEY UPDATE"), [user.pk])
            assert probe.fetchone() == (1,)
        probe.execute(lock.format("UPDATE"), [user.pk])
        assert probe.fetchone() == (1,)
    finally:
        other.close()


@pytest.mark.django_db
def test_a_role_without_the_privilege_writes_with_the_row_checks_and_locks_nothing(facilitator):
    missing = User.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    role = f"ppaos_plain_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")  # rolled back with the test
        cursor.execute(f"GRANT SELECT ON accounts_user TO {role}")  # no UPDATE: no lock
        cursor.execute(f"SET LOCAL ROLE {role}")
    with (
        transaction.atomic(),
        references_kept_by_caller([(User, {facilitator.pk, missing})]) as skipped,
    ):
        # The row-by-row checks stay on and do the checking: nothing is looked up here.
        assert skipped is False
        assert replication_role() == "origin"
