"""Benchmark: the load scenario (locustfile.py) with 50 users for 60 s, three runs.

    .venv/bin/python benchmarks/load/run.py [--users 50] [--seconds 60] [--runs 3]
        [--households 300] [--gunicorn-workers 4]

Creates its own database (<DATABASE_URL's name>_load: dropped, migrated, the demo province
seeded with --households households, roll-ups computed, then prepare.py's drafts, submitted
surveys and referrals), serves it with gunicorn on 127.0.0.1 (production settings, DEBUG off)
and one Celery worker for the import, and runs Locust headless. Prints per page and run the
requests, failures and p95 (ms), then the min and median of the p95 over the runs. Not a test:
figures go in the README. Needs REDIS_URL's broker.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.load import runner  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--households", type=int, default=300)
    parser.add_argument("--gunicorn-workers", type=int, default=4)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the seeded database; only add fresh work"
    )
    parser.add_argument("--data", help="with --reuse: the work of an earlier prepare (JSON)")
    args = parser.parse_args()

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ppaos")
    server, name = base.rsplit("/", 1)
    name = f"{name}_load"
    url = f"{server}/{name}"
    host = ["-h", "127.0.0.1", "-U", "postgres"]
    if not args.reuse:
        subprocess.run(["dropdb", *host, "--if-exists", "--force", name], check=True)
        subprocess.run(["createdb", *host, name], check=True)
    work = Path(tempfile.mkdtemp(prefix="ppaos-load-"))
    queue = f"ppaos-load-{uuid.uuid4().hex[:8]}"
    env = runner.serve_env(
        database_url=url, media_root=str(work / "media"), queue=queue,
        settings="ppaos.settings.production",
    )  # fmt: skip
    manage = [sys.executable, "manage.py"]
    if not args.reuse:
        print("migrating and seeding", name, flush=True)
        for command in (
            ["migrate", "--noinput", "-v0"],
            ["seed_demo", "--households", str(args.households)],
            ["rebuild_rollups"],
        ):
            subprocess.run(
                manage + command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
            )
    if not (ROOT / "staticfiles" / "staticfiles.json").exists() or not args.reuse:
        subprocess.run(  # production settings serve the hashed static files (whitenoise)
            manage + ["collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
        )
    # Work used up by the runs (verified once, approved once): enough for every run.
    per_run = {"drafts": 20, "submitted": 40 * args.runs, "referrals": 30 * args.runs}
    users_per_role = args.users  # sessions: more than any role can take
    if args.data:
        code = (
            "from benchmarks.load.prepare import still_open; "
            f"made = still_open(json.load(open({args.data!r})))"
        )
    else:
        print("preparing", per_run, flush=True)
        code = (
            "from benchmarks.load.prepare import prepare; "
            "from households.models import Household; "
            "start = Household.objects.filter(house_number__startswith='L').count(); "
            f"made = prepare(**{per_run!r}, start=start)"
        )
    prepared = subprocess.run(
        [sys.executable, "-c",
         "import django, json; django.setup(); " + code + "; "
         "from benchmarks.load.prepare import open_sessions; "
         f"made['sessions'] = open_sessions({users_per_role}); print(json.dumps(made))"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout.strip().splitlines()[-1]  # fmt: skip
    data = work / "data.json"
    data.write_text(prepared)
    from tests.imports.files import good_row, write_csv

    import_file = write_csv(work / "registry.csv", [good_row(n) for n in range(1, 2001)])

    port = runner.free_port()
    logs = ROOT / "test-results" / "load"
    web = runner.start_gunicorn(env, port, args.gunicorn_workers, logs / "gunicorn.log")
    worker = runner.start_worker(env, queue, logs / "worker.log")
    results = []
    try:
        for run in range(1, args.runs + 1):
            figures = runner.run_locust(
                host=f"http://127.0.0.1:{port}", users=args.users, seconds=args.seconds,
                prefix=work / f"run{run}", data=data, import_file=import_file,
                run=run - 1, runs=args.runs,
            )  # fmt: skip
            results.append(figures)
            total = figures["Aggregated"]
            print(f"run {run}: {total['requests']} requests, {total['failures']} failures, "
                  f"{figures['_exceptions']} task errors, "
                  f"p95 {total['p95']:.0f} ms", flush=True)  # fmt: skip
            if figures["_failures_text"].count("\n") > 1:
                print(figures["_failures_text"][:3000])
    finally:
        runner.stop(worker)
        runner.stop(web)
    names = [n for n in results[0] if not n.startswith("_")]
    print(f"\n{'page':24} {'requests':>9} {'fail':>5} " + " ".join(
        f"p95 r{i + 1:<3}" for i in range(len(results))) + "   min  median")  # fmt: skip
    summary = {}
    names = sorted({n for r in results for n in r if not n.startswith("_")})
    for page in sorted(names, key=lambda n: (n == "Aggregated", n)):
        p95 = [r[page]["p95"] if page in r else float("nan") for r in results]
        requests = sum(r[page]["requests"] for r in results if page in r)
        failures = sum(r[page]["failures"] for r in results if page in r)
        seen = [v for v in p95 if v == v]
        summary[page] = {"min": min(seen), "median": statistics.median(seen), "runs": len(seen)}
        print(f"{page:24} {requests:>9} {failures:>5} "
              + " ".join(f"{v:>7.0f}" for v in p95)
              + f" {min(seen):>6.0f} {statistics.median(seen):>7.0f}")  # fmt: skip
    (logs / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
