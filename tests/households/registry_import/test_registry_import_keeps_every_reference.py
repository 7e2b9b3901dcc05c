"""The welfare-registry upsert skips PostgreSQL's row-by-row check of the registrant's area
where the role may (ppaos.core.copy_rows.references_kept_by_caller): every area it places a
registrant in must be locked first, every foreign key must still hold after creating and moving
registrants, and no trigger of the registrant table may fire on insert or update (it would be
skipped too)."""

import contextlib

import pytest
from django.db import connection

from households.models import WelfareRegistrant
from households.registry_import import importer
from tests.households.survey_import.test_survey_import_keeps_every_reference import (
    broken_references,
)
from tests.imports.files import good_row, write_xlsx
from tests.imports.helpers import run_in_process

pytestmark = pytest.mark.django_db


@pytest.fixture
def locked(monkeypatch):
    """The areas each upsert locked, and whether its checks were skipped."""
    seen = {"areas": set(), "skipped": []}
    keep = importer.references_kept_by_caller

    @contextlib.contextmanager
    def spy(existing):
        for model, keys in existing:
            assert model._meta.db_table == "areas_area"
            seen["areas"].update(keys)
        with keep(existing) as skipped:
            seen["skipped"].append(skipped)
            yield skipped

    monkeypatch.setattr(importer, "references_kept_by_caller", spy)
    return seen


def test_every_area_the_upsert_places_a_registrant_in_is_locked_first(admin_user, tmp_path, locked):
    # Villages 1–4 of the subdistrict: created by the import's first chunk, or existing.
    first = [good_row(n, village=1 + n % 4) for n in range(1, 21)]
    job = run_in_process(admin_user, write_xlsx(tmp_path / "first.xlsx", first))
    assert (job.created_count, job.rejected_count) == (20, 0)
    # The same people moved to villages 5–7 (new), one left out, others unchanged.
    moved = [good_row(n, village=5 + n % 3) for n in range(1, 11)] + first[11:]
    job = run_in_process(admin_user, write_xlsx(tmp_path / "moved.xlsx", moved))
    assert job.updated_count == 10

    placed = set(WelfareRegistrant.objects.values_list("area_id", flat=True))
    assert len(placed) == 7
    assert placed <= locked["areas"]
    with connection.cursor() as cursor:  # the suite's role (a superuser) may skip them
        cursor.execute("SELECT has_parameter_privilege('session_replication_role', 'SET')")
        may_skip = cursor.fetchone()[0]
    assert locked["skipped"] and set(locked["skipped"]) == {may_skip}
    assert broken_references() == []


def test_no_trigger_of_the_registrant_table_fires_on_insert_or_update():
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT tgname FROM pg_trigger
               WHERE NOT tgisinternal AND tgrelid = 'households_welfareregistrant'::regclass
                 AND tgtype & (4 | 16) <> 0"""  # TRIGGER_TYPE_INSERT | TRIGGER_TYPE_UPDATE
        )
        assert cursor.fetchall() == []
        # The look is not empty: the area's own checks (on insert, on update) are seen.
        cursor.execute(
            """SELECT count(*) FROM pg_trigger t JOIN pg_constraint c ON c.oid = t.tgconstraint
               WHERE t.tgrelid = 'households_welfareregistrant'::regclass
                 AND c.conrelid = t.tgrelid AND c.contype = 'f'"""
        )
        assert cursor.fetchone()[0] == 2
