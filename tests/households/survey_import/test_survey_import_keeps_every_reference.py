"""The set-based write of a survey import skips PostgreSQL's row-by-row foreign-key checks where
the role may (ppaos.core.copy_rows.references_kept_by_caller): every reference it writes must
still hold (every foreign key of the database, after a mixed file), each must name a row the
write made or an existing row it locked first, and no trigger of the tables it writes may be
one that fires on insert (it would be skipped too)."""

import pytest
from django.db import connection

from tests.households.survey_import.files import household, write_template_xlsx
from tests.households.survey_import.test_survey_import_set_based_write import mixed_rows, run

pytestmark = pytest.mark.django_db


def broken_references() -> list[tuple[str, str, int]]:
    """(table, column, rows whose referenced row is missing), for every foreign key of the
    public schema that has such rows."""
    constraints = foreign_keys_of()
    assert len(constraints) > 40  # the whole schema, not an empty look
    broken = []
    with connection.cursor() as cursor:
        for table, column, parent, parent_column in constraints:
            cursor.execute(
                f'SELECT count(*) FROM {table} t WHERE t."{column}" IS NOT NULL AND NOT EXISTS '
                f'(SELECT 1 FROM {parent} p WHERE p."{parent_column}" = t."{column}")'
            )
            (missing,) = cursor.fetchone()
            if missing:
                broken.append((table, column, missing))
    return broken


def test_every_reference_the_set_based_write_makes_holds(facilitator, tmp_path, settings):
    settings.SURVEY_IMPORT_SET_BASED = True
    job = run(facilitator, write_template_xlsx(tmp_path / "mixed.xlsx", mixed_rows()))
    assert job.created_count == 8
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM households_indicatoranswer")
        assert cursor.fetchone()[0] > 100  # answers were written, set-based among them
    assert broken_references() == []


# The tables the set-based write (bulk.Planner._copy) writes, with the row checks skipped.
WRITTEN = (
    "households_household", "households_person", "households_membership", "households_survey",
    "households_surveytransition", "households_surveysourcekey", "households_indicatoranswer",
    "households_capitalanswer", "households_surveyaccounts", "households_surveyneed",
    "audit_auditevent",
)  # fmt: skip


def foreign_keys_of(tables=None):
    """(table, column, referenced table, referenced column) of every single-column foreign key
    of `tables` (all of the public schema's when None)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text,
                      fa.attname
               FROM pg_constraint c
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
               JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1]
               WHERE c.contype = 'f' AND cardinality(c.conkey) = 1
                 AND c.connamespace = 'public'::regnamespace
                 AND (%s::text[] IS NULL OR c.conrelid::regclass::text = ANY(%s::text[]))""",
            [tables and list(tables)] * 2,
        )
        return cursor.fetchall()


def last_ids(tables) -> dict[str, int]:
    with connection.cursor() as cursor:
        ids = {}
        for table in tables:
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
            ids[table] = cursor.fetchone()[0]
        return ids


def test_every_existing_row_the_set_based_write_references_is_locked_first(
    facilitator, tmp_path, settings, monkeypatch
):
    """Each foreign key of a row the set-based write makes names a row the same write made or
    one of the existing rows it locked first (bulk.Planner.write's list): a foreign key added
    to these tables and left out of that list fails here."""
    from households.survey_import import bulk, writing

    settings.SURVEY_IMPORT_SET_BASED = True
    locked: dict[str, set] = {}
    keep = bulk.references_kept_by_caller

    def spy(existing):
        for model, keys in existing:
            locked.setdefault(model._meta.db_table, set()).update(keys)
        return keep(existing)

    monkeypatch.setattr(bulk, "references_kept_by_caller", spy)
    monkeypatch.setattr(writing, "write_household", lambda **kw: pytest.fail("services used"))
    before = last_ids(WRITTEN)
    rows = [household(n) for n in range(1, 6)]
    rows[1][0]["surveyor"] = "fac_490101"  # a surveyor other than the uploader
    rows[2][0]["submission_uuid"] = "uuid:keeps-every-reference"
    job = run(facilitator, write_template_xlsx(tmp_path / "new.xlsx", rows))
    assert (job.created_count, job.rejected_count) == (5, 0)
    assert locked, "the write locked nothing"
    after = last_ids(WRITTEN)
    unlocked = []
    with connection.cursor() as cursor:
        for table, column, parent, _parent_column in foreign_keys_of(WRITTEN):
            cursor.execute(
                f'SELECT DISTINCT "{column}" FROM {table} WHERE id > %s AND id <= %s '
                f'AND "{column}" IS NOT NULL',
                [before[table], after[table]],
            )
            for (value,) in cursor.fetchall():
                made_here = parent in before and before[parent] < value <= after[parent]
                if not made_here and value not in locked.get(parent, set()):
                    unlocked.append((table, column, parent, value))
    assert unlocked == []


def test_no_table_the_set_based_write_writes_has_a_trigger_on_insert():
    """Skipping the row checks skips every trigger of these tables: none may fire on insert
    (the audit trail's append-only trigger fires on update and delete)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT tgrelid::regclass::text, tgname FROM pg_trigger
               WHERE NOT tgisinternal AND tgrelid::regclass::text = ANY(%s)
                 AND tgtype & 4 <> 0""",  # TRIGGER_TYPE_INSERT
            [list(WRITTEN)],
        )
        assert cursor.fetchall() == []
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgrelid::regclass::text "
            "= 'audit_auditevent'"
        )
        assert cursor.fetchone()[0] >= 1  # the look is not empty: the append-only one is seen
