"""Benchmark: the bulk survey import end to end through a real Celery worker.

    .venv/bin/python benchmarks/import_survey.py [--households 100000] [--runs 3] [--seed 49]

Generates a seeded xlsx in the template layout (sheets ครัวเรือน and สมาชิก, Thai headers,
BE dates, 3.5 members per household on average, ~2 % bad rows; cached in
$TMPDIR/ppaos-bench-import/, so a change and the code before it import the same file),
creates a separate database (<DATABASE_URL's name>_bench_survey, dropped and migrated),
starts a real worker (prefork, concurrency 1) on its own queue and imports the file as a
facilitator, each run on an empty database of households. Prints households/s end to end,
the worker's peak memory (VmHWM), the CPU seconds of the worker process and of its PostgreSQL
backends (their sum over two is the least a run can take on 2 cores), the worker's phases, and
min / median over the runs.

Target (issue 14): 100,000 household surveys with 350,000 members ≤ 90 s, worker peak ≤ 1 GiB.
"""

from __future__ import annotations

import argparse
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
sys.path.insert(0, str(ROOT / "benchmarks"))

from import_registry import (  # noqa: E402
    CACHE,
    RunCpu,
    check_digit,
    database_url,
    psql,
    start_worker,
    worker_peak_kib,
    worker_phases,
)

BENCH_DB = (
    os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ppaos").rsplit("/", 1)[1]
    + "_bench_survey"
)
VILLAGES = [f"490101{n:02d}" for n in range(1, 13)]


