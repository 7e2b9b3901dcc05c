"""The evaluation tables (monitoring.models.TransitionCell, OutcomeStratum), written with the
roll-ups: the transitions page reads them instead of joining two rounds of records per request.

- `build(cursor)` counts both tables from the records for every pair of rounds into new tables
  (`<table>_new`), taking no lock on the tables readers use; `swap(cursor)` puts them in place
  (a drop and two renames: ACCESS EXCLUSIVE for that moment only, under SWAP_LOCK_TIMEOUT).
  monitoring.rollup.full_rebuild calls `build` in its unlocked build phase and `swap` in its
  swap transaction, so the tables and the roll-ups change together and carry the same
  RollupRefresh.
- `refresh_areas(village_codes)` recounts what the villages touch, in its own transaction under
  the roll-up writer's advisory lock (rollup.LOCK_KEY): called right after a refresh of the
  roll-ups commits. It deletes and inserts the rows of the areas concerned (plain row locks:
  readers keep reading the committed rows), namely every area where a household with a result
  or a referral in the villages has a result, and every area paired in a stored row with one of
  the villages (a household whose result there was deleted is recounted on its other side).
  When the rounds themselves changed (a first result of a new round) it builds and swaps.

Both recount from the records, so a refresh run twice changes nothing. Pairs of rounds: every
earlier round with every later one (with R rounds, R(R-1)/2 pairs; the counting grows with it).
"""

import time
from itertools import combinations

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

RESULTS = "households_classificationresult"
TRANSITIONS = "monitoring_transitioncell"
STRATA = "monitoring_outcomestratum"
PENDING = "monitoring_pendingevaluationvillage"  # models.PendingEvaluationVillage

# The rounds with results, by a loose scan of result_round_level_idx (one index probe a round).
_ROUNDS_SQL = f"""
WITH RECURSIVE y(fy) AS (
    SELECT min(fiscal_year) FROM {RESULTS}
    UNION ALL
    SELECT (SELECT min(fiscal_year) FROM {RESULTS} WHERE fiscal_year > y.fy)
      FROM y WHERE y.fy IS NOT NULL
)
SELECT fy FROM y WHERE fy IS NOT NULL ORDER BY fy
"""

_RANK = """(CASE {0} WHEN 'in_hardship' THEN 0 WHEN 'struggling' THEN 1
                      WHEN 'getting_by' THEN 2 ELSE 3 END)"""

# One pair of rounds, one join of the two rounds' results feeding both tables:
# - transition cells: households by (area, level) in each round ('' where no result);
# - outcome strata: households with a result in both, by the first round's area and level, all
#   of them (kind '') and those helped with each kind (any completed referral of the household,
#   whatever its date), with how many improved.
# {only}: the households recounted (a refresh), {keep_cells} / {keep_strata}: the rows of the
# areas recounted, {helped_only}: the referrals of those households.
_PAIR_SQL = f"""
WITH a AS (
    SELECT household_id, area_id, level FROM {RESULTS} WHERE fiscal_year = %(from)s {{only}}
), b AS (
    SELECT household_id, area_id, level FROM {RESULTS} WHERE fiscal_year = %(to)s {{only}}
), helped AS (
    SELECT f.household_id AS hh, array_agg(DISTINCT s.kind) AS kinds
      FROM referrals_referral f JOIN referrals_service s ON s.id = f.service_id
     WHERE f.status = 'completed' AND f.household_id IS NOT NULL {{helped_only}}
     GROUP BY f.household_id
), pairs AS MATERIALIZED (
    SELECT a.household_id IS NOT NULL AND b.household_id IS NOT NULL AS both_rounds,
           a.area_id AS from_area, b.area_id AS to_area, a.level AS from_level,
           b.level AS to_level, h.kinds,
           {_RANK.format("b.level")} > {_RANK.format("a.level")} AS improved
      FROM a FULL JOIN b ON b.household_id = a.household_id
      LEFT JOIN helped h ON h.hh = a.household_id
), cells AS (
    INSERT INTO {TRANSITIONS} (from_year, to_year, from_area, to_area, from_level, to_level,
                               households)
    SELECT %(from)s, %(to)s, coalesce(from_area, ''), coalesce(to_area, ''),
           coalesce(from_level, ''), coalesce(to_level, ''), count(*)
      FROM pairs WHERE true {{keep_cells}}
     GROUP BY 3, 4, 5, 6
)
INSERT INTO {STRATA} (from_year, to_year, area_code, start_level, kind, households, improved)
SELECT %(from)s, %(to)s, from_area, from_level, '', count(*), sum(improved::int)
  FROM pairs WHERE both_rounds {{keep_strata}} GROUP BY from_area, from_level
UNION ALL
SELECT %(from)s, %(to)s, from_area, from_level, k.kind, count(*), sum(improved::int)
  FROM pairs CROSS JOIN LATERAL unnest(kinds) AS k(kind)
 WHERE both_rounds {{keep_strata}} GROUP BY from_area, from_level, k.kind
"""

