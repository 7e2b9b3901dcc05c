"""Benchmark: the provincial officer's master-plan pages over a province where every village has
a plan (493 plans in Mukdahan, --projects per plan).

Not a test. Creates its own database (ppaos_bench_plans by default, on the server named by
DATABASE_URL), runs the migrations, seeds the demo province (villages, users, households, the
demo plans through the services), then bulk-adds one plan per remaining village with projects in
every state, and times the pages through Django's test client as the demo officer: the overview,
the plan list and the xlsx export. Prints the milliseconds and query count of each run and the
min / median over runs.

    .venv/bin/python benchmarks/master_plans.py                    # 4 projects a plan, 5 runs
    .venv/bin/python benchmarks/master_plans.py --projects 10 --runs 9
    .venv/bin/python benchmarks/master_plans.py --reuse             # keep the seeded database
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _database_url(name: str) -> str:
    url = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ppaos"))
    return urlunparse(url._replace(path=f"/{name}"))


def _create_database(name: str, reuse: bool) -> bool:
    import psycopg2

    admin = psycopg2.connect(_database_url("postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
        if exists and reuse:
            return False
        if exists:
            cursor.execute(f'DROP DATABASE "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    return True


def _seed(projects_per_plan: int) -> int:
    from decimal import Decimal

    from django.core.management import call_command
    from django.utils import timezone

    from households.demo import seed_demo_households
    from masterplans.demo import _local_lao, seed_demo_plans
    from masterplans.models import MasterPlan, Project, ProjectTransition
    from masterplans.transitions import State
    from ppaos.accounts.models import User
    from ppaos.areas.models import Area
    from ppaos.demo.services import seed_demo
    from ppaos.thai.thai_dates import fiscal_year_be

    call_command("migrate", verbosity=0)
    seed_demo(seed=1)
    seed_demo_households(count=2000, seed=1)
    seed_demo_plans(seed=1)
    manager = User.objects.get(username="manager")
    year = fiscal_year_be(timezone.localdate())
    planned = set(MasterPlan.objects.values_list("area_id", flat=True))
    villages = Area.objects.filter(level="village", code__startswith="49").exclude(code__in=planned)
    states = [s.value for s in State]
    plans = MasterPlan.objects.bulk_create(
        [
            MasterPlan(
                area=village,
                fiscal_year=year,
                survey_round=year - 1,
                created_by=manager,
                status="endorsed" if i % 4 else "draft",
                data={"households": 0},
            )
            for i, village in enumerate(villages.order_by("code"))
        ]
    )
    rows = []
    for i, plan in enumerate(plans):
        lao = _local_lao(plan.area_id)
        for j in range(projects_per_plan):
            state = states[(i + j) % len(states)] if plan.status == "endorsed" else "draft"
            adopted = state in ("in_budget", "done")
            rows.append(
                Project(
                    plan=plan,
                    title=f"โครงการ {j + 1}",
                    objective="ทดสอบ",
                    carrier="lao",
                    lao=lao,
                    budget_requested=Decimal(100000 + 1000 * j),
                    state=state,
                    budget_adopted=Decimal(90000) if adopted else None,
                    ordinance_fiscal_year=year if adopted else None,
                )
            )
    made = Project.objects.bulk_create(rows, batch_size=2000)
    ProjectTransition.objects.bulk_create(
        [
            ProjectTransition(
                project=p, name="rank", from_state="draft", to_state="ranked", actor=manager
            )
            for p in made
        ],
        batch_size=2000,
    )
    return MasterPlan.objects.count()


def _time(client, path: str, runs: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            answer = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        assert answer.status_code == 200, (path, answer.status_code)
        queries = len(captured)
    return times, queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="ppaos_bench_plans")
    parser.add_argument("--projects", type=int, default=4, help="projects per added plan")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="keep a seeded database")
    args = parser.parse_args()

    fresh = _create_database(args.database, args.reuse)
    os.environ["DATABASE_URL"] = _database_url(args.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ppaos.settings.base")
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from masterplans.models import MasterPlan, Project
    from ppaos.accounts.models import User

    setup_test_environment()
    if fresh:
        started = time.perf_counter()
        _seed(args.projects)
        print(f"seeded in {time.perf_counter() - started:.0f} s")
    print(f"{MasterPlan.objects.count()} plans, {Project.objects.count()} projects")
    client = Client()
    client.force_login(User.objects.get(username="officer"))
    for label, path in (
        ("overview", "/plans/overview/"),
        ("plan list", "/plans/"),
        ("xlsx export", "/plans/export.xlsx"),
    ):
        times, queries = _time(client, path, args.runs)
        rounded = ", ".join(f"{t:.0f}" for t in times)
        print(
            f"{label:<12} min {min(times):7.1f} ms  median {statistics.median(times):7.1f} ms"
            f"  queries {queries}  (runs: {rounded})"
        )


if __name__ == "__main__":
    main()