def generate(path: Path, households: int, seed: int) -> int:
    """Write the file; returns the number of member rows."""
    from openpyxl import Workbook

    from households.survey_import.importer import survey_importer

    rng = random.Random(seed)
    hh_columns, member_columns = survey_importer.household_columns, survey_importer.member_columns
    workbook = Workbook(write_only=True)
    hh_sheet = workbook.create_sheet("ครัวเรือน")
    member_sheet = workbook.create_sheet("สมาชิก")
    hh_sheet.append([c.field.label_th for c in hh_columns])
    member_sheet.append([c.field.label_th for c in member_columns])
    members_written = 0
    relations = ["spouse", "child", "child", "parent", "grandchild", "relative"]
    for n in range(1, households + 1):
        values = {
            "household_key": f"H{n}", "village_code": rng.choice(VILLAGES),
            "house_number": f"{n}/{rng.randint(1, 99)}", "fiscal_year": 2569,
            "surveyed_on": f"{rng.randint(1, 28)}/11/2568", "notice_given": "ใช่",
            "lawful_basis": "public_task", "sensitive_consent": "ไม่ใช่",
            "welfare_card_in_household": rng.choice(["ใช่", "ไม่ใช่"]), "needs": "housing",
        }  # fmt: skip
        for column in hh_columns:
            if column.name.startswith("ind_"):
                values[column.name] = rng.choice(["ผ่าน", "ผ่าน", "ไม่ผ่าน"])
            elif column.name.startswith("cap_"):
                values[column.name] = rng.randint(1, 4)
            elif column.kind == "decimal":
                values[column.name] = rng.randint(0, 20000)
        hh_sheet.append([values.get(c.name) for c in hh_columns])
        size = max(1, min(8, round(rng.gauss(3.5, 1.3))))
        for m in range(size):
            first12 = f"1{(n * 10 + m):011d}"
            national_id = first12 + check_digit(first12)
            if rng.random() < 0.004:
                national_id = national_id[:12] + str((int(national_id[12]) + 1) % 10)
            person = {
                "household_key": f"H{n}", "national_id": national_id,
                "first_name": f"ชื่อ{m}", "last_name": f"สกุล{n}",
                "birth_date": f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/"
                f"{rng.randint(2490, 2565)}",
                "relation": "head" if m == 0 else rng.choice(relations),
            }  # fmt: skip
            for column in member_columns:
                if column.name.startswith("ind_"):
                    person[column.name] = "ผ่าน"
            member_sheet.append([person.get(c.name) for c in member_columns])
            members_written += 1
    workbook.save(path)
    return members_written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=49)
    args = parser.parse_args()

    psql(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    psql(f"CREATE DATABASE {BENCH_DB}")
    media = Path(tempfile.mkdtemp(prefix="ppaos-bench-survey-"))
    queue = f"ppaos-bench-survey-{uuid.uuid4().hex[:8]}"
    env = dict(os.environ)
    # The worker runs as in production: DEBUG off (Django's debug cursor and query log cost the
    # write about a third; DEBUG=1 in the environment keeps it on).
    env.setdefault("DEBUG", "0")
    env.update(
        DATABASE_URL=database_url(BENCH_DB),
        MEDIA_ROOT=str(media),
        DJANGO_SETTINGS_MODULE="ppaos.settings.base",
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
    from ppaos.areas.models import Area, AreaLevel
    from ppaos.imports import services

    settings.IMPORT_TASK_QUEUE = queue
    settings.IMPORT_MAX_UPLOAD_MB = max(settings.IMPORT_MAX_UPLOAD_MB, 1024)
    for code in VILLAGES:
        Area.objects.get_or_create(
            code=code,
            defaults={"level": AreaLevel.VILLAGE, "parent_id": code[:6], "name_th": f"บ้าน{code}"},
        )
    user = User.objects.create(username="bench-facilitator")
    RoleAssignment.objects.create(user=user, role=Role.FACILITATOR, area_id="490101")

    # The file is kept between runs of the benchmark (generating 100,000 households takes
    # minutes), so a change and the code before it import the same file.
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"surveys-{args.households}-{args.seed}.xlsx"
    if not path.exists():
        began = time.perf_counter()
        partial = path.with_suffix(".part")
        members = generate(partial, args.households, args.seed)
        partial.rename(path)
        size = path.stat().st_size / 2**20
        print(f"generated {args.households:,} households, {members:,} members "
              f"({size:.1f} MiB) in {time.perf_counter() - began:.0f} s")  # fmt: skip

    results = []
    log = ROOT / "test-results" / "bench-survey-worker.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_bytes(b"")
    try:
        for run in range(1, args.runs + 1):
            with connection.cursor() as cursor:
                cursor.execute(
                    "TRUNCATE households_survey, households_membership, households_household, "
                    "households_person, households_duplicatecandidate CASCADE"
                )
            worker = start_worker(env, queue, log)
            try:
                cpu = RunCpu(worker, connection.cursor())
                began = time.perf_counter()
                with open(path, "rb") as handle:
                    job = services.create_import_job(
                        actor=user,
                        uploaded_file=UploadedFile(
                            handle, name=path.name, size=path.stat().st_size
                        ),
                        kind="surveys",
                    )
                while True:
                    job.refresh_from_db()
                    cpu.sample()
                    if job.status in services.FINISHED_STATUSES:
                        break
                    time.sleep(0.2)
                elapsed = time.perf_counter() - began
                time.sleep(1.0)  # the worker logs its last phase just after the job's commit
                peak = worker_peak_kib(worker)
                worker_cpu, postgres_cpu = cpu.totals()
            finally:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(timeout=60)
            assert job.status != "failed", job.error_message
            results.append((elapsed, peak))
            print(f"run {run}: {args.households:,} households in {elapsed:.1f} s = "
                  f"{args.households / elapsed:,.1f} households/s; "
                  f"worker peak {peak / 1024:.0f} MiB; "
                  f"created {job.created_count:,} rejected {job.rejected_count:,}")  # fmt: skip
            print(f"   CPU seconds during the run: worker process {worker_cpu:.1f} s, PostgreSQL "
                  f"backends {postgres_cpu:.1f} s; together {worker_cpu + postgres_cpu:.1f} s, "
                  f"so on 2 cores the run takes at least {(worker_cpu + postgres_cpu) / 2:.1f} s "
                  f"and at least the larger of the two")  # fmt: skip
            print("   worker: " + "; ".join(worker_phases(log, job.pk)))
    finally:
        shutil.rmtree(media, ignore_errors=True)
        connection.close()
        psql(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    times = [r[0] for r in results]
    peaks = [r[1] / 1024 for r in results]
    print(f"\nhouseholds: {args.households:,}  runs: {len(results)}")
    print(f"end to end: min {min(times):.1f} s, median {statistics.median(times):.1f} s "
          f"({args.households / statistics.median(times):,.1f} households/s)")  # fmt: skip
    print(f"worker peak: min {min(peaks):.0f} MiB, median {statistics.median(peaks):.0f} MiB")
    estimate = 100_000 / (args.households / statistics.median(times))
    print(f"at this rate 100,000 households would take ~{estimate:,.0f} s (target ≤ 90 s)")


if __name__ == "__main__":
    main()
