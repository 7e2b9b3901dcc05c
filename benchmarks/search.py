"""Benchmark: search by national ID and by (misspelt) Thai name over 1,000,000 persons.

Not a test. Creates its own database (ppaos_bench_search by default, on the server named by
DATABASE_URL), runs the migrations there, seeds persons, households and memberships with
set-based SQL (generate_series: valid checksummed IDs, Thai names built from syllables), then
times the real selectors (`households.selectors.search_persons`) and prints p50/p95 per run and
the min/median over runs. Targets (issue 3): ID ≤ 20 ms p95, name ≤ 150 ms p95.

    .venv/bin/python benchmarks/search.py                 # 1,000,000 persons, 3 runs
    .venv/bin/python benchmarks/search.py --persons 100000 --queries 200 --runs 5
    .venv/bin/python benchmarks/search.py --reuse          # keep the seeded database, time only
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Syllables of common Thai given names and surnames (realistic shapes, not real people). Forty
# of each make names far more alike than real ones (Thai surnames are unique to a family by law),
# so the trigram index meets more near-matches here than it would in the province: a harder test.
# "นาง" (Mrs) is not among them: a given name never starts with a title, and the search drops a
# leading title from what is typed, so such a seeded name could not be found as typed.
FIRST_SYLLABLES = [
    "สม",
    "ศรี",
    "บุญ",
    "มา",
    "ประ",
    "เสริฐ",
    "สุข",
    "ใจ",
    "ทอง",
    "คำ",
    "แก้ว",
    "จันทร์",
    "วัน",
    "ชัย",
    "พร",
    "ทิพย์",
    "อุไร",
    "นภา",
    "กมล",
    "วิไล",
    "สุ",
    "ดา",
    "รัตน์",
    "นิด",
    "หอม",
    "มณี",
    "ยุทธ",
    "พงษ์",
    "ศักดิ์",
    "เพ็ญ",
    "ลำ",
    "ดวง",
    "สาย",
    "ทิพ",
    "อร",
    "ปราณี",
    "บาง",
    "เงิน",
    "ผ่อง",
]
LAST_SYLLABLES = [
    "ใจ",
    "ดี",
    "ศรี",
    "สุข",
    "วงศ์",
    "ทอง",
    "แสน",
    "คำ",
    "มั่น",
    "คง",
    "บุญ",
    "มี",
    "พรหม",
    "จันทร์",
    "แก้ว",
    "ภู",
    "ผา",
    "นา",
    "สวัสดิ์",
    "ชัย",
    "ไพร",
    "วัฒน์",
    "กุล",
    "ทร",
    "พันธ์",
    "ประเสริฐ",
    "เจริญ",
    "รุ่ง",
    "เรือง",
    "ศักดิ์",
    "สิทธิ์",
    "โคตร",
    "พิมพ์",
    "ลา",
    "หงษ์",
    "นิล",
    "ขันธ์",
    "อินทร์",
    "ธรรม",
    "รักษ์",
]
# Letters people confuse when they write a name they heard (ศ/ส/ษ, ท/ธ/ทร, พ/ภ, ต/ฏ...).
CONFUSABLE = {
    "ศ": "ส",
    "ส": "ศ",
    "ษ": "ศ",
    "ท": "ธ",
    "ธ": "ท",
    "พ": "ภ",
    "ภ": "พ",
    "ต": "ฏ",
    "ด": "ฎ",
    "น": "ณ",
    "ณ": "น",
    "ล": "ฬ",
    "ร": "ล",
    "ข": "ค",
    "ค": "ข",
    "ช": "ฉ",
    "ั": "ะ",
    "์": "",
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200, help="queries of each kind per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database", default="ppaos_bench_search")
    parser.add_argument("--reuse", action="store_true", help="keep an existing seeded database")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--seed", type=int, default=20261121)
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


def step(label: str):
    class _Timer:
        def __enter__(self):
            self.start = time.perf_counter()
            print(f"  {label} …", end="", flush=True)

        def __exit__(self, *exc):
            print(f" {time.perf_counter() - self.start:.1f} s", flush=True)

    return _Timer()


def seed(persons: int, seed_value: int) -> None:
    """Villages, households (3 persons each), persons and memberships, all in SQL."""
    from django.db import connection

    households = (persons + 2) // 3
    with connection.cursor() as cursor:
        with step("villages (10 per subdistrict of Mukdahan)"):
            cursor.execute(
                """
                INSERT INTO areas_area (code, level, parent_id, name_th, name_en, postal_code,
                                        created_at, updated_at)
                SELECT s.code || lpad(n::text, 2, '0'), 'village', s.code,
                       'บ้านทดสอบ ' || n, '', '', now(), now()
                FROM areas_area s CROSS JOIN generate_series(1, 10) AS n
                WHERE s.level = 'subdistrict' AND s.code LIKE '49%%'
                ON CONFLICT (code) DO NOTHING
                """
            )
        cursor.execute(
            "SELECT array_agg(code ORDER BY code) FROM areas_area "
            "WHERE level = 'village' AND code LIKE '49%%'"
        )
        villages = cursor.fetchone()[0]
        with step(f"{households:,} households"):
            cursor.execute(
                """
                INSERT INTO households_household (created_at, updated_at, public_id, area_id,
                    house_number, house_registration_code, status)
                SELECT now(), now(), gen_random_uuid(),
                       (%(villages)s::text[])[1 + (i::bigint * 7919) %% %(count)s],
                       (1 + i %% 400)::text
                         || CASE WHEN i %% 5 = 0 THEN '/' || (i %% 7 + 1) ELSE '' END,
                       '', 'active'
                FROM generate_series(1, %(n)s) AS i
                """,
                {"villages": villages, "count": len(villages), "n": households},
            )
        cursor.execute("SELECT min(id) FROM households_household")
        first_household = cursor.fetchone()[0]
        cursor.execute("DROP INDEX IF EXISTS person_name_trgm")
        with step(f"{persons:,} persons (checksummed IDs, Thai names)"):
            cursor.execute(
                """
                INSERT INTO households_person (created_at, updated_at, public_id, national_id,
                    title, first_name, last_name, birth_date, sex, education, occupation,
                    welfare_card_holder, has_disability, has_chronic_illness, is_bedridden)
                SELECT now(), now(), gen_random_uuid(),
                       f || ((11 - (SELECT sum(substr(f, k, 1)::int * (14 - k))
                                   FROM generate_series(1, 12) AS k)::int %% 11) %% 10)::text,
                       CASE WHEN i %% 2 = 0 THEN 'นาง' ELSE 'นาย' END,
                       fs[1 + (h1 %% cardinality(fs))] || fs[1 + (h2 %% cardinality(fs))],
                       ls[1 + (h3 %% cardinality(ls))] || ls[1 + (h4 %% cardinality(ls))]
                         || CASE WHEN h5 %% 3 = 0 THEN ls[1 + (h6 %% cardinality(ls))] ELSE '' END,
                       date '1935-01-01' + ((h1 * 31 + h4) %% 30000)::int,
                       CASE WHEN i %% 2 = 0 THEN 'female' ELSE 'male' END, '', '',
                       h2 %% 3 = 0, h3 %% 40 = 0, h4 %% 9 = 0, h5 %% 97 = 0
                FROM (
                    SELECT i,
                           (ARRAY['1','3','5','8'])[1 + i %% 4] || '49'
                             || lpad(((i::bigint * 48271) %% 100000000)::text, 8, '0')
                             || lpad((i / 100000000)::text, 1, '0') AS f,
                           (hashint4(i) & 2147483647)::bigint AS h1,
                           (hashint4(i + 7) & 2147483647)::bigint AS h2,
                           (hashint4(i + 13) & 2147483647)::bigint AS h3,
                           (hashint4(i + 29) & 2147483647)::bigint AS h4,
                           (hashint4(i + 41) & 2147483647)::bigint AS h5,
                           (hashint4(i + 53) & 2147483647)::bigint AS h6,
                           %(first)s::text[] AS fs, %(last)s::text[] AS ls
                    FROM generate_series(1, %(n)s) AS i
                ) AS g
                """,
                {"n": persons, "first": FIRST_SYLLABLES, "last": LAST_SYLLABLES},
            )
        with step("memberships (3 per household, one head each)"):
            cursor.execute(
                """
                INSERT INTO households_membership (created_at, updated_at, household_id,
                    person_id, relation, joined_on, left_reason)
                SELECT now(), now(), %(first)s + (rn - 1) / 3, id,
                       CASE (rn - 1) %% 3 WHEN 0 THEN 'head' WHEN 1 THEN 'spouse' ELSE 'child' END,
                       date '2015-01-01', ''
                FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM households_person) p
                """,
                {"first": first_household},
            )
        with step("GIN trigram index on names"):
            cursor.execute(
                "CREATE INDEX person_name_trgm ON households_person "
                "USING gin (search_name gin_trgm_ops)"
            )
        # VACUUM as well: right after a bulk load every first read of a page sets hint bits and
        # writes the page back, which a live database (autovacuumed) does not do on each search.
        with step("VACUUM ANALYZE"):
            cursor.execute("VACUUM ANALYZE")


def misspell(name: str, rng: random.Random) -> str:
    """One plausible spelling mistake: a confusable letter, or a dropped mark."""
    positions = [i for i, char in enumerate(name) if char in CONFUSABLE]
    if positions:
        i = rng.choice(positions)
        return name[:i] + CONFUSABLE[name[i]] + name[i + 1 :]
    i = rng.randrange(len(name))
    return name[:i] + name[i + 1 :] if name[i] != " " else name


def id_formats(nid: str, rng: random.Random) -> str:
    from ppaos.thai.thai_digits import to_thai_digits
    from ppaos.thai.thai_id import format_national_id

    choice = rng.randrange(4)
    if choice == 0:
        return nid
    if choice == 1:
        return format_national_id(nid)
    if choice == 2:
        return format_national_id(nid).replace("-", " ")
    return to_thai_digits(format_national_id(nid))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def time_queries(user, texts: list[str], wanted: list[int]) -> tuple[list[float], int]:
    from households.selectors import SEARCH_LIMIT, search_persons

    timings, hits = [], 0
    for text, target in zip(texts, wanted, strict=True):
        start = time.perf_counter()
        # What a search answers: its first page of results (the API's and the pages' page size).
        results = list(search_persons(user, text=text)[:SEARCH_LIMIT])
        timings.append((time.perf_counter() - start) * 1000)
        hits += any(person.pk == target for person in results)
    return timings, hits


def main() -> None:
    args = parse_args()
    os.environ["DATABASE_URL"] = server_url(args.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ppaos.settings.base")
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    print(f"Search benchmark · database {args.database} · {args.persons:,} persons")
    fresh = not (args.reuse and database_exists(args.database))
    if fresh:
        admin_execute(f'DROP DATABASE IF EXISTS "{args.database}"')
        admin_execute(f'CREATE DATABASE "{args.database}"')

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from households.models import Person
    from ppaos.accounts.models import Role
    from tests.factories import UserFactory, assign

    if fresh:
        with step("migrations"):
            call_command("migrate", verbosity=0)
        seed(args.persons, args.seed)
    # Two scopes, as the policy gives them: a provincial officer sees the whole province (every
    # seeded person), a facilitator one subdistrict (about 1/53 of them). The planner may take a
    # different path for each (name index first, or area first), so both are timed.
    scopes = [
        (
            "province",
            assign(UserFactory(username="bench_officer_49"), Role.PROVINCIAL_OFFICER, "49"),
        ),
        (
            "subdistrict",
            assign(UserFactory(username="bench_facilitator_490101"), Role.FACILITATOR, "490101"),
        ),
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM households_person")
        total = cursor.fetchone()[0]
        cursor.execute("SELECT min(id), max(id) FROM households_person")
        low, high = cursor.fetchone()
        cursor.execute(
            "SELECT m.person_id FROM households_membership m "
            "JOIN households_household h ON h.id = m.household_id "
            "WHERE m.left_on IS NULL AND h.area_id LIKE '490101%%' ORDER BY m.person_id"
        )
        subdistrict_ids = [row[0] for row in cursor.fetchall()]
    print(f"  persons in the database: {total:,} · in subdistrict 490101: {len(subdistrict_ids):,}")

    rng = random.Random(args.seed)
    kinds = [(scope, kind) for scope, _ in scopes for kind in ("national ID", "Thai name")]
    per_kind: dict[tuple[str, str], list[tuple[float, float]]] = {key: [] for key in kinds}
    hit_rates: dict[tuple[str, str], list[float]] = {key: [] for key in kinds}
    for run in range(1, args.runs + 1):
        for scope, user in scopes:
            if scope == "province":
                candidates = [rng.randint(low, high) for _ in range(args.queries * 2)]
            else:
                candidates = rng.sample(subdistrict_ids, min(len(subdistrict_ids), args.queries))
            targets = list(
                Person.objects.filter(pk__in=candidates).values_list(
                    "pk", "national_id", "first_name", "last_name"
                )[: args.queries]
            )
            ids = [id_formats(nid, rng) for _, nid, _, _ in targets]
            names = [misspell(f"{first} {last}", rng) for _, _, first, last in targets]
            wanted = [pk for pk, *_ in targets]
            for kind, texts in (("national ID", ids), ("Thai name", names)):
                timings, hits = time_queries(user, texts, wanted)
                p50, p95 = percentile(timings, 50), percentile(timings, 95)
                per_kind[scope, kind].append((p50, p95))
                hit_rates[scope, kind].append(hits / len(texts))
                print(
                    f"  run {run} · {scope:11} · {kind:11} · {len(texts)} queries · "
                    f"p50 {p50:7.1f} ms · p95 {p95:7.1f} ms · max {max(timings):7.1f} ms · "
                    f"target found {hits}/{len(texts)}"
                )

    print("\nSummary over runs (ms):")
    for (scope, kind), rows in per_kind.items():
        p50s = [p50 for p50, _ in rows]
        p95s = [p95 for _, p95 in rows]
        print(
            f"  {scope:11} {kind:11} p50 min {min(p50s):7.1f} median {statistics.median(p50s):7.1f}"
            f" · p95 min {min(p95s):7.1f} median {statistics.median(p95s):7.1f} · "
            f"target found {statistics.mean(hit_rates[scope, kind]):.1%}"
        )
    if args.drop:
        connection.close()
        admin_execute(f'DROP DATABASE IF EXISTS "{args.database}"')


if __name__ == "__main__":
    main()