# Memory for the join of two rounds (this transaction only), as monitoring.rollup's refreshes.
WORK_MEM = getattr(settings, "MONITORING_ROLLUP_WORK_MEM", "256MB")
# How long a swap waits for the readers in front of it before it gives up (the rebuild fails and
# the next one tries again): a swap waiting for its lock would hold every later reader behind it.
SWAP_LOCK_TIMEOUT = getattr(settings, "MONITORING_SWAP_LOCK_TIMEOUT", "5s")
# When refresh_areas last committed (a Redis key; monitoring.selectors._cached keys the matrix
# and the outcomes by it as well as by the newest RollupRefresh).
WRITTEN_KEY = "ppaos:monitoring:evaluation-written"


def _rounds(cursor) -> list[int]:
    cursor.execute(_ROUNDS_SQL)
    return [row[0] for row in cursor.fetchall()]


def _stored_pairs(cursor) -> set[tuple[int, int]]:
    """The pairs of rounds in the table, by a loose scan of its primary key (no table scan)."""
    cursor.execute(
        f"""
        WITH RECURSIVE p AS (
            (SELECT from_year, to_year FROM {TRANSITIONS} ORDER BY 1, 2 LIMIT 1)
            UNION ALL
            SELECT n.from_year, n.to_year FROM p CROSS JOIN LATERAL (
                SELECT from_year, to_year FROM {TRANSITIONS}
                 WHERE (from_year, to_year) > (p.from_year, p.to_year) ORDER BY 1, 2 LIMIT 1) n
        )
        SELECT from_year, to_year FROM p
        """
    )
    return {tuple(row) for row in cursor.fetchall()}


def _new(table: str, suffix: str) -> str:
    return f"{table}{suffix}"


def build(cursor, suffix: str = "_new") -> None:
    """Both tables counted from the records into `<table><suffix>` (the live tables untouched).
    The full rebuild builds without the advisory lock: a refresh that rebuilds (a new round)
    uses another suffix, so the two never write the same new table."""
    cursor.execute("SELECT set_config('work_mem', %s, true)", [WORK_MEM])
    for table in (TRANSITIONS, STRATA):
        cursor.execute(f"DROP TABLE IF EXISTS {_new(table, suffix)}")
        # the columns, NOT NULLs, CHECKs, primary key and indexes of the live table
        cursor.execute(f"CREATE TABLE {_new(table, suffix)} (LIKE {table} INCLUDING ALL)")
    sql = _PAIR_SQL.replace(TRANSITIONS, _new(TRANSITIONS, suffix)).replace(
        STRATA, _new(STRATA, suffix)
    )
    sql = sql.format(only="", keep_cells="", keep_strata="", helped_only="")
    for first, second in combinations(_rounds(cursor), 2):
        cursor.execute(sql, {"from": first, "to": second})
    for table in (TRANSITIONS, STRATA):
        cursor.execute(f"ANALYZE {_new(table, suffix)}")


def swap(cursor, suffix: str = "_new") -> None:
    """The tables `build` made in place of the live ones (inside the caller's transaction, which
    should hold the writer's advisory lock); their indexes take the names the migrations know."""
    cursor.execute("SELECT set_config('lock_timeout', %s, true)", [SWAP_LOCK_TIMEOUT])
    for table in (TRANSITIONS, STRATA):
        cursor.execute(
            "SELECT indexname, split_part(indexdef, ' USING ', 2) FROM pg_indexes "
            "WHERE tablename = %s",
            [table],
        )
        names = {columns: name for name, columns in cursor.fetchall()}
        cursor.execute(f"DROP TABLE {table}")
        cursor.execute(f"ALTER TABLE {_new(table, suffix)} RENAME TO {table}")
        cursor.execute(
            "SELECT indexname, split_part(indexdef, ' USING ', 2) FROM pg_indexes "
            "WHERE tablename = %s",
            [table],
        )
        for name, columns in cursor.fetchall():
            if names.get(columns, name) != name:
                # renaming a primary key's index renames the constraint with it
                cursor.execute(f'ALTER INDEX "{name}" RENAME TO "{names[columns]}"')


