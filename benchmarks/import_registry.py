"""Benchmark: the welfare-registry import end to end, and its limits on the same file.

    .venv/bin/python benchmarks/import_registry.py [--rows 1000000] [--runs 3] [--seed 49]

1. Generates a realistic seeded xlsx (Thai names, Mukdahan addresses, BE dates as text and as
   date cells, IDs with dashes or as text, ~3 % realistic errors and a few in-file duplicates),
   streamed with openpyxl's write-only writer, cached in $TMPDIR/ppaos-bench-import/.
2. Creates a separate database (<DATABASE_URL's name>_bench_import, dropped and migrated),
   starts a real Celery worker (prefork, concurrency 1) on its own queue, and imports the file
   through `create_import_job` (stored upload → broker → worker → PostgreSQL), each run on an
   empty registry. Prints rows/s end to end and the worker's peak memory (VmHWM of the process
   that ran the job).
3. Measures the limit on the same file: reading it alone (the worker's reader, every cell) and
   COPYing its rows alone into an unlogged table. Limit = rows / (read s + COPY s).
4. Measures django-import-export on 50,000 of the same rows (measure_import_export: row by row,
   and with its bulk options), each bounded by --compare-budget seconds, and prints the ratio.

Targets: 1 M rows ≤ 40 s end to end (issue 14; ≤ 60 s and ≥ 50 % of the limit in issue 4),
worker peak ≤ 1 GiB. The xlsx is generated once per (rows, seed) and reused by later runs.
Environment: DATABASE_URL's server is used (the database name gets the suffix _bench_import),
REDIS_URL's broker. --keep-db leaves the benchmark database (the last run's registry) for EXPLAIN.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = (
    os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ppaos").rsplit("/", 1)[1]
    + "_bench_import"
)
CACHE = Path(tempfile.gettempdir()) / "ppaos-bench-import"

FIRST_NAMES = [
    "สมชาย",
    "สมศักดิ์",
    "สมพร",
    "สุนทร",
    "ประเสริฐ",
    "บุญมี",
    "ทองดี",
    "สมหญิง",
    "มาลี",
    "บุญเรือง",
    "คำปุน",
    "ทองใบ",
    "จันทร์เพ็ญ",
    "ศรีสุดา",
    "วิไล",
    "อำนาจ",
    "ณรงค์",
    "สุริยา",
    "ปราณี",
    "ละเอียด",
    "คำมี",
    "บัวผัน",
    "สุวรรณ",
    "ชัยวัฒน์",
]
LAST_NAMES = [
    "ใจดี",
    "ศรีสุข",
    "แก้วมณี",
    "บุญมา",
    "ทองคำ",
    "พรหมมา",
    "ไชยวงศ์",
    "สุขสวัสดิ์",
    "คำภา",
    "ศรีมุกดา",
    "พิมพ์ดี",
    "วงศ์ใหญ่",
    "จันทร์หอม",
    "อินทร์แก้ว",
    "ภูมิดี",
    "นาคสุข",
    "โพธิ์ศรี",
    "แสนสุข",
    "มุกดาหาร",
    "คำแสน",
]
TITLES = (("นาย", "ชาย"), ("นาง", "หญิง"), ("นางสาว", "หญิง"))
STATUSES = ("ผ่านเกณฑ์", "ผ่านเกณฑ์", "ผ่านเกณฑ์", "ไม่ผ่านเกณฑ์", "รอตรวจสอบ")
HEADERS = [
    "ลำดับ",
    "เลขประจำตัวประชาชน",
    "คำนำหน้า",
    "ชื่อ",
    "นามสกุล",
    "วันเกิด",
    "เพศ",
    "บ้านเลขที่",
    "หมู่ที่",
    "ตำบล",
    "อำเภอ",
    "จังหวัด",
    "รหัสไปรษณีย์",
    "โทรศัพท์",
    "รายได้ต่อปี",
    "สถานะ",
    "วันที่ลงทะเบียน",
]


def check_digit(first12: str) -> str:
    total = sum(int(d) * (13 - i) for i, d in enumerate(first12))
    return str((11 - total % 11) % 10)


def generate(path: Path, rows: int, seed: int) -> None:
    """A seeded registry export with ~3 % errors of the kinds real files have."""
    import geothai
    from openpyxl import Workbook

    rng = random.Random(seed)
    places = []
    for district in geothai.districts("49"):
        for sub in geothai.subdistricts(district.code):
            places.append((sub.name_th, district.name_th, sub.postal_codes[0]))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("ทะเบียนสวัสดิการ")
    sheet.append(["ข้อมูลผู้ลงทะเบียนเพื่อสวัสดิการแห่งรัฐ ปี 2565"])
    sheet.append(["จังหวัดมุกดาหาร"])
    sheet.append(HEADERS)
    ids_seen: list[str] = []
    for n in range(1, rows + 1):
        first12 = f"{rng.choice('1358')}49{rng.randrange(10**9):09d}"
        nid = first12 + check_digit(first12)
        title, sex = rng.choice(TITLES)
        sub, district, postal = rng.choice(places)
        year_be = rng.randrange(2480, 2548)
        born = dt.date(year_be - 543, rng.randrange(1, 13), rng.randrange(1, 29))
        birth = f"{born.day:02d}/{born.month:02d}/{year_be}" if n % 3 else born
        registered = dt.date(2022, 9, 5) + dt.timedelta(days=rng.randrange(56))
        nid_cell = nid if n % 7 else f"{nid[0]}-{nid[1:5]}-{nid[5:10]}-{nid[10:12]}-{nid[12]}"
        village = rng.randrange(1, 21)
        row = [
            n,
            nid_cell,
            title,
            rng.choice(FIRST_NAMES),
            rng.choice(LAST_NAMES),
            birth,
            sex,
            f"{rng.randrange(1, 400)}" + (f"/{rng.randrange(1, 9)}" if n % 5 == 0 else ""),
            village,
            sub,
            district,
            "มุกดาหาร",
            postal,
            f"08{rng.randrange(10**8):08d}",
            rng.randrange(0, 100_001, 500),
            rng.choice(STATUSES),
            registered,
        ]
        fault = rng.random()
        if fault < 0.01:
            row[1] = nid[:12] + str((int(nid[12]) + 1) % 10)  # failed checksum
        elif fault < 0.015:
            row[1] = f"{int(nid) / 1e12:.5f}E+12"  # scientific notation
        elif fault < 0.02:
            row[5] = f"31/02/{year_be}"  # no such day
        elif fault < 0.025:
            row[9] = sub + "ใหม่"  # an address no area matches
        elif fault < 0.03 and ids_seen:
            row[1] = rng.choice(ids_seen)  # the same person twice in one file
        if n % 97 == 0:
            ids_seen.append(nid)
        sheet.append(row)
    workbook.save(path)


def database_url(name: str) -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ppaos")
    return base.rsplit("/", 1)[0] + "/" + name


def psql(sql: str, dbname: str = "postgres") -> None:
    import psycopg2

    connection = psycopg2.connect(database_url(dbname))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql)
    connection.close()


def start_worker(env: dict, queue: str, log: Path) -> subprocess.Popen:
    handle = open(log, "ab")  # noqa: SIM115 - lives as long as the worker
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ppaos", "worker", "--loglevel", "INFO",
         "--concurrency", "1", "--pool", "prefork", "--queues", queue,
         "--hostname", f"bench-{os.getpid()}@%h", "--without-gossip", "--without-mingle",
         "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    from ppaos.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if app.control.ping(timeout=1.0):
            return process
    raise RuntimeError(f"worker did not start; see {log}")


def worker_peak_kib(process: subprocess.Popen) -> int:
    """Highest VmHWM among the worker's processes (the prefork child runs the job)."""
    peak = 0
    pids = [process.pid]
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except FileNotFoundError:
            pass
    return peak


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (all its threads); 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def worker_children(process: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def worker_phases(log: Path, job_pk: int) -> list[str]:
    """The worker's log lines about one job, without Celery's timestamp and process prefix."""
    return [
        line.split("] ", 1)[-1].strip()
        for line in log.read_text(errors="replace").splitlines()
        if f"import job {job_pk}:" in line
    ]


class BackendCpu:
    """CPU seconds of the benchmark database's client backends (the worker's connections),
    sampled while they live: a backend's time is read last just before it goes."""

    def __init__(self, cursor) -> None:
        self.cursor = cursor
        self.seen: dict[int, float] = {}

    def sample(self) -> None:
        self.cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        for (pid,) in self.cursor.fetchall():
            self.seen[pid] = max(self.seen.get(pid, 0.0), cpu_seconds(pid))

    def total(self) -> float:
        return sum(self.seen.values())


class RunCpu:
    """CPU seconds of one run: the worker's processes since the run began, and the
    benchmark database's backends (sampled while the run is polled)."""

    def __init__(self, worker: subprocess.Popen, cursor) -> None:
        self.worker = worker
        self.before = sum(cpu_seconds(p) for p in worker_children(worker))
        self.backends = BackendCpu(cursor)

    def sample(self) -> None:
        self.backends.sample()

    def totals(self) -> tuple[float, float]:
        """(worker, PostgreSQL backends); read before the worker is stopped."""
        worker = sum(cpu_seconds(p) for p in worker_children(self.worker)) - self.before
        return worker, self.backends.total()


def measure_read(path: Path) -> tuple[float, int]:
    from ppaos.imports.readers import open_table

    began = time.perf_counter()
    count = 0
    for _number, cells in open_table(path).rows():
        count += len(cells) > 0
    return time.perf_counter() - began, count


def measure_copy(path: Path) -> float:
    """COPY the file's rows (as text, unvalidated) into an unlogged table; only COPY is timed."""
    from django.db import connection

    from ppaos.imports.readers import open_table

    escape = str.maketrans({"\\": "\\\\", "\t": " ", "\n": " ", "\r": " "})
    chunks: list[str] = []
    lines: list[str] = []
    for _number, cells in open_table(path).rows():
        cells = [*cells[:17], *[""] * (17 - len(cells))]
        lines.append("\t".join(str(c).translate(escape) for c in cells) + "\n")
        if len(lines) == 50_000:
            chunks.append("".join(lines))
            lines = []
    chunks.append("".join(lines))
    columns = ", ".join(f"c{i} text" for i in range(17))
    with connection.cursor() as cursor:
        cursor.execute(
            f"DROP TABLE IF EXISTS bench_copy; CREATE UNLOGGED TABLE bench_copy ({columns})"
        )
        began = time.perf_counter()
        for chunk in chunks:
            cursor.cursor.copy_expert("COPY bench_copy FROM STDIN", io.StringIO(chunk))
        elapsed = time.perf_counter() - began
        cursor.execute("DROP TABLE bench_copy")
    return elapsed


COMPARE_ROWS = 50_000
COMPARE_SLICE = 2_500  # rows per import_data call, so the time bound is checked between calls
COMPARE_BUDGET_S = 90.0  # per variant: stop after the first slice that ends past this


def measure_import_export(count: int, budget_s: float = COMPARE_BUDGET_S) -> list[tuple]:
    """What a Django developer would reach for: django-import-export (the dev extra), a
    ModelResource on the registrant model and `import_data(dry_run=False)`, on `count` rows of
    the same file (the first `count` rows the import stored, by national ID). It gets the rows
    ALREADY checked (national IDs, dates, area codes as the import stored them): it has none of
    the Thai rules, so this flatters it.

    Two variants, each on an empty registry: the resource as the "Getting started" page writes
    it (row by row: one lookup by national ID and one save per row), and the same resource with
    the options its "Bulk imports" page offers for large datasets (`use_bulk = True`,
    `batch_size = 1000`, `skip_diff = True`). Each is fed in slices of COMPARE_SLICE rows and
    stopped after the slice that ends past `budget_s` seconds, so it always finishes; its rate
    is rows done / seconds. Returns [(label, rows done, seconds)]."""
    try:
        import tablib
        from import_export import fields, resources
    except ImportError:
        print("django-import-export is not installed (pip install the dev extra); skipped")
        return []
    from django.db import connection

    from households.models import WelfareRegistrant

    columns = ["national_id", "title", "first_name", "last_name", "birth_date", "sex",
               "house_number", "village_number", "area_id", "postal_code", "phone",
               "annual_income", "card_status", "registration_date"]  # fmt: skip
    values = list(WelfareRegistrant.objects.order_by("id").values_list(*columns)[:count])

    class RegistrantResource(resources.ModelResource):
        area_id = fields.Field(attribute="area_id", column_name="area_id")

        class Meta:
            model = WelfareRegistrant
            import_id_fields = ("national_id",)
            fields = tuple(columns)

    class BulkRegistrantResource(RegistrantResource):
        class Meta(RegistrantResource.Meta):
            use_bulk = True
            batch_size = 1000
            skip_diff = True

    measured = []
    for label, resource_class in (
        ("row by row (defaults)", RegistrantResource),
        ("use_bulk=True, batch_size=1000, skip_diff=True", BulkRegistrantResource),
    ):
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE households_welfareregistrant CASCADE")
        done, elapsed = 0, 0.0
        while done < len(values) and elapsed < budget_s:
            part = values[done : done + COMPARE_SLICE]
            dataset = tablib.Dataset(*part, headers=columns)
            began = time.perf_counter()
            result = resource_class().import_data(dataset, dry_run=False, raise_errors=True)
            elapsed += time.perf_counter() - began
            assert not result.has_errors()
            done += len(part)
        measured.append((label, done, elapsed))
        print(f"django-import-export {label}: {done:,} of {len(values):,} rows in "
              f"{elapsed:.1f} s ({done / elapsed:,.0f} rows/s)", flush=True)  # fmt: skip
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=49)
    parser.add_argument("--keep-db", action="store_true", help="do not drop the benchmark database")
    parser.add_argument(
        "--compare-budget", type=float, default=COMPARE_BUDGET_S,
        help="seconds each django-import-export variant may run (0: skip the comparison)",
    )  # fmt: skip
    args = parser.parse_args()

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"registry-{args.rows}-{args.seed}.xlsx"
    if not path.exists():
        began = time.perf_counter()
        partial = path.with_suffix(".part")
        generate(partial, args.rows, args.seed)
        partial.rename(path)
        print(f"generated {path.name} ({path.stat().st_size / 2**20:.0f} MiB) "
              f"in {time.perf_counter() - began:.0f} s")  # fmt: skip

    psql(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    psql(f"CREATE DATABASE {BENCH_DB}")
    media = Path(tempfile.mkdtemp(prefix="ppaos-bench-media-"))
    queue = f"ppaos-bench-{uuid.uuid4().hex[:8]}"
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url(BENCH_DB),
        MEDIA_ROOT=str(media),
        DJANGO_SETTINGS_MODULE="ppaos.settings.base",
        CELERY_TASK_DEFAULT_QUEUE=queue,
        PYTHONPATH=str(ROOT),
    )
    os.environ.update(env)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)

    import django

    django.setup()
    from django.conf import settings
    from django.core.files.uploadedfile import UploadedFile
    from django.db import connection

    from ppaos.accounts.models import Role, RoleAssignment, User
    from ppaos.imports import services
    from ppaos.imports.models import ImportJob

    settings.IMPORT_TASK_QUEUE = queue
    settings.IMPORT_MAX_UPLOAD_MB = max(settings.IMPORT_MAX_UPLOAD_MB, 1024)
    admin = User.objects.create(username="bench-admin")
    RoleAssignment.objects.create(user=admin, role=Role.ADMIN, area=None)

    results = []
    log = ROOT / "test-results" / "bench-import-worker.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_bytes(b"")
    try:
        for run in range(1, args.runs + 1):
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE households_welfareregistrant CASCADE")
            load_before = os.getloadavg()
            worker = start_worker(env, queue, log)
            try:
                cpu = RunCpu(worker, connection.cursor())
                began = time.perf_counter()
                with open(path, "rb") as handle:
                    job = services.create_import_job(
                        actor=admin,
                        uploaded_file=UploadedFile(
                            handle, name=path.name, size=path.stat().st_size
                        ),
                    )
                while True:
                    job.refresh_from_db()
                    cpu.sample()
                    if job.status in services.FINISHED_STATUSES:
                        break
                    time.sleep(0.1)
                elapsed = time.perf_counter() - began
                time.sleep(1.0)  # the worker logs its last phase just after the job's commit
                peak = worker_peak_kib(worker)
                worker_cpu, postgres_cpu = cpu.totals()
            finally:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(timeout=30)
            assert job.status != "failed", job.error_message
            results.append((elapsed, peak, job, worker_cpu, postgres_cpu))
            print(f"run {run}: {job.rows_total:,} rows in {elapsed:.1f} s = "
                  f"{job.rows_total / elapsed:,.0f} rows/s end to end; worker peak "
                  f"{peak / 1024:.0f} MiB; created {job.created_count:,} updated "
                  f"{job.updated_count:,} unchanged {job.unchanged_count:,} rejected "
                  f"{job.rejected_count:,}; load average before "
                  f"{' '.join(f'{x:.1f}' for x in load_before)}, after "
                  f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores)")  # fmt: skip
            print(f"   CPU seconds during the run: worker process {worker_cpu:.1f} s (read, "
                  f"check, COPY lines), PostgreSQL backends {postgres_cpu:.1f} s (COPY, upserts); "
                  f"on a quiet 2-core machine they run side by side, so the larger is about the "
                  f"least the wall time can be")  # fmt: skip
            print("   worker: " + "; ".join(worker_phases(log, job.pk)))

        read_s, rows = measure_read(path)
        copy_s = measure_copy(path)
        comparison = (
            measure_import_export(
                min(COMPARE_ROWS, results[0][2].created_count), args.compare_budget
            )
            if args.compare_budget > 0
            else []
        )
    finally:
        shutil.rmtree(media, ignore_errors=True)
        connection.close()
        if not args.keep_db:
            psql(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")

    rows = results[0][2].rows_total
    times = [r[0] for r in results]
    limit_s = read_s + copy_s
    print(f"\nrows: {rows:,}  runs: {len(results)}")
    print(
        f"end to end: min {min(times):.1f} s ({rows / min(times):,.0f} rows/s), "
        f"median {statistics.median(times):.1f} s ({rows / statistics.median(times):,.0f} rows/s)"
    )
    print(f"worker peak memory: max {max(r[1] for r in results) / 1024:.0f} MiB")
    print(
        f"CPU seconds (median): worker {statistics.median(r[3] for r in results):.1f} s, "
        f"PostgreSQL backends {statistics.median(r[4] for r in results):.1f} s"
    )
    print(
        f"limit on the same file: read alone {read_s:.1f} s ({rows / read_s:,.0f} rows/s), "
        f"COPY alone {copy_s:.1f} s ({rows / copy_s:,.0f} rows/s), "
        f"together {limit_s:.1f} s ({rows / limit_s:,.0f} rows/s)"
    )
    print(f"end to end / limit: {limit_s / statistics.median(times):.0%} (median run), "
          f"{limit_s / min(times):.0%} (best run)")  # fmt: skip
    ours = rows / statistics.median(times)
    for label, compare_rows, compare_s in comparison:
        theirs = compare_rows / compare_s
        print(
            f"django-import-export (ModelResource, import_data(dry_run=False)) {label}, on "
            f"{compare_rows:,} of the same rows, already clean: {compare_s:.1f} s "
            f"({theirs:,.0f} rows/s); ratio of rows/s, this import end to end (median) / it: "
            f"{ours / theirs:.1f}"
        )
    projected = 1_000_000 / rows * statistics.median(times)
    if rows != 1_000_000:
        print(f"(linear projection to 1,000,000 rows: {projected:.0f} s)")
    del ImportJob


if __name__ == "__main__":
    main()
