"""A backup (pg_dump custom format + MEDIA_ROOT tar with a manifest of checksums) restores into a
NEW database and a NEW media folder with the same records and files; a damaged backup, a
non-empty database or a non-empty media folder are refused."""

import os
import subprocess
import uuid

import psycopg2
import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from households.models import Household, Person
from privacy.models import DataSubjectRequest
from tests.factories import household_with_head

pytestmark = pytest.mark.django_db(transaction=True)


def _url(name: str) -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT'] or 5432}/{name}"


@pytest.fixture
def new_database():
    s = connection.settings_dict
    name = f"{s['NAME']}_restored_{uuid.uuid4().hex[:8]}"
    host = ["-h", s["HOST"], "-p", str(s["PORT"] or 5432), "-U", s["USER"]]
    subprocess.run(["createdb", *host, name], check=True)
    yield name
    subprocess.run(["dropdb", *host, "--if-exists", "--force", name], check=True)


def _query(database: str, sql: str, params=()):
    s = connection.settings_dict
    with (
        psycopg2.connect(
            dbname=database, user=s["USER"], host=s["HOST"], port=s["PORT"] or 5432
        ) as db,
        db.cursor() as cursor,
    ):
        cursor.execute(sql, params)
        return cursor.fetchall()


def _world(provincial_officer):
    household = household_with_head()
    person = Person.objects.get(memberships__household=household)
    request = DataSubjectRequest(
        person=person,
        area_id="49010101",
        kind="access",
        received_on="2026-11-01",
        due_on="2026-12-01",
        identity_method="id_card_seen",
        identity_checked_by=provincial_officer,
        export_status="ready",
    )
    request.export_file.save("export.xlsx", ContentFile("ข้อมูลของท่าน".encode()), save=False)
    request.save()
    return household, person, request


def test_backup_restores_into_a_new_database_and_media_folder(
    provincial_officer, tmp_path, new_database, capsys
):
    household, person, request = _world(provincial_officer)
    call_command("backup", "--to", str(tmp_path / "backups"))
    folder = capsys.readouterr().out.strip()
    assert sorted(os.listdir(folder)) == ["database.dump", "manifest.json", "media.tar.gz"]

    media = tmp_path / "restored-media"
    call_command(
        "restore", folder, "--database-url", _url(new_database), "--media-root", str(media)
    )

    assert _query(new_database, "SELECT count(*) FROM households_household")[0][0] == (
        Household.objects.count()
    )
    assert _query(
        new_database, "SELECT national_id FROM households_person WHERE public_id = %s",
        [str(person.public_id)],
    ) == [(person.national_id,)]  # fmt: skip
    stored = _query(
        new_database,
        "SELECT export_file FROM privacy_datasubjectrequest WHERE public_id = %s",
        [str(request.public_id)],
    )[0][0]
    assert stored == request.export_file.name
    assert (media / stored).read_bytes() == "ข้อมูลของท่าน".encode()
    # The audit trail and its append-only trigger came along.
    assert _query(
        new_database,
        "SELECT count(*) FROM pg_trigger WHERE tgname = 'audit_event_no_update_or_delete'",
    ) == [(1,)]


def test_a_damaged_or_misdirected_restore_is_refused(
    provincial_officer, tmp_path, new_database, capsys
):
    _world(provincial_officer)
    call_command("backup", "--to", str(tmp_path))
    folder = capsys.readouterr().out.strip()
    with pytest.raises(CommandError, match="not empty"):  # the live database
        call_command(
            "restore",
            folder,
            "--database-url",
            _url(connection.settings_dict["NAME"]),
            "--media-root",
            str(tmp_path / "m1"),
        )
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "x").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command(
            "restore", folder, "--database-url", _url(new_database), "--media-root", str(busy)
        )
    with open(os.path.join(folder, "database.dump"), "r+b") as dump:
        dump.seek(200)
        dump.write(b"\0\0\0\0")
    with pytest.raises(CommandError, match="checksum"):
        call_command(
            "restore",
            folder,
            "--database-url",
            _url(new_database),
            "--media-root",
            str(tmp_path / "m2"),
        )
    assert _query(new_database, "SELECT count(*) FROM pg_tables WHERE schemaname='public'") == [
        (0,)
    ]
