"""The set-based write of a survey import skips PostgreSQL's row-by-row foreign-key checks where
the role may (ppaos.core.copy_rows.references_kept_by_caller): every reference it writes must
still hold, checked here for every foreign key of the database after a mixed file."""

import pytest
from django.db import connection

from tests.households.survey_import.files import write_template_xlsx
from tests.households.survey_import.test_survey_import_set_based_write import mixed_rows, run

pytestmark = pytest.mark.django_db


def broken_references() -> list[tuple[str, str, int]]:
    """(table, foreign-key constraint, rows whose referenced row is missing), for every foreign
    key of the public schema that has such rows."""
    broken = []
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.conrelid::regclass::text, c.conname, a.attname,
                      c.confrelid::regclass::text, fa.attname
               FROM pg_constraint c
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
               JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1]
               WHERE c.contype = 'f' AND cardinality(c.conkey) = 1
                 AND c.connamespace = 'public'::regnamespace"""
        )
        constraints = cursor.fetchall()
        assert len(constraints) > 40  # the whole schema, not an empty look
        for table, name, column, parent, parent_column in constraints:
            cursor.execute(
                f'SELECT count(*) FROM {table} t WHERE t."{column}" IS NOT NULL AND NOT EXISTS '
                f'(SELECT 1 FROM {parent} p WHERE p."{parent_column}" = t."{column}")'
            )
            (missing,) = cursor.fetchone()
            if missing:
                broken.append((table, name, missing))
    return broken


def test_every_reference_the_set_based_write_makes_holds(facilitator, tmp_path, settings):
    settings.SURVEY_IMPORT_SET_BASED = True
    job = run(facilitator, write_template_xlsx(tmp_path / "mixed.xlsx", mixed_rows()))
    assert job.created_count == 8
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM households_indicatoranswer")
        assert cursor.fetchone()[0] > 100  # answers were written, set-based among them
    assert broken_references() == []