def queue_villages(cursor, village_codes) -> None:
    """Queue villages for `drain_pending` (in the caller's transaction)."""
    codes = sorted({c for c in village_codes if c and len(c) == 8})
    if codes:
        cursor.execute(
            f"INSERT INTO {PENDING} (code, queued_at) "
            "SELECT unnest(%s::varchar[]), now() ON CONFLICT (code) DO NOTHING",
            [codes],
        )


EVERYTHING = "*"  # queued by the roll-ups' full rebuild: both tables rebuilt whole


def queue_rebuild(cursor) -> None:
    """Queue a rebuild of both tables (in the caller's transaction): it replaces every village
    queued so far."""
    cursor.execute(f"DELETE FROM {PENDING}")
    cursor.execute(f"INSERT INTO {PENDING} (code, queued_at) VALUES (%s, now())", [EVERYTHING])


def drain_pending() -> int:
    """Recount the queued villages, or rebuild both tables when a full rebuild asked for it
    (claimed with DELETE … RETURNING in the transaction that does it: a crash rolls the claim
    back). Returns how many entries it took."""
    with transaction.atomic(), connection.cursor() as cursor:
        _lock(cursor)
        cursor.execute(f"DELETE FROM {PENDING} RETURNING code")
        codes = sorted(row[0] for row in cursor.fetchall())
        if EVERYTHING in codes:
            build(cursor)
            swap(cursor)  # sets this transaction's lock_timeout for its renames
            _mark_written()
        elif codes:
            _refresh_locked(cursor, codes)
    return len(codes)


def refresh_areas(village_codes) -> None:
    """Recount what the villages touch, now (its own transaction)."""
    codes = sorted({c for c in village_codes if c and len(c) == 8})
    if not codes:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        _lock(cursor)
        _refresh_locked(cursor, codes)


def _lock(cursor) -> None:
    from .rollup import LOCK_KEY  # noqa: PLC0415 (rollup imports this module)

    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _refresh_locked(cursor, codes: list[str]) -> None:
    _refresh(cursor, codes)
    _mark_written()


def _mark_written() -> None:
    # The tables commit after the roll-ups' refresh (a RollupRefresh already read by the pages):
    # the cached answers that read these tables are keyed by this mark too.
    transaction.on_commit(lambda: cache.set(WRITTEN_KEY, time.time_ns(), None))


def _refresh(cursor, codes: list[str]) -> None:
    rounds = _rounds(cursor)
    pairs = list(combinations(rounds, 2))
    if set(pairs) != _stored_pairs(cursor):
        build(cursor, "_fresh")  # a round appeared or went: every household gains or loses a pair
        swap(cursor, "_fresh")
        return
    cursor.execute("SELECT set_config('work_mem', %s, true)", [WORK_MEM])
    # The households with a result or a referral in the villages, and every area where one of
    # their results sits: all rows of those areas are recounted (a household that moved has its
    # "left" row in the village it came from, and its stratum where it started). The ids go
    # through arrays so that PostgreSQL looks them up by index (as a semi-join it scans).
    cursor.execute(
        f"""
        SELECT array_agg(DISTINCT r.area_id) FROM {RESULTS} r
         WHERE r.household_id = ANY(ARRAY(
             SELECT household_id FROM {RESULTS} WHERE area_id = ANY(%(codes)s)
             UNION
             SELECT household_id FROM referrals_referral
              WHERE area_id = ANY(%(codes)s) AND household_id IS NOT NULL))
        """,
        {"codes": codes},
    )
    areas = set(cursor.fetchone()[0] or []) | set(codes)
    # And the other side of every stored row of the villages: a household whose result in a
    # village was deleted is no longer found above, but its stored row names where it went (or
    # came from), whose rows must lose it. The stored strata are by the first round's area only.
    cursor.execute(
        f"""
        SELECT array_agg(DISTINCT v.a)
          FROM unnest(%(froms)s::int[], %(tos)s::int[]) p(f, t)
         CROSS JOIN LATERAL (
             SELECT from_area, to_area FROM {TRANSITIONS}
              WHERE from_year = p.f AND to_year = p.t AND from_area = ANY(%(codes)s)
             UNION ALL
             SELECT from_area, to_area FROM {TRANSITIONS}
              WHERE from_year = p.f AND to_year = p.t AND to_area = ANY(%(codes)s)
         ) s
         CROSS JOIN LATERAL (VALUES (s.from_area), (s.to_area)) v(a)
         WHERE v.a <> ''
        """,
        {"codes": codes, "froms": [p[0] for p in pairs], "tos": [p[1] for p in pairs]},
    )
    areas = sorted(areas | set(cursor.fetchone()[0] or []))
    cursor.execute(
        f"SELECT coalesce(array_agg(DISTINCT household_id), '{{}}') FROM {RESULTS} "
        "WHERE area_id = ANY(%s)",
        [areas],
    )
    households = cursor.fetchone()[0]
    sql = _PAIR_SQL.format(
        only="AND household_id = ANY(%(households)s)",
        keep_cells="AND (from_area = ANY(%(areas)s) OR to_area = ANY(%(areas)s))",
        keep_strata="AND from_area = ANY(%(areas)s)",
        helped_only="AND f.household_id = ANY(%(households)s)",
    )
    for first, second in pairs:
        params = {"from": first, "to": second, "areas": areas, "households": households}
        cursor.execute(
            f"DELETE FROM {TRANSITIONS} WHERE from_year = %(from)s AND to_year = %(to)s "
            "AND (from_area = ANY(%(areas)s) OR to_area = ANY(%(areas)s))",
            params,
        )
        cursor.execute(
            f"DELETE FROM {STRATA} WHERE from_year = %(from)s AND to_year = %(to)s "
            "AND area_code = ANY(%(areas)s)",
            params,
        )
        cursor.execute(sql, params)


