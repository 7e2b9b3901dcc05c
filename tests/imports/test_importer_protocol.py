"""A new kind of import needs nothing of ppaos/imports/ but its protocol: a tiny importer of
village names, declared here, runs through the real framework (upload page → Celery task in a
real worker → counts → grouped errors → error report)."""

import io
import time
import uuid

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from ppaos.areas.models import Area, AreaLevel
from ppaos.imports.columns import ImportField, RowError
from ppaos.imports.copy_staging import error_line, text
from ppaos.imports.importers import Importer, ImportRun, importer_for
from ppaos.imports.models import ImportJob, ImportStatus
from tests.worker import start_worker, stop_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PATH = "tests.imports.test_importer_protocol.VillageNamesImporter"
STAGE = "test_village_names_stage"


class VillageNamesRun(ImportRun):
    stage_table = STAGE
    stage_columns = ("code", "name_th")

    def __init__(self, plan):
        self.columns = plan.column_names()
        self.subdistricts = set(
            Area.objects.filter(level=AreaLevel.SUBDISTRICT).values_list("code", flat=True)
        )

    def check_rows(self, rows):
        stage_lines, error_lines, rejected = [], [], 0
        for row_number, cells in rows:
            code, name = (str(cell or "").strip() for cell in (cells + [None, None])[:2])
            if not (len(code) == 8 and code.isdigit() and code[:6] in self.subdistricts):
                error = RowError("code", code, "bad_code", "รหัสหมู่บ้านไม่ถูกต้อง", "Bad code.")
            elif not name:
                error = RowError("name", name, "required", "ต้องกรอกชื่อหมู่บ้าน", "Name needed.")
            else:
                stage_lines.append(f"{code}\t{text(name)}\n")
                continue
            rejected += 1
            error_lines.append(error_line(row_number, self.columns[error.field], error))
        return stage_lines, error_lines, rejected

    def create_stage(self):
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMP TABLE {STAGE} (code varchar(8), name_th varchar(200))")

    def drop_stage(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")

    def write_staged(self, *, dry_run):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {STAGE}")
            staged = cursor.fetchone()[0]
            cursor.execute(
                f"""
                WITH written AS (
                    INSERT INTO areas_area AS a (code, level, parent_id, name_th, name_en,
                                                 postal_code, created_at, updated_at)
                    SELECT code, 'village', left(code, 6), name_th, '', '', now(), now()
                    FROM {STAGE}
                    ON CONFLICT (code) DO UPDATE SET name_th = EXCLUDED.name_th
                    WHERE a.name_th IS DISTINCT FROM EXCLUDED.name_th
                    RETURNING (xmax = 0) AS created
                )
                SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created)
                FROM written"""
            )
            created, updated = cursor.fetchone()
            cursor.execute(f"TRUNCATE {STAGE}")
        return staged, created, updated, staged - created - updated


class VillageNamesImporter(Importer):
    kind = "test_village_names"
    label = "Village names"
    help_text = "Two columns: village code and name."
    fields = (
        ImportField("code", "Village code", "รหัสหมู่บ้าน", required=True),
        ImportField("name", "Village name", "ชื่อหมู่บ้าน", required=True),
    )
    synonyms = {"code": ("รหัสหมู่บ้าน", "villagecode"), "name": ("ชื่อหมู่บ้าน", "villagename")}

    def start(self, *, job, plan):
        return VillageNamesRun(plan)


CSV = (
    "รหัสหมู่บ้าน,ชื่อหมู่บ้าน\n"
    "49010101,บ้านโนนสูงใหม่\n"  # renamed
    "49010102,บ้านหนองแดง\n"  # unchanged
    "49010103,บ้านคำป่าหลาย\n"  # new
    "4901,บ้านผิด\n"  # bad code
    "49010104,\n"  # no name
)


def test_an_importer_declared_outside_the_framework_runs_through_it(
    client, admin_user, tmp_path, settings
):
    settings.IMPORTERS = [PATH]
    queue = f"ppaos-test-import-villages-{uuid.uuid4().hex[:8]}"
    settings.IMPORT_TASK_QUEUE = queue
    assert importer_for("test_village_names").label == "Village names"
    client.force_login(admin_user)
    assert "test_village_names" in client.get(reverse("imports:upload")).content.decode()
    kinds = client.get(reverse("imports_api:kind_list")).json()
    assert [k["kind"] for k in kinds] == ["welfare_registry", "test_village_names"]

    worker = start_worker(name="import-villages", queue=queue, env={"PPAOS_TEST_IMPORTERS": PATH})
    try:
        path = tmp_path / "villages.csv"
        path.write_text(CSV, encoding="utf-8")
        with path.open("rb") as handle:
            response = client.post(
                reverse("imports:upload"), {"file": handle, "kind": "test_village_names"}
            )
        assert response.status_code == 302
        job = ImportJob.objects.get()
        deadline = time.monotonic() + 90
        while job.status not in (ImportStatus.PARTLY_SUCCEEDED, ImportStatus.FAILED):
            assert time.monotonic() < deadline, job.status
            time.sleep(0.2)
            job.refresh_from_db()
    finally:
        stop_worker(worker)

    assert job.kind == "test_village_names"
    assert job.status == ImportStatus.PARTLY_SUCCEEDED, job.error_message
    counts = (job.rows_total, job.created_count, job.updated_count, job.unchanged_count)
    assert counts == (5, 1, 1, 1)
    assert job.rejected_count == 2
    assert Area.objects.get(code="49010101").name_th == "บ้านโนนสูงใหม่"
    assert Area.objects.get(code="49010103").name_th == "บ้านคำป่าหลาย"
    groups = {(g["code"], g["column"]): g["count"] for g in job.error_summary}
    assert groups == {("bad_code", "รหัสหมู่บ้าน"): 1, ("required", "ชื่อหมู่บ้าน"): 1}

    report = client.get(reverse("imports:error_report", args=[job.public_id]))
    sheet = load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows == [
        (5, "รหัสหมู่บ้าน", "4901", "รหัสหมู่บ้านไม่ถูกต้อง", "Bad code."),
        (6, "ชื่อหมู่บ้าน", None, "ต้องกรอกชื่อหมู่บ้าน", "Name needed."),
    ]
