import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from households.models import WelfareRegistrant
from ppaos.areas.models import Area
from ppaos.audit.models import AuditEvent
from ppaos.imports import services
from ppaos.imports.models import ColumnMapping, ImportStatus
from tests.imports.files import (
    bad_checksum,
    good_row,
    national_id,
    write_csv,
    write_xlsx,
)
from tests.imports.helpers import create_job, registry_state, run_in_process, stored_names

pytestmark = pytest.mark.django_db


def mixed_rows():
    """8 good rows (rows 2–9 of the sheet after the header) and 3 bad ones."""
    rows = [good_row(n) for n in range(1, 9)]
    bad_id = good_row(20)
    bad_id[1] = bad_checksum(bad_id[1])
    bad_date = good_row(21)
    bad_date[5] = "31/02/2530"
    bad_place = good_row(22, subdistrict="ไม่มีตำบลนี้")
    return rows + [bad_id, bad_date, bad_place]


def test_good_rows_are_imported_and_bad_rows_rejected(tmp_path, admin_user):
    path = write_xlsx(tmp_path / "mixed.xlsx", mixed_rows(), title_rows=["ทะเบียนสวัสดิการแห่งรัฐ"])
    job = run_in_process(admin_user, path)
    assert job.status == ImportStatus.PARTLY_SUCCEEDED
    assert (job.rows_total, job.created_count, job.updated_count, job.unchanged_count) == (
        11,
        8,
        0,
        0,
    )
    assert job.rejected_count == 3
    assert WelfareRegistrant.objects.count() == 8
    registrant = WelfareRegistrant.objects.get(national_id=national_id(3))
    assert registrant.area_id == "49010101"
    assert registrant.birth_date == dt.date(1977, 5, 12)
    assert registrant.import_job_id == job.pk
    groups = {(g["code"], g["column"]): g for g in job.error_summary}
    assert set(groups) == {
        ("bad_checksum", "เลขประจำตัวประชาชน"),
        ("bad_date", "วันเกิด"),
        ("address_not_found", "ตำบล"),
    }
    assert groups[("bad_date", "วันเกิด")]["samples"] == ["31/02/2530"]
    assert groups[("bad_date", "วันเกิด")]["count"] == 1


def test_the_error_report_lists_row_column_value_and_message(tmp_path, admin_user):
    path = write_xlsx(tmp_path / "mixed.xlsx", mixed_rows(), title_rows=["ทะเบียน"])
    job = run_in_process(admin_user, path)
    sheet = load_workbook(job.error_report.path, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == services.REPORT_HEADERS
    # Title row 1, header row 2, data from row 3: the bad rows are sheet rows 11, 12, 13.
    assert [r[0] for r in rows[1:]] == [11, 12, 13]
    assert rows[2][1:3] == ("วันเกิด", "31/02/2530")
    assert "วันที่นี้ไม่มีอยู่จริง" in rows[2][3]
    assert "does not exist" in rows[2][4]


def test_importing_the_same_file_twice_changes_nothing(tmp_path, admin_user):
    path = write_xlsx(tmp_path / "mixed.xlsx", mixed_rows())
    run_in_process(admin_user, path)
    before = registry_state()
    second = run_in_process(admin_user, path)
    assert (second.created_count, second.updated_count, second.unchanged_count) == (0, 0, 8)
    assert registry_state() == before
    assert set(WelfareRegistrant.objects.values_list("import_job_id", flat=True)) != {second.pk}


def test_changed_rows_are_updated_and_empty_cells_keep_stored_values(tmp_path, admin_user):
    run_in_process(admin_user, write_xlsx(tmp_path / "a.xlsx", [good_row(1), good_row(2)]))
    changed = good_row(1, income=45000)
    blanked = good_row(2)
    blanked[5] = ""  # birth date left empty: keeps the stored one
    blanked[12] = None
    job = run_in_process(admin_user, write_xlsx(tmp_path / "b.xlsx", [changed, blanked]))
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 1)
    assert WelfareRegistrant.objects.get(national_id=national_id(1)).annual_income == Decimal(
        "45000.00"
    )
    kept = WelfareRegistrant.objects.get(national_id=national_id(2))
    assert kept.birth_date == dt.date(1977, 5, 12)
    assert kept.annual_income == Decimal("30000.00")


