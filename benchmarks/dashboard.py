"""Benchmark: the governor's dashboard over a province of 1,000,000 households.

Not a test. Creates its own database (ppaos_bench_dashboard by default, on the server named by
DATABASE_URL), runs the migrations, seeds the demo province's users and catalogue and then, in
set-based SQL (generate_series, no ORM row by row): villages of about 190 households each,
households of 3 persons, two verified rounds (surveys and classification results, levels moving
between them) and referrals (one household in ten, every state). Then prints:

- the full roll-up (monitoring.rollup.full_rebuild)                          target ≤ 10 s
- an incremental refresh after 1,000 verifications                         target ≤ 1 s
  (monitoring.rollup.refresh of the households verified, what the debounced drain runs;
  clustered in one subdistrict, one district, and spread over the province), and whether it
  equals a full rebuild
- p50/p95 over HTTP through gunicorn of the dashboard, each drill-down level, the htmx partial,
  the transitions page and the API, with the server's own time       target p95 ≤ 100 ms, ≤ 50 ms
- the transition matrix (monitoring.selectors.transition_matrix) for the province and a district
- the xlsx report's time                                                     target ≤ 30 s

    .venv/bin/python benchmarks/dashboard.py                       # 1,000,000 households
    .venv/bin/python benchmarks/dashboard.py --households 100000 --runs 5
    .venv/bin/python benchmarks/dashboard.py --reuse               # keep the seeded database
"""

import argparse
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROUNDS = (2568, 2569)
LEVELS = ("in_hardship", "struggling", "getting_by", "doing_well")
HOUSEHOLDS_PER_VILLAGE = 190
PAGE_BUDGET_SECONDS = 30  # per page and run, after at least MIN_REQUESTS requests
MIN_REQUESTS = 3


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3, help="timed repetitions of each step")
    parser.add_argument("--requests", type=int, default=60, help="HTTP requests per page per run")
    parser.add_argument("--http-runs", type=int, help="runs of the HTTP part (default: --runs)")
    parser.add_argument("--database", default="ppaos_bench_dashboard")
    parser.add_argument("--reuse", action="store_true", help="keep an existing seeded database")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument(
        "--skip-page",
        action="append",
        default=[],
        help="leave a page out of the HTTP part (its label's start, e.g. 'transitions')",
    )
    parser.add_argument(
        "--steps",
        default="rollup,incremental,transitions,report,http",
        help="comma-separated: rollup, incremental, transitions, report, http",
    )
    parser.add_argument("--seed-only", action="store_true", help="seed the database and stop")
    return parser.parse_args()


def server_url(database: str) -> str:
    base = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ppaos"))
    return urlunparse(base._replace(path=f"/{database}"))


def admin_execute(sql: str) -> None:
    import psycopg2

    connection = psycopg2.connect(server_url("postgres"))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql)
    connection.close()