# --- reads ------------------------------------------------------------------------------------


# Whether the tables hold the pair of rounds (two rounds with results always give rows): not
# after `migrate` until the roll-ups are rebuilt (manage.py rebuild_rollups). Each read below
# answers it in the same query (a row with it even when the area has no rows).
_STORED = f"""(SELECT EXISTS (SELECT 1 FROM {TRANSITIONS}
                              WHERE from_year = %(from)s AND to_year = %(to)s))"""


def transition_counts(
    prefix: str, from_year: int, to_year: int, out: str, database: str | None = None
) -> dict:
    """{(level then or `out`, level now or `out`): households} for the area `prefix`: a
    household is in a round's column where its result that round lies in the area; None when
    the pair of rounds is not computed yet. Read from `database` (an alias; the caller picks it
    once for all the reads of an answer)."""
    with connections[database or DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(
            f"""
            SELECT {_STORED}, c.* FROM (VALUES (1)) one LEFT JOIN (
                SELECT CASE WHEN starts_with(from_area, %(prefix)s) THEN from_level
                            ELSE %(out)s END,
                       CASE WHEN starts_with(to_area, %(prefix)s) THEN to_level
                            ELSE %(out)s END,
                       sum(households)
                  FROM {TRANSITIONS}
                 WHERE from_year = %(from)s AND to_year = %(to)s
                   AND (starts_with(from_area, %(prefix)s) OR starts_with(to_area, %(prefix)s))
                 GROUP BY 1, 2
            ) c ON true
            """,
            {"prefix": prefix, "from": from_year, "to": to_year, "out": out},
        )
        rows = cursor.fetchall()
    if not rows[0][0]:
        return None
    return {(a, b): int(n) for _stored, a, b, n in rows if n is not None}


def outcome_sums(
    prefix: str, from_year: int, to_year: int, database: str | None = None
) -> list[tuple]:
    """For each kind of help given to households of the area `prefix` surveyed in both rounds:
    (kind, helped, helped who improved, compared (not helped with it, in strata holding helped
    ones), the weight (helped in those strata), the weighted share of the compared who
    improved: Σ helped × improved / compared over those strata); None when the pair of rounds
    is not computed yet. Read from `database`."""
    with connections[database or DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(
            f"""
            WITH s AS (
                SELECT area_code, start_level, kind, households AS n, improved AS up
                  FROM {STRATA}
                 WHERE from_year = %(from)s AND to_year = %(to)s
                   AND starts_with(area_code, %(prefix)s)
            )
            SELECT {_STORED}, o.* FROM (VALUES (1)) one LEFT JOIN (
            SELECT h.kind, sum(h.n), sum(h.up),
                   coalesce(sum(a.n - h.n) FILTER (WHERE a.n > h.n), 0),
                   coalesce(sum(h.n) FILTER (WHERE a.n > h.n), 0),
                   coalesce(sum(h.n * (a.up - h.up)::numeric / (a.n - h.n))
                            FILTER (WHERE a.n > h.n), 0)
              FROM s h
              JOIN s a ON a.area_code = h.area_code AND a.start_level = h.start_level
                      AND a.kind = ''
             WHERE h.kind <> ''
             GROUP BY h.kind
            ) o ON true
             ORDER BY o.kind
            """,
            {"prefix": prefix, "from": from_year, "to": to_year},
        )
        rows = cursor.fetchall()
    if not rows[0][0]:
        return None
    return [row[1:] for row in rows if row[1] is not None]