def test_a_national_id_twice_in_one_file_keeps_the_first_row(tmp_path, admin_user):
    first = good_row(1)
    again = good_row(1)
    again[3] = "คนอื่น"
    path = write_xlsx(tmp_path / "dup.xlsx", [first, good_row(2), again])
    job = run_in_process(admin_user, path)
    assert (job.created_count, job.rejected_count) == (2, 1)
    assert WelfareRegistrant.objects.get(national_id=national_id(1)).first_name == "สมชาย1"
    [group] = job.error_summary
    assert group["code"] == "duplicate_id"
    assert "แถวที่ 2" in group["message_th"] and "row 2" in group["message_en"]


def test_a_dry_run_counts_without_writing(tmp_path, admin_user):
    run_in_process(admin_user, write_xlsx(tmp_path / "a.xlsx", [good_row(1), good_row(2)]))
    before = registry_state()
    rows = [good_row(1), good_row(2, income=1), good_row(3)] + mixed_rows()[-1:]
    job = run_in_process(admin_user, write_xlsx(tmp_path / "b.xlsx", rows), dry_run=True)
    assert job.status == ImportStatus.PARTLY_SUCCEEDED
    assert (job.created_count, job.updated_count, job.unchanged_count, job.rejected_count) == (
        1,
        1,
        1,
        1,
    )
    assert registry_state() == before


def test_a_village_is_created_when_first_seen(tmp_path, admin_user):
    assert not Area.objects.filter(code="49010107").exists()
    run_in_process(
        admin_user,
        write_xlsx(tmp_path / "v.xlsx", [good_row(1, village=7), good_row(2, village=7)]),
    )
    village = Area.objects.get(code="49010107")
    assert (village.level, village.parent_id, village.name_th) == ("village", "490101", "หมู่ที่ 7")
    assert (
        AuditEvent.objects.filter(action="area.village_created", area_code="49010107").count() == 1
    )


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp874"])
def test_csv_exports_import_like_xlsx(tmp_path, admin_user, encoding):
    job = run_in_process(
        admin_user, write_csv(tmp_path / "r.csv", [good_row(1), good_row(2)], encoding=encoding)
    )
    assert (job.status, job.created_count) == (ImportStatus.SUCCEEDED, 2)
    assert WelfareRegistrant.objects.get(national_id=national_id(1)).first_name == "สมชาย1"


def test_english_headers_are_understood(tmp_path, admin_user):
    headers = ["No", "National ID", "Title", "First name", "Last name", "Date of birth", "House no",
               "Moo", "Subdistrict", "District", "Province", "Postcode", "Income"]  # fmt: skip
    job = run_in_process(
        admin_user, write_xlsx(tmp_path / "en.xlsx", [good_row(1)], headers=headers)
    )
    assert (job.status, job.created_count) == (ImportStatus.SUCCEEDED, 1)


def _assert_failed_and_nothing_written(job, code):
    assert job.status == ImportStatus.FAILED
    assert job.error_code == code
    assert job.error_message and job.error_message_th
    assert WelfareRegistrant.objects.count() == 0
    assert job.created_count == job.updated_count == 0


def test_a_file_that_is_not_a_spreadsheet_fails_clearly(tmp_path, admin_user):
    path = tmp_path / "photo.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    _assert_failed_and_nothing_written(run_in_process(admin_user, path), "not_spreadsheet")


def test_an_empty_file_fails_clearly(tmp_path, admin_user):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    _assert_failed_and_nothing_written(run_in_process(admin_user, path), "empty")


def test_a_header_without_rows_is_empty(tmp_path, admin_user):
    _assert_failed_and_nothing_written(
        run_in_process(admin_user, write_xlsx(tmp_path / "h.xlsx", [])), "empty"
    )


def test_a_truncated_file_fails_clearly(tmp_path, admin_user):
    path = write_xlsx(tmp_path / "t.xlsx", [good_row(i) for i in range(1, 200)])
    path.write_bytes(path.read_bytes()[:3000])
    _assert_failed_and_nothing_written(run_in_process(admin_user, path), "truncated")


def test_a_password_protected_file_fails_clearly(tmp_path, admin_user):
    from tests.imports.test_readers import encrypted_office_file

    path = tmp_path / "locked.xlsx"
    path.write_bytes(encrypted_office_file())
    _assert_failed_and_nothing_written(run_in_process(admin_user, path), "password_protected")