def database_exists(name: str) -> bool:
    import psycopg2

    connection = psycopg2.connect(server_url("postgres"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        found = cursor.fetchone() is not None
    connection.close()
    return found


class step:
    def __init__(self, label: str):
        self.label = label

    def __enter__(self):
        self.start = time.perf_counter()
        print(f"  {self.label} …", end="", flush=True)
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
        print(f" {self.seconds:.1f} s", flush=True)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def summary(label: str, values: list[float], unit: str = "s", target: str = "") -> None:
    print(
        f"  {label}: min {min(values):.3f} {unit} · median {statistics.median(values):.3f} {unit}"
        f" · runs {len(values)}" + (f" · target {target}" if target else "")
    )


# --- seeding ---------------------------------------------------------------------------------


def seed(households: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from households.surveys.selectors import current_instrument
    from households.surveys.services import current_rule_set
    from ppaos.accounts.models import User

    with step("demo users, agencies and services (seed_demo)"):
        call_command("seed_demo", seed=1, verbosity=0)
    instrument, rules = current_instrument(), current_rule_set()
    facilitator = User.objects.get(username="facilitator").pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM areas_area WHERE level = 'subdistrict' AND code LIKE '49%%'"
        )
        subdistricts = cursor.fetchone()[0]
        per_subdistrict = max(1, min(99, -(-households // (HOUSEHOLDS_PER_VILLAGE * subdistricts))))
        with step(f"villages ({per_subdistrict} per subdistrict of Mukdahan)"):
            cursor.execute(
                """
                INSERT INTO areas_area (code, level, parent_id, name_th, name_en, postal_code,
                                        created_at, updated_at)
                SELECT s.code || lpad(n::text, 2, '0'), 'village', s.code,
                       'บ้านทดสอบ ' || n, '', s.postal_code, now(), now()
                FROM areas_area s CROSS JOIN generate_series(1, %s) AS n
                WHERE s.level = 'subdistrict' AND s.code LIKE '49%%'
                ON CONFLICT (code) DO NOTHING
                """,
                [per_subdistrict],
            )
        cursor.execute(
            "SELECT array_agg(code ORDER BY code) FROM areas_area "
            "WHERE level = 'village' AND code LIKE '49%%'"
        )
        villages = cursor.fetchone()[0]
        print(f"    {len(villages):,} villages")
        with step(f"{households:,} households"):
            cursor.execute(
                """
                INSERT INTO households_household (created_at, updated_at, public_id, area_id,
                    house_number, house_registration_code, status)
                SELECT now(), now(), gen_random_uuid(),
                       (%(villages)s::text[])[1 + ((i - 1)::bigint * %(count)s / %(n)s)::int],
                       (1 + i %% 400)::text, '', 'active'
                FROM generate_series(1, %(n)s) AS i
                """,
                {"villages": villages, "count": len(villages), "n": households},
            )
        cursor.execute("SELECT min(id), max(id) FROM households_household")
        first_household, last_household = cursor.fetchone()
        assert last_household - first_household + 1 == households
        # Not used by the dashboard; rebuilt by nobody here (the search benchmark times it).
        cursor.execute("DROP INDEX IF EXISTS person_name_trgm")
        with step(f"{3 * households:,} persons (checksummed IDs)"):
            cursor.execute(
                """
                INSERT INTO households_person (created_at, updated_at, public_id, national_id,
                    title, first_name, last_name, birth_date, sex, education, occupation,
                    welfare_card_holder, has_disability, has_chronic_illness, is_bedridden)
                SELECT now(), now(), gen_random_uuid(),
                       f || ((11 - (SELECT sum(substr(f, k, 1)::int * (14 - k))
                                   FROM generate_series(1, 12) AS k)::int %% 11) %% 10)::text,
                       CASE WHEN i %% 2 = 0 THEN 'นาง' ELSE 'นาย' END, 'ทดสอบ', 'ทดลอง',
                       date '1935-01-01' + (h %% 32000)::int,
                       CASE WHEN i %% 2 = 0 THEN 'female' ELSE 'male' END, '', '',
                       h %% 3 = 0, h %% 40 = 1, h %% 9 = 2, h %% 97 = 3
                FROM (
                    SELECT i,
                           (ARRAY['1','3','5','8'])[1 + i %% 4] || '49'
                             || lpad(((i::bigint * 48271) %% 100000000)::text, 8, '0')
                             || (i / 100000000)::text AS f,
                           (hashint4(i) & 2147483647)::bigint AS h
                    FROM generate_series(1, %(n)s) AS i
                ) AS g
                """,
                {"n": 3 * households},
            )
        cursor.execute("SELECT min(id) FROM households_person")
        first_person = cursor.fetchone()[0]
        with step("memberships (3 per household, one head each)"):
            cursor.execute(
                """
                INSERT INTO households_membership (created_at, updated_at, household_id,
                    person_id, relation, joined_on, left_reason)
                SELECT now(), now(), %(hh)s + (i - 1) / 3, %(p)s + i - 1,
                       CASE (i - 1) %% 3 WHEN 0 THEN 'head' WHEN 1 THEN 'spouse' ELSE 'child' END,
                       date '2015-01-01', ''
                FROM generate_series(1, %(n)s) AS i
                """,
                {"hh": first_household, "p": first_person, "n": 3 * households},
            )
        with step(f"{2 * households:,} verified surveys (two rounds)"):
            cursor.execute(
                """
                INSERT INTO households_survey (created_at, updated_at, public_id, fiscal_year,
                    status, surveyed_on, notice_given, lawful_basis, sensitive_consent,
                    consent_given_by, welfare_card_in_household, needs_note, last_step,
                    submitted_at, reviewed_at, return_comment, household_id, surveyed_by_id,
                    reviewed_by_id, instrument_id, version)
                SELECT now(), now(), gen_random_uuid(), y, 'verified',
                       make_date(y - 544, 11, 1), true, 'public_task', false, '', false, '', '',
                       now(), now(), '', h.id, %(user)s, %(user)s, %(instrument)s, 1
                FROM households_household h CROSS JOIN unnest(%(rounds)s::int[]) AS y
                """,
                {"user": facilitator, "instrument": instrument.pk, "rounds": list(ROUNDS)},
            )
        with step(f"{2 * households:,} classification results (levels move between rounds)"):
            cursor.execute(
                """
                INSERT INTO households_classificationresult (created_at, updated_at, fiscal_year,
                    rule_set_version, overall_score, level, failed_dimensions,
                    welfare_card_holder, target_poor, low_items, area_id, household_id,
                    rule_set_id, survey_id)
                SELECT now(), now(), s.fiscal_year, %(version)s, 1 + lv,
                       (%(levels)s::text[])[1 + lv], '[]'::jsonb, lv < 2, lv = 0 AND hh %% 2 = 0,
                       '[]'::jsonb, h.area_id, h.id, %(rules)s, s.id
                FROM households_survey s
                JOIN households_household h ON h.id = s.household_id
                CROSS JOIN LATERAL (SELECT (hashint4(h.id::int) & 2147483647)::bigint AS hh) x
                CROSS JOIN LATERAL (
                    SELECT CASE WHEN s.fiscal_year = %(first)s THEN (hh %% 4)::int
                                ELSE least(3, greatest(0, (hh %% 4)::int
                                     + CASE hh / 4 %% 5 WHEN 0 THEN 1 WHEN 1 THEN 1
                                                        WHEN 2 THEN -1 ELSE 0 END)) END AS lv
                ) l
                """,
                {
                    "version": rules.version,
                    "levels": list(LEVELS),
                    "rules": rules.pk,
                    "first": ROUNDS[0],
                },
            )
        with step(f"{households // 10:,} referrals (every state)"):
            cursor.execute(
                """
                WITH svc AS (SELECT array_agg(id ORDER BY id) AS ids,
                                    array_agg(agency_id ORDER BY id) AS agencies
                               FROM referrals_service WHERE is_active)
                INSERT INTO referrals_referral (created_at, updated_at, public_id, need, reason,
                    contact_phone, urgency, status, submitted_at, due_on, outcome, help_value,
                    completed_at, agency_id, area_id, household_id, person_id, proposed_by_id,
                    service_id)
                SELECT t, t, gen_random_uuid(), 'ความช่วยเหลือ', 'ทดสอบ', '', 'normal', st,
                       t, (t + interval '30 days')::date,
                       CASE WHEN st = 'completed' THEN 'ช่วยเหลือแล้ว' ELSE '' END,
                       CASE WHEN st = 'completed' THEN 500 + hh %% 5000 END,
                       CASE WHEN st = 'completed' THEN t + interval '20 days' END,
                       svc.agencies[k], h.area_id, h.id, NULL, %(user)s, svc.ids[k]
                FROM households_household h CROSS JOIN svc
                CROSS JOIN LATERAL (SELECT (hashint4(h.id::int + 17) & 2147483647)::bigint AS hh) x
                CROSS JOIN LATERAL (
                    SELECT 1 + (hh %% cardinality(svc.ids))::int AS k,
                           timestamptz '2024-10-15' + (hh %% 330) * interval '1 day' AS t,
                           (ARRAY['completed','completed','completed','completed','in_progress',
                                  'in_progress','accepted','approved','approved','submitted',
                                  'rejected','cancelled'])[1 + (hh / 7 %% 12)::int] AS st
                ) r
                WHERE h.id %% 10 = 0
                """,
                {"user": facilitator},
            )
        with step("VACUUM ANALYZE"):
            cursor.execute("VACUUM ANALYZE")


# --- measurements ----------------------------------------------------------------------------


def measure_full_rebuild(runs: int) -> list[float]:
    from monitoring import rollup

    times, swapped = [], []
    for run in range(1, runs + 1):
        start = time.perf_counter()
        done = rollup.full_rebuild()
        times.append(time.perf_counter() - start)
        swapped.append(done.seconds)  # until the roll-up tables were swapped in (committed)
        print(
            f"    run {run}: roll-up tables swapped in after {swapped[-1]:.2f} s; with the "
            f"transitions page's tables after them {times[-1]:.2f} s",
            flush=True,
        )
    return swapped, times


def _verify_again(household_ids: list[int]) -> list[str]:
    """1,000 verifications: the second round's result of each household changes level."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE households_classificationresult r
               SET level = CASE r.level WHEN 'doing_well' THEN 'getting_by'
                                        WHEN 'getting_by' THEN 'doing_well'
                                        WHEN 'struggling' THEN 'getting_by' ELSE 'struggling' END,
                   updated_at = now()
             WHERE r.fiscal_year = %s AND r.household_id = ANY(%s)
            RETURNING r.area_id
            """,
            [ROUNDS[1], household_ids],
        )
        return sorted({row[0] for row in cursor.fetchall()})


def _rollup_snapshot() -> set:
    from monitoring.models import AreaRollup

    return set(AreaRollup.objects.values_list("area_code", "fiscal_year", "metric", "value"))


def measure_incremental(runs: int) -> dict[str, list[float]]:
    from django.db import connection

    from monitoring import evaluation, rollup

    results: dict[str, list[float]] = {
        "one subdistrict": [],
        "one district": [],
        "whole province": [],
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(area_id) FROM households_household WHERE area_id LIKE '4905%%'")
        village = cursor.fetchone()[0] or "49010101"
    prefixes = {"one subdistrict": village[:6], "one district": village[:4], "whole province": "49"}
    for run in range(1, runs + 1):
        for label in prefixes:
            prefix = prefixes[label]
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT id FROM households_household WHERE area_id LIKE %s "
                    "ORDER BY hashint4((id + %s)::int) LIMIT 1000",
                    [prefix + "%", run],
                )
                ids = [row[0] for row in cursor.fetchall()]
            codes = _verify_again(ids)
            # What the drain runs: the roll-ups' refresh (its transaction commits the
            # dashboard's figures), then the transitions page's tables catch up in their own.
            start = time.perf_counter()
            rollup.refresh(household_ids=ids)
            results[label].append(time.perf_counter() - start)
            start = time.perf_counter()
            evaluation.refresh_areas(codes)
            results.setdefault(f"{label}, then the transitions tables", []).append(
                time.perf_counter() - start
            )
            print(
                f"    run {run}: 1,000 verifications in {label} ({len(codes)} villages): "
                f"refresh {results[label][-1]:.3f} s, then the transitions tables "
                f"{results[f'{label}, then the transitions tables'][-1]:.3f} s",
                flush=True,
            )
    incremental = _rollup_snapshot()
    rollup.full_rebuild()
    same = incremental == _rollup_snapshot()
    print(f"    the incremental figures equal a full rebuild: {'yes' if same else 'NO'}")
    return results


def measure_transitions(runs: int) -> dict[str, list[float]]:
    """The transition matrix and the outcomes by help (monitoring.selectors) for the province
    (as the executive: protected) and a district (as its area manager: exact), uncached (read
    from the evaluation tables) and then from the cache, as the page's second request is."""
    from monitoring import selectors
    from ppaos.accounts.models import User
    from ppaos.areas.models import Area

    out: dict[str, list[float]] = {}
    for code, username in (("49", "executive"), ("4901", "manager")):
        user, area = User.objects.get(username=username), Area.objects.get(code=code)
        reads = {
            "transition matrix": (selectors._transition_matrix, selectors.transition_matrix),
            "outcomes by help": (selectors._outcomes_by_help, selectors.outcomes_by_help),
        }
        for label, (uncached, cached) in reads.items():
            cached(user, area, ROUNDS[0], ROUNDS[1])  # the page's first request fills the cache
            for kind, read in (("from the tables", uncached), ("cached", cached)):
                times = []
                for _ in range(runs):
                    start = time.perf_counter()
                    answer = read(user, area, ROUNDS[0], ROUNDS[1])
                    times.append(time.perf_counter() - start)
                out[f"{label} {code} ({kind})"] = times
            if label == "transition matrix":
                print(f"    transition matrix {code} ({username}): total {answer.get('total')}")
            else:
                print(f"    outcomes by help {code}: {len(answer['rows'])} kinds of help")
    return out


def measure_xlsx_report(runs: int) -> list[float] | None:
    """The provincial xlsx report (monitoring.reports.request_report, the task run in this
    process: Celery's eager mode), or None where the report service does not exist yet."""
    try:
        from monitoring.reports import request_report
    except ImportError:
        return None
    from django.db import transaction

    from ppaos.accounts.models import User
    from ppaos.areas.models import Area
    from ppaos.celery import app

    app.conf.task_always_eager = True  # the task runs here, on commit; no message is sent
    user, area = User.objects.get(username="executive"), Area.objects.get(code="49")
    times = []
    for run in range(1, runs + 1):
        start = time.perf_counter()
        with transaction.atomic():
            report = request_report(actor=user, area=area, fiscal_year=ROUNDS[1])
        times.append(time.perf_counter() - start)
        report.refresh_from_db()
        print(f"    run {run}: xlsx report {times[-1]:.2f} s ({report.status})", flush=True)
    return times


# --- HTTP through gunicorn -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(database_url: str, port: int, log: Path) -> subprocess.Popen:
    """The production settings, as scripts/run.sh serves (static files collected first)."""
    env = os.environ.copy()
    env.update(
        DJANGO_SETTINGS_MODULE="ppaos.settings.production",
        DATABASE_URL=database_url,
        SECRET_KEY="benchmark-only-" + "x" * 50,
        DEBUG="false",
        PPAOS_HTTPS="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "ppaos.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "900",  # a slow page is measured, not killed
            "--config",
            "python:ppaos.gunicorn_conf",
            "--access-logfile",
            str(log),
            "--access-logformat",
            '"%(m)s %(U)s" %(s)s %(D)s',
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.3)
    os.killpg(process.pid, signal.SIGTERM)
    raise RuntimeError("gunicorn did not start")


class Browser:
    """One keep-alive connection with a cookie jar (session and CSRF cookies)."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, content

    def login(self, username: str, password: str) -> None:
        from urllib.parse import urlencode

        self.request("GET", "/login/")
        body = urlencode(
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": self.cookies["csrftoken"],
            }
        )
        status, _ = self.request("POST", "/login/", body, {"Referer": "http://127.0.0.1/login/"})
        if status != 302:
            raise RuntimeError(f"login failed ({status})")


def api_paths() -> list[str]:
    """The monitoring API's list endpoints (none until the API lands)."""
    from django.urls import URLPattern, URLResolver

    from monitoring.api import urls

    found = []

    def walk(patterns, prefix):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern) and "<" not in str(entry.pattern):
                found.append("/api/v1/" + prefix + str(entry.pattern))

    walk(urls.urlpatterns, "")
    return [p.replace("^", "").replace("$", "") for p in found]


def measure_http(database_url: str, runs: int, requests: int, skip=()) -> dict[str, list]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(area_id) FROM households_household WHERE area_id LIKE '490101%%'"
        )
        village = cursor.fetchone()[0]
    pages = {
        "dashboard (province)": ("/monitoring/", {}),
        "drill-down district (htmx)": ("/monitoring/area/4901/", {"HX-Request": "true"}),
        "district page": ("/monitoring/area/4901/", {}),
        "subdistrict page": ("/monitoring/area/490101/", {}),
        "village page": (f"/monitoring/area/{village}/", {}),
        "transitions (district)": ("/monitoring/area/4901/transitions/", {}),
        "transitions (province)": ("/monitoring/area/49/transitions/", {}),
    }
    for label in [label for label in pages if label.startswith(tuple(skip))]:
        print(f"    {label}: left out (--skip-page)")
        del pages[label]
    apis = api_paths()
    for path in apis:
        pages[f"API {path}"] = (path, {})
    if not apis:
        print("    API: not available (monitoring.api has no endpoints yet)")
    port = free_port()
    log = Path(tempfile.mkdtemp()) / "access.log"
    server = start_gunicorn(database_url, port, log)
    results: dict[str, list] = {label: [] for label in pages}
    try:
        browser = Browser(port)
        browser.login("executive", "ppaos-demo")
        for run in range(1, runs + 1):
            for label, (path, headers) in pages.items():
                for _ in range(1 if label.startswith("transitions") else 3):  # warm the workers
                    browser.request("GET", path, headers=headers)
                before = log.read_text().count("\n") if log.exists() else 0
                wall = []
                budget = time.perf_counter() + PAGE_BUDGET_SECONDS
                for index in range(requests):
                    if index >= MIN_REQUESTS and time.perf_counter() > budget:
                        break  # a slow page: its percentiles come from fewer requests
                    start = time.perf_counter()
                    status, _ = browser.request("GET", path, headers=headers)
                    wall.append((time.perf_counter() - start) * 1000)
                    if status != 200:
                        raise RuntimeError(f"{path} answered {status}")
                time.sleep(0.2)
                lines = log.read_text().splitlines()[before:]
                server_ms = [
                    int(m.group(1)) / 1000
                    for line in lines
                    if (m := re.search(r'" 200 (\d+)$', line))
                ]
                p50, p95 = percentile(wall, 50), percentile(wall, 95)
                s95 = percentile(server_ms, 95) if server_ms else float("nan")
                results[label].append((p50, p95, s95))
                print(
                    f"    run {run} · {label:28} p50 {p50:6.1f} ms · p95 {p95:6.1f} ms · "
                    f"server p95 {s95:6.1f} ms · {len(wall)} requests",
                    flush=True,
                )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return results


def main() -> None:
    args = parse_args()
    database_url = server_url(args.database)
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ppaos.settings.base")
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    print(f"Dashboard benchmark · database {args.database} · {args.households:,} households")
    fresh = not (args.reuse and database_exists(args.database))
    if fresh:
        admin_execute(f'DROP DATABASE IF EXISTS "{args.database}"')
        admin_execute(f'CREATE DATABASE "{args.database}"')

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if not fresh:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('households_household') IS NOT NULL")
            fresh = not cursor.fetchone()[0]
            if not fresh:
                cursor.execute("SELECT NOT EXISTS (SELECT 1 FROM households_household)")
                fresh = cursor.fetchone()[0]
    if fresh:  # a new database, or one whose seeding did not finish
        with step("migrations"):
            call_command("migrate", verbosity=0)
        seed(args.households)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM households_household), "
            "(SELECT count(*) FROM households_person), "
            "(SELECT count(*) FROM households_classificationresult), "
            "(SELECT count(*) FROM referrals_referral)"
        )
        hh, persons, results, referrals = cursor.fetchone()
    print(
        f"  in the database: {hh:,} households · {persons:,} persons · {results:,} results "
        f"(two rounds) · {referrals:,} referrals"
    )
    if args.seed_only:
        return

    steps = set(args.steps.split(","))
    full, incremental, transitions, report, http_results = [], {}, {}, None, {}
    if "rollup" in steps:
        print("\nFull roll-up (GROUP BY ROLLUP into a new table, swapped in):")
        full = measure_full_rebuild(args.runs)
    if "incremental" in steps:
        print("\nIncremental refresh after 1,000 verifications:")
        incremental = measure_incremental(args.runs)
    if "transitions" in steps:
        print("\nTransition matrix and outcomes by help (round 2568 → 2569):")
        transitions = measure_transitions(args.runs)
    if "report" in steps:
        print("\nxlsx report:")
        report = measure_xlsx_report(args.runs)
        if report is None:
            print("    not available (no report service in monitoring yet)")
    if "http" in steps and not args.skip_http:
        print("\nHTTP through gunicorn (2 workers), signed in as the executive:")
        http_results = measure_http(
            database_url, args.http_runs or args.runs, args.requests, args.skip_page
        )

    print(f"\nSummary ({args.households:,} households, min and median over runs):")
    if full:
        summary("full roll-up (roll-up tables swapped in)", full[0], target="≤ 10 s")
        summary("full roll-up, then the transitions page's tables", full[1])
    for label, values in incremental.items():
        target = "" if "transitions" in label else "≤ 1 s"
        summary(f"incremental, 1,000 verifications in {label}", values, target=target)
    for label, values in transitions.items():
        summary(label, [v * 1000 for v in values], unit="ms")
    if report:
        summary("xlsx report", report, target="≤ 30 s")
    elif "report" in steps:
        print("  xlsx report: not available")
    for label, rows in http_results.items():
        p50s, p95s, s95s = zip(*rows, strict=True)
        print(
            f"  {label:28} p50 min {min(p50s):6.1f} median {statistics.median(p50s):6.1f} · "
            f"p95 min {min(p95s):6.1f} median {statistics.median(p95s):6.1f} · "
            f"server p95 median {statistics.median(s95s):6.1f} ms (targets p95 ≤ 100, "
            f"server ≤ 50)"
        )
    if args.drop:
        connection.close()
        admin_execute(f'DROP DATABASE IF EXISTS "{args.database}"')


if __name__ == "__main__":
    main()