def test_missing_required_columns_fail_and_name_them(tmp_path, admin_user):
    headers = ["เลขที่บัตร", "ชื่อ", "นามสกุล", "ตำบล", "อำเภอ"]
    rows = [[national_id(1), "ก", "ข", "มุกดาหาร", "เมืองมุกดาหาร"]]
    job = run_in_process(admin_user, write_xlsx(tmp_path / "m.xlsx", rows, headers=headers))
    _assert_failed_and_nothing_written(job, "missing_columns")
    assert "เลขประจำตัวประชาชน" in job.error_message_th
    assert "National ID" in job.error_message
    assert job.headers == headers
    assert job.unknown_headers == ["เลขที่บัตร"]


def test_the_admin_maps_an_unknown_header_once_per_layout(tmp_path, admin_user):
    headers = ["เลขที่บัตร", "ชื่อ", "นามสกุล", "ตำบล", "อำเภอ"]
    rows = [[national_id(1), "ก", "ข", "มุกดาหาร", "เมืองมุกดาหาร"]]
    failed = run_in_process(admin_user, write_xlsx(tmp_path / "m.xlsx", rows, headers=headers))
    mapping = {"เลขที่บัตร": "national_id", "ชื่อ": "first_name", "นามสกุล": "last_name",
               "ตำบล": "subdistrict", "อำเภอ": "district"}  # fmt: skip
    retried = services.save_column_mapping(actor=admin_user, job=failed, mapping=mapping)
    services.run_import_job(job_id=retried.pk)
    retried.refresh_from_db()
    assert (retried.status, retried.created_count) == (ImportStatus.SUCCEEDED, 1)
    assert ColumnMapping.objects.get().mapping["เลขที่บัตร"] == "national_id"
    # A later file with the same layout is read with the remembered mapping.
    later_rows = [[national_id(2), "ค", "ง", "มุกดาหาร", "เมืองมุกดาหาร"]]
    later = run_in_process(admin_user, write_xlsx(tmp_path / "n.xlsx", later_rows, headers=headers))
    assert (later.status, later.created_count) == (ImportStatus.SUCCEEDED, 1)


def test_uploads_over_the_size_limit_are_refused(tmp_path, admin_user, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" * 300_000)
    with pytest.raises(ValueError, match="1 MB"):
        create_job(admin_user, path)


def test_a_finished_job_run_again_is_left_alone(tmp_path, admin_user):
    job = run_in_process(admin_user, write_xlsx(tmp_path / "a.xlsx", [good_row(1)]))
    services.run_import_job(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportStatus.SUCCEEDED, 1)


def test_only_admins_create_jobs(tmp_path, facilitator):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        create_job(facilitator, write_xlsx(tmp_path / "a.xlsx", [good_row(1)]))


def test_a_mapping_is_not_saved_for_a_job_still_running(tmp_path, admin_user):
    headers = ["เลขที่บัตร", "ชื่อ", "นามสกุล", "ตำบล", "อำเภอ"]
    rows = [[national_id(1), "ก", "ข", "มุกดาหาร", "เมืองมุกดาหาร"]]
    queued = create_job(admin_user, write_xlsx(tmp_path / "q.xlsx", rows, headers=headers))
    queued.layout_key, queued.headers = "layout-1", headers
    queued.save(update_fields=["layout_key", "headers"])
    with pytest.raises(services.ImportJobError):
        services.save_column_mapping(
            actor=admin_user, job=queued, mapping={"เลขที่บัตร": "national_id"}
        )
    assert not ColumnMapping.objects.exists()


def test_a_failed_upload_leaves_no_file_behind(tmp_path, admin_user, monkeypatch):
    from ppaos.imports.models import ImportJob

    def audit_fails(**kwargs):
        raise RuntimeError("the audit row could not be written")

    storage = ImportJob._meta.get_field("file").storage
    stored = stored_names(monkeypatch, storage)  # the files this upload stored
    monkeypatch.setattr(services, "record_audit_event", audit_fails)
    with pytest.raises(RuntimeError):
        create_job(admin_user, write_xlsx(tmp_path / "x.xlsx", mixed_rows()))
    assert stored  # the upload was stored before the failure…
    assert not any(storage.exists(name) for name in stored)  # …and removed with it


def test_a_job_queued_long_ago_and_never_started_can_be_run_again(tmp_path, admin_user):
    from ppaos.imports.models import ImportJob
    from ppaos.imports.selectors import QUEUED_TOO_LONG, import_job_is_stalled

    job = create_job(admin_user, write_xlsx(tmp_path / "lost.xlsx", mixed_rows()))
    assert not import_job_is_stalled(job)  # just queued: waiting is normal
    ImportJob.objects.filter(pk=job.pk).update(
        created_at=job.created_at - QUEUED_TOO_LONG - dt.timedelta(minutes=1)
    )
    job.refresh_from_db()
    assert import_job_is_stalled(job)
    services.restart_stalled_import_job(actor=admin_user, job=job)
    services.run_import_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.PARTLY_SUCCEEDED


@pytest.mark.django_db(transaction=True)
def test_a_failure_in_the_writing_thread_fails_the_job_saying_which_rows_were_written(
    tmp_path, admin_user, monkeypatch
):
    from households.registry_import import staging

    # Outside a transaction the worker writes in a thread of its own, 200 rows a chunk.
    monkeypatch.setenv("IMPORT_BATCH_ROWS", "100")
    monkeypatch.setenv("IMPORT_WRITE_CHUNK_ROWS", "200")
    upsert = staging.upsert_registrants
    calls = []

    def second_chunk_fails(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        return upsert(**kwargs)

    monkeypatch.setattr(staging, "upsert_registrants", second_chunk_fails)
    monkeypatch.setattr(services, "_enqueue", lambda job: None)  # run here, by no worker
    path = write_xlsx(tmp_path / "w.xlsx", [good_row(i) for i in range(1, 1001)])
    job = create_job(admin_user, path)
    services.run_import_job(job_id=job.pk)
    job.refresh_from_db()

    assert (job.status, job.error_code) == (ImportStatus.FAILED, "internal")
    # The first chunk (file rows 2–201) was committed and stays; the message says so.
    assert job.written_through_row == 201
    assert job.created_count == WelfareRegistrant.objects.count() == 200
    assert "บันทึกข้อมูลถึงแถวที่ 201 ของไฟล์แล้ว" in job.error_message_th
    assert "สร้างใหม่ 200 รายการ" in job.error_message_th
    assert "up to row 201 of the file had been written" in job.error_message
    assert "nothing was written" not in job.error_message
    # The committed chunk's villages wait for the roll-ups (the job never finished), and
    # the failure's audit row says how much stayed written.
    from monitoring.models import PendingVillage

    written_to = set(WelfareRegistrant.objects.values_list("area_id", flat=True))
    assert written_to and written_to <= set(PendingVillage.objects.values_list("code", flat=True))
    failed = AuditEvent.objects.get(action="import.job_failed")
    assert (failed.details["written_through_row"], failed.details["created"]) == (201, 200)


def _break_crc(path, member: str) -> None:
    """Change the CRC the zip's central directory records for `member`: zipfile notices only
    once the member has been read to its end (a damaged upload looks like this)."""
    import struct

    data = bytearray(path.read_bytes())
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) != -1:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + name_length].decode() == member:
            crc = struct.unpack_from("<I", data, at + 16)[0]
            struct.pack_into("<I", data, at + 16, crc ^ 0xFFFFFFFF)
            path.write_bytes(bytes(data))
            return
        at += 4
    raise AssertionError(member)


@pytest.mark.django_db(transaction=True)
def test_a_damaged_registry_file_fails_before_any_chunk_is_written(
    tmp_path, admin_user, monkeypatch
):
    """The registry commits chunks while it reads; a package whose sheet fails its CRC (found
    only at the sheet's end, after every row was read) must fail with nothing written."""
    monkeypatch.setenv("IMPORT_BATCH_ROWS", "100")
    monkeypatch.setenv("IMPORT_WRITE_CHUNK_ROWS", "200")
    monkeypatch.setattr(services, "_enqueue", lambda job: None)  # run here, by no worker
    path = write_xlsx(tmp_path / "damaged.xlsx", [good_row(i) for i in range(1, 1001)])
    _break_crc(path, "xl/worksheets/sheet1.xml")
    job = create_job(admin_user, path)
    services.run_import_job(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.error_code) == (ImportStatus.FAILED, "truncated")
    assert job.written_through_row == 0
    assert WelfareRegistrant.objects.count() == 0
    assert "บันทึกข้อมูลถึงแถวที่" not in job.error_message_th
