"""Writing the roll-ups (monitoring.models.AreaRollup): PostgreSQL does the counting.

Figures come from three sources: households (a classification result per round, its current
members), referrals and the welfare registry.

- Households are counted through `HouseholdFigure`: one row per classification result with what
  it adds to its village (its level, its members by group). The village rows of the household
  figures are the sums of those rows, so a change to a household is refreshed by recomputing that
  household's rows from its records and adding the difference (new rows minus old) to its
  village and each ancestor: the cost follows the changed households, not the villages.
- Referrals and registrants are few per village (≈ 20 and a handful): a village queued for them
  is recounted from its records and the difference from its stored figures is carried up.
- `full_rebuild()` counts the persons once into a fresh HouseholdFigure table, sums it and the
  other sources per village, and `GROUP BY ROLLUP` (province → district → subdistrict → village)
  into a fresh AreaRollup; both are swapped in inside the same transaction.
- `mark_households_dirty(ids)` / `mark_villages_dirty(codes)` queue the change (PendingHousehold,
  PendingVillage) and schedule one drain per debounce window (a Redis key), so a batch of 500
  verifications costs one refresh. `refresh_villages(codes)` recounts everything of the villages
  (all their households too) for a caller that knows only the villages.

Recomputing from the records makes every refresh idempotent (a household refreshed twice, or
after a rebuild that already saw the change, gets a difference of zero). Records are counted
where they sit in a village (an 8-digit code); a record filed at a higher level only is not in
the figures. Zero figures are not stored (a missing row reads as 0).
"""

import datetime as dt
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from . import evaluation
from .models import AreaRollup, HouseholdFigure, PendingHousehold, PendingVillage, RollupRefresh

TABLE = AreaRollup._meta.db_table
HF_TABLE = HouseholdFigure._meta.db_table
LOCK_KEY = 4_913_001  # pg advisory lock: one writer of the roll-ups at a time
DEBOUNCE_SECONDS = getattr(settings, "MONITORING_DEBOUNCE_SECONDS", 30)
_DEBOUNCE_KEY = "ppaos:monitoring:drain-scheduled"

# The HouseholdFigure columns, in the order every statement below writes them.
_HF_COLUMNS = (
    "household_id, result_id, area_code, fiscal_year, level, target_poor, persons, disability, "
    "chronic_illness, bedridden, elderly, child"
)

# One row per classification result filed in a village: its level and its household's current
# members counted by group. The members are counted per household first (3 M persons into 1 M
# households, in parallel), then joined to the results: a person is read once, not once per
# round. The age groups depend on the round (ages at 1 October of it): the household's count is
# made for each round there is (`_age_columns`, one FILTER each), and a round missing from that
# list (a result written since it was read) is counted on its own by the ELSE. Ages are compared
# as dates (born on or before the cut-off), which equals age() at 1 October of the round.
# `{and_member}` / `{and_result}` narrow to the households being refreshed.
_FIGURES_SQL = """
SELECT r.household_id::bigint AS household_id, r.id::bigint AS result_id,
       r.area_id::varchar(8) AS area_code, r.fiscal_year::smallint AS fiscal_year,
       r.level::varchar(12) AS level, r.target_poor,
       coalesce(m.persons, 0)::smallint AS persons,
       coalesce(m.disability, 0)::smallint AS disability,
       coalesce(m.chronic_illness, 0)::smallint AS chronic_illness,
       coalesce(m.bedridden, 0)::smallint AS bedridden,
       coalesce(CASE r.fiscal_year {elderly_cases} ELSE (
           SELECT count(*) FROM households_membership ms2
             JOIN households_person p2 ON p2.id = ms2.person_id
            WHERE ms2.household_id = r.household_id AND ms2.left_on IS NULL
              AND p2.birth_date <= make_date(r.fiscal_year - 604, 10, 1)) END, 0)::smallint
           AS elderly,
       coalesce(CASE r.fiscal_year {child_cases} ELSE (
           SELECT count(*) FROM households_membership ms2
             JOIN households_person p2 ON p2.id = ms2.person_id
            WHERE ms2.household_id = r.household_id AND ms2.left_on IS NULL
              AND p2.birth_date > make_date(r.fiscal_year - 562, 10, 1)) END, 0)::smallint
           AS child
  FROM households_classificationresult r
  LEFT JOIN (SELECT ms.household_id, count(*) AS persons,
                    count(*) FILTER (WHERE p.has_disability) AS disability,
                    count(*) FILTER (WHERE p.has_chronic_illness) AS chronic_illness,
                    count(*) FILTER (WHERE p.is_bedridden) AS bedridden {age_columns}
               FROM households_membership ms
               JOIN households_person p ON p.id = ms.person_id
              WHERE ms.left_on IS NULL {and_member}
              GROUP BY 1) m ON m.household_id = r.household_id
 WHERE length(r.area_id) = 8 {and_result}
"""


def _fiscal_years(cursor) -> list[int]:
    """The rounds that have results (a skip scan of result_round_level_idx: one probe a round)."""
    cursor.execute(
        "WITH RECURSIVE y AS (SELECT min(fiscal_year) AS fy FROM households_classificationresult"
        " UNION ALL SELECT (SELECT min(fiscal_year) FROM households_classificationresult"
        " WHERE fiscal_year > y.fy) FROM y WHERE y.fy IS NOT NULL)"
        " SELECT fy FROM y WHERE fy IS NOT NULL"
    )
    return [int(row[0]) for row in cursor.fetchall()]


def _figures_sql(cursor, households: bool) -> str:
    years = _fiscal_years(cursor)
    # WHEN 0 (no round is 0) keeps the CASE valid when there are no results at all.
    ages, elderly, child = [], ["WHEN 0 THEN 0"], ["WHEN 0 THEN 0"]
    for fy in years:  # integers from the database, written into the statement
        ages.append(
            f", count(*) FILTER (WHERE p.birth_date <= make_date({fy - 604}, 10, 1)) AS e{fy}"
            f", count(*) FILTER (WHERE p.birth_date > make_date({fy - 562}, 10, 1)) AS c{fy}"
        )
        elderly.append(f"WHEN {fy} THEN m.e{fy}")
        child.append(f"WHEN {fy} THEN m.c{fy}")
    return _FIGURES_SQL.format(
        age_columns="".join(ages),
        elderly_cases=" ".join(elderly),
        child_cases=" ".join(child),
        and_member="AND ms.household_id IN (SELECT household_id FROM _hh)" if households else "",
        and_result="AND r.household_id IN (SELECT household_id FROM _hh)" if households else "",
    )


# The figures one HouseholdFigure row `{h}` adds to its village, as (metric, value) rows.
_HF_METRICS = """(VALUES ('hh', 1), ('level:' || {h}.level, 1),
         ('target_poor', {h}.target_poor::int),
         ('persons', {h}.persons), ('persons:disability', {h}.disability),
         ('persons:chronic_illness', {h}.chronic_illness), ('persons:bedridden', {h}.bedridden),
         ('persons:elderly', {h}.elderly), ('persons:child', {h}.child)) AS m(metric, value)"""

# The metrics counted from households (the others come from referrals and the registry).
HOUSEHOLD_METRICS = [
    "hh",
    "target_poor",
    "persons",
    "persons:disability",
    "persons:chronic_illness",
    "persons:bedridden",
    "persons:elderly",
    "persons:child",
]
_IS_HOUSEHOLD_METRIC = "(metric = ANY(%(household_metrics)s) OR metric LIKE 'level:%%')"

# The household figures per village and round, from a HouseholdFigure table (the full rebuild's
# fresh one): counted per village, round and level first (one parallel scan), then the level
# counts as they are and the other figures summed over the levels (a few tens of thousands of
# rows), so the ROLLUP above sums one row per village, round and figure.
_HOUSEHOLD_VILLAGE_SQL = """
SELECT v.code, v.fy, 'level:' || v.level AS metric, v.n AS value
  FROM ({by_level}) v
UNION ALL
SELECT v.code, v.fy, m.metric, m.value
  FROM (SELECT code, fy, sum(n) AS n, sum(target_poor) AS target_poor, sum(persons) AS persons,
               sum(disability) AS disability, sum(chronic_illness) AS chronic_illness,
               sum(bedridden) AS bedridden, sum(elderly) AS elderly, sum(child) AS child
          FROM ({by_level}) l GROUP BY 1, 2) v
 CROSS JOIN LATERAL (VALUES ('hh', v.n), ('target_poor', v.target_poor), ('persons', v.persons),
                            ('persons:disability', v.disability),
                            ('persons:chronic_illness', v.chronic_illness),
                            ('persons:bedridden', v.bedridden), ('persons:elderly', v.elderly),
                            ('persons:child', v.child)) AS m(metric, value)
"""
_BY_LEVEL_SQL = """
SELECT h.area_code AS code, h.fiscal_year AS fy, h.level, count(*) AS n,
       count(*) FILTER (WHERE h.target_poor) AS target_poor, sum(h.persons) AS persons,
       sum(h.disability) AS disability, sum(h.chronic_illness) AS chronic_illness,
       sum(h.bedridden) AS bedridden, sum(h.elderly) AS elderly, sum(h.child) AS child
  FROM {hf} h
 GROUP BY 1, 2, 3
"""


def _household_village_sql(hf: str) -> str:
    by_level = _BY_LEVEL_SQL.format(hf=hf)
    return f"WITH by_level AS MATERIALIZED ({by_level}) " + _HOUSEHOLD_VILLAGE_SQL.format(
        by_level="SELECT * FROM by_level"
    )


# Referral and registry figures per village and round. Each source is counted per village first
# (one scan, FILTER counts), then unpivoted into (code, fy, metric, value) rows. Records filed
# above village level are dropped after the counting (length(code) = 8 on the groups): on the
# scans the planner cannot estimate it and would pick nested loops (OFFSET 0 keeps PostgreSQL
# from pushing the filter back down into the scans). `{and_referral}` etc. narrow to the
# villages being refreshed.
_VILLAGE_SQL = """
SELECT v.code, v.fy, m.metric, m.value
  FROM (SELECT f.area_id AS code, y.fy, f.status, f.agency_id, s.kind, y.days, count(*) AS n,
               sum(y.overdue) AS overdue, sum(y.done) AS done,
               sum(CASE WHEN y.done = 1 THEN coalesce(f.help_value, 0) ELSE 0 END) AS help_value
          FROM referrals_referral f
          JOIN referrals_service s ON s.id = f.service_id
         CROSS JOIN LATERAL (
             SELECT (extract(year FROM f.created_at AT TIME ZONE 'Asia/Bangkok')::int + 543
                     + CASE WHEN extract(month FROM f.created_at AT TIME ZONE 'Asia/Bangkok') >= 10
                            THEN 1 ELSE 0 END) AS fy,
                    (f.due_on IS NOT NULL AND f.due_on < %(today)s
                     AND f.status IN ('approved', 'accepted', 'in_progress'))::int AS overdue,
                    (f.status = 'completed')::int AS done,
                    least(365, greatest(0, floor(extract(epoch FROM
                        f.completed_at - coalesce(f.submitted_at, f.created_at)) / 86400)))::int
                        AS days
         ) y
         WHERE f.status <> 'draft' {and_referral}
         GROUP BY 1, 2, 3, 4, 5, 6 OFFSET 0) v
 CROSS JOIN LATERAL (VALUES ('ref:' || v.status, v.n), ('ref_overdue', v.overdue),
                            ('help_count', v.done), ('help_value', v.help_value),
                            ('help_kind:' || v.kind, v.done),
                            ('agency:' || v.agency_id || ':total', v.n),
                            ('agency:' || v.agency_id || ':overdue', v.overdue),
                            ('agency:' || v.agency_id || ':completed', v.done),
                            ('agency:' || v.agency_id || ':help_value', v.help_value),
                            ('ref_days:' || v.days, v.done),
                            ('agency:' || v.agency_id || ':days:' || v.days, v.done))
       AS m(metric, value)
 WHERE m.value <> 0 AND m.metric IS NOT NULL AND length(v.code) = 8
UNION ALL
SELECT v.code, 0, m.metric, m.value
  FROM (SELECT w.area_id AS code, lf.finding, count(*) AS n
          FROM households_welfareregistrant w
          LEFT JOIN LATERAL (SELECT rf.finding FROM households_registrantfinding rf
                              WHERE rf.registrant_id = w.id
                              ORDER BY rf.created_at DESC, rf.id DESC LIMIT 1) lf ON true
         WHERE true {and_registrant}
         GROUP BY 1, 2 OFFSET 0) v
 CROSS JOIN LATERAL (VALUES ('reg_total', v.n),
                            ('reg_reviewed', CASE WHEN v.finding IS NOT NULL THEN v.n ELSE 0 END),
                            ('reg_finding:' || v.finding,
                             CASE WHEN v.finding IS NOT NULL THEN v.n ELSE 0 END))
       AS m(metric, value)
 WHERE m.value <> 0 AND m.metric IS NOT NULL AND length(v.code) = 8
"""


def _village_sql(villages: bool) -> str:
    if not villages:
        return _VILLAGE_SQL.format(and_referral="", and_registrant="")
    return _VILLAGE_SQL.format(
        and_referral="AND f.area_id = ANY(%(codes)s)",
        and_registrant="AND w.area_id = ANY(%(codes)s)",
    )


# The ROLLUP sorts some 700,000 village rows by round, figure and code: compared byte-wise
# (COLLATE "C": codes and figure names are ASCII, so the order is the same) rather than through
# the database's locale, which cost more than the counting; the columns made go back to the
# default collation, as the migrations define them.
# CREATE TABLE … AS, not INSERT … SELECT: PostgreSQL 15 plans the SELECT of a CREATE TABLE AS
# in parallel (scans and hash joins over the persons on every core) but never an INSERT's.
# Columns typed as monitoring_arearollup's; the constraints and indexes follow (_finish_table).
# The rows are written in the primary key's order (byte-wise, which is the order of these ASCII
# codes and names): the key's sort then finds them sorted, and the round index nearly so (at
# 1 M, 0.2–0.3 s against 0.7–0.9 s for the key, 0.45–0.6 against 0.75 for the index; the sort
# itself is lost in the noise of the statement).
_ROLLUP_SQL = """
CREATE TABLE {target} AS
SELECT area_code::varchar(8) COLLATE "default" AS area_code,
       (CASE length(area_code) WHEN 2 THEN 'province' WHEN 4 THEN 'district'
             WHEN 6 THEN 'subdistrict' ELSE 'village' END)::varchar(12) AS level,
       fy::smallint AS fiscal_year, metric::varchar(40) COLLATE "default" AS metric,
       value::numeric(16, 2) AS value
  FROM (SELECT CASE WHEN grouping(b.code) = 0 THEN b.code
                    WHEN grouping(substr(b.code, 1, 6)) = 0 THEN substr(b.code, 1, 6)
                    WHEN grouping(substr(b.code, 1, 4)) = 0 THEN substr(b.code, 1, 4)
                    WHEN grouping(substr(b.code, 1, 2)) = 0 THEN substr(b.code, 1, 2) END
                   AS area_code,
               b.fy, b.metric, sum(b.value) AS value
          FROM (SELECT s.code COLLATE "C" AS code, s.fy, s.metric COLLATE "C" AS metric, s.value
                  FROM ({base}) s) b
         GROUP BY b.fy, b.metric,
                  ROLLUP (substr(b.code, 1, 2), substr(b.code, 1, 4), substr(b.code, 1, 6),
                          b.code)) t
 WHERE area_code IS NOT NULL AND value <> 0
 ORDER BY t.area_code COLLATE "C", t.fy, t.metric COLLATE "C"
"""


def _params(codes=(), households=()) -> dict:
    return {
        "today": timezone.localdate(),
        "codes": list(codes),
        "households": list(households),
        "household_metrics": HOUSEHOLD_METRICS,
    }


# Memory for the hash joins and aggregates of one refresh (SET LOCAL: this transaction only), so
# a province's persons are joined in memory rather than in batches on disk.
WORK_MEM = getattr(settings, "MONITORING_ROLLUP_WORK_MEM", "256MB")


def _more_memory(cursor) -> None:
    cursor.execute("SELECT set_config('work_mem', %s, true)", [WORK_MEM])
    # and for the rebuild's keys and indexes (sorts of 2 M and 400,000 rows), in memory
    cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [WORK_MEM])


def _no_jit(cursor) -> None:
    """No JIT compilation (this transaction only): compiling a refresh's delta query costs about
    half a second, more than the refresh spends counting; the rebuild's statements spent over
    a second each in it."""
    cursor.execute("SELECT set_config('jit', 'off', true)")


def _parallel(cursor) -> None:
    """Parallel plans for the rebuild's joins and counts (this transaction only): with its
    default costs PostgreSQL joins the 3 M members to their persons and counts them per
    household in one process, the other core idle."""
    cursor.execute("SELECT set_config('parallel_setup_cost', '0', true)")
    cursor.execute("SELECT set_config('parallel_tuple_cost', '0.001', true)")


def _sorted_households(cursor, on: bool) -> None:
    """The household rows of the rebuild counted in household order (sort and group, no hash
    aggregate), this transaction only. The members of the 1,000,000 households are then grouped
    as a stream on each core and merged in order (Gather Merge), rather than a hash table of a
    million groups filled again by the leader alone, and the results join them by a merge; the
    rows come out in household order, which the primary key's sort then finds nearly done.
    Measured at 1 M households (EXPLAIN ANALYZE, alternate runs): 4.1–5.6 s against 6.2–8.6 s."""
    cursor.execute("SELECT set_config('enable_hashagg', %s, true)", ["off" if on else "on"])


def full_rebuild() -> RollupRefresh:
    """Every figure from the records, into new tables swapped in one transaction (its seconds:
    until the swap); then the transitions page's tables are rebuilt in their own.

    The writer lock is held from the start, so no refresh runs between the rebuild's reading of
    the records and its swap (a refresh meanwhile would be lost with the old tables); pages keep
    reading the old tables until the swap.
    """
    started = time.monotonic()
    hf_new, new = f"{HF_TABLE}_new", f"{TABLE}_new"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        # Everything queued so far is counted by this rebuild (its reads come after this claim,
        # in later snapshots); what commits from now on stays queued for the next drain. No
        # clock is compared: a web host's clock may run behind the worker's.
        _claim_queued(cursor)
        # The transitions page's tables are rebuilt whole just after this commits (their own
        # transaction: pages get the new roll-ups without waiting for them); queued here, so a
        # crash between the two leaves the rebuild to the next drain.
        evaluation.queue_rebuild(cursor)
        _more_memory(cursor)
        _no_jit(cursor)
        _parallel(cursor)
        cursor.execute(f"DROP TABLE IF EXISTS {hf_new}, {new}")
        # The rows first, the constraints and indexes after: building an index once is cheaper
        # than keeping it up to date through millions of inserts. The persons are read once,
        # here; everything after reads the household rows.
        _sorted_households(cursor, True)
        cursor.execute(
            f"CREATE UNLOGGED TABLE {hf_new} AS {_figures_sql(cursor, False)}", _params()
        )
        _sorted_households(cursor, False)
        base = _household_village_sql(hf_new) + " UNION ALL " + _village_sql(False)
        cursor.execute(_ROLLUP_SQL.format(target=new, base=base), _params())
        for table, fresh in ((HF_TABLE, hf_new), (TABLE, new)):
            _finish_table(cursor, table, fresh)
            cursor.execute(f"ANALYZE {fresh}")
        for table, fresh in ((HF_TABLE, hf_new), (TABLE, new)):
            _swap(cursor, table, fresh)
        done = RollupRefresh.objects.create(
            kind=RollupRefresh.Kind.FULL, seconds=time.monotonic() - started
        )
        _prune_refresh_log(done)
    evaluation.drain_pending()
    return done


# How long the log of refreshes is kept (the newest row alone is read: "ข้อมูล ณ …" and the
# cache keys); the nightly rebuild removes older rows, which a 30-second drain would otherwise
# pile up by the million.
REFRESH_LOG_DAYS = 30


def _prune_refresh_log(newest: RollupRefresh) -> int:
    """Remove the refreshes older than REFRESH_LOG_DAYS (never `newest`); how many."""
    cutoff = newest.finished_at - dt.timedelta(days=REFRESH_LOG_DAYS)
    removed, _ = RollupRefresh.objects.filter(finished_at__lt=cutoff).exclude(pk=newest.pk).delete()
    return removed


def _swap(cursor, table: str, new: str) -> None:
    """`new` takes the place of `table` (and its indexes the names the migrations know)."""
    old = f"{table}_old"
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY indexname",
        [table],
    )
    old_indexes = cursor.fetchall()
    cursor.execute(f"ALTER TABLE {table} RENAME TO {old}")
    for name, _definition in old_indexes:
        cursor.execute(f'ALTER INDEX "{name}" RENAME TO "{name[:59]}_old"')
    cursor.execute(f"ALTER TABLE {new} RENAME TO {table}")
    cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
    for name, definition in cursor.fetchall():
        for wanted, old_definition in old_indexes:
            if _columns(definition) == _columns(old_definition):
                cursor.execute(f'ALTER INDEX "{name}" RENAME TO "{wanted}"')
                break
    cursor.execute(f"DROP TABLE {old}")


def _columns(index_definition: str) -> str:
    """What a CREATE INDEX text indexes (method and columns), whatever the names."""
    return index_definition.split(" USING ", 1)[1]


def _finish_table(cursor, table: str, new: str) -> None:
    """The NOT NULLs, CHECKs, primary key and every index of `table`, on the table `new` (index
    names end in _new; the swap gives them the names the migrations know). The NOT NULLs, CHECKs
    and key are one ALTER TABLE: PostgreSQL checks them all in one pass over the rows."""
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
        "AND NOT attisdropped AND attnotnull",
        [table],
    )
    changes = [f'ALTER COLUMN "{row[0]}" SET NOT NULL' for row in cursor.fetchall()]
    # CHECK names belong to their table: the new one takes the same names.
    cursor.execute(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('c', 'p') ORDER BY conname",
        [table],
    )
    keys = []
    for name, kind, definition in cursor.fetchall():
        if kind == "p":
            keys.append(name)
            changes.append(f'ADD CONSTRAINT "{new}_pkey" {definition}')
        else:
            changes.append(f'ADD CONSTRAINT "{name}" {definition}')
    if changes:
        cursor.execute(f"ALTER TABLE {new} " + ", ".join(changes))
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname <> ALL(%s)",
        [table, keys],
    )
    for name, definition in cursor.fetchall():
        unique = "UNIQUE " if definition.startswith("CREATE UNIQUE") else ""
        cursor.execute(
            f'CREATE {unique}INDEX "{name[:55]}_new" ON {new} USING {_columns(definition)}'
        )


# One refresh: the households' (`_hh`) new rows (a temporary table `_hf_fresh`, made first)
# against their old ones (deleted here), and the villages' referral and registry figures
# recounted against their stored ones; the differences summed per village, then added to the
# village and each ancestor. The rows left at 0 are returned, to be deleted.
_DELTA_SQL = """
WITH old AS (
    DELETE FROM {hf} WHERE household_id IN (SELECT household_id FROM _hh) RETURNING *
), households AS (
    SELECT h.area_code AS code, h.fiscal_year AS fy, m.metric, m.value AS d
      FROM _hf_fresh h CROSS JOIN LATERAL {metrics}
    UNION ALL
    SELECT h.area_code, h.fiscal_year, m.metric, -m.value
      FROM old h CROSS JOIN LATERAL {metrics}
), villages AS (
    SELECT b.code, b.fy, b.metric, b.value AS d FROM ({village}) b
    UNION ALL
    SELECT area_code, fiscal_year, metric, -value FROM {table}
     WHERE area_code = ANY(%(codes)s) AND NOT {is_household_metric}
), delta AS (
    SELECT code, fy, metric, sum(d) AS d FROM (
        SELECT * FROM households UNION ALL SELECT * FROM villages
    ) u GROUP BY 1, 2, 3
), written AS (
    INSERT INTO {table} AS t (area_code, level, fiscal_year, metric, value)
    SELECT a.code, a.level, d.fy, d.metric, sum(d.d)
      FROM delta d
     CROSS JOIN LATERAL (VALUES (substr(d.code, 1, 2), 'province'),
                                (substr(d.code, 1, 4), 'district'),
                                (substr(d.code, 1, 6), 'subdistrict'),
                                (d.code, 'village')) a(code, level)
     WHERE d.d <> 0
     GROUP BY a.code, a.level, d.fy, d.metric
    ON CONFLICT (area_code, fiscal_year, metric) DO UPDATE SET value = t.value + excluded.value
    RETURNING t.area_code, t.fiscal_year, t.metric, t.value
)
SELECT count(DISTINCT area_code) FILTER (WHERE length(area_code) = 8),
       coalesce(array_agg(area_code) FILTER (WHERE value = 0), '{{}}'),
       coalesce(array_agg(fiscal_year) FILTER (WHERE value = 0), '{{}}'),
       coalesce(array_agg(metric) FILTER (WHERE value = 0), '{{}}')
  FROM written
"""


def refresh(household_ids=(), village_codes=()) -> RollupRefresh | None:
    """Recompute the households `household_ids` (every round) and the referral and registry
    figures of the villages `village_codes`, and carry the differences up to the ancestors."""
    households = sorted({int(i) for i in household_ids if i is not None})
    codes = sorted({c for c in village_codes if c and len(c) == 8})
    if not households and not codes:
        return None
    if _figures_lost():
        return full_rebuild()
    started = time.monotonic()
    params = _params(codes, households)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        _more_memory(cursor)
        _no_jit(cursor)
        # The households as a table with statistics, not a literal array: a village's refresh
        # names a hundred thousand, and the planner then joins rather than loops.
        cursor.execute("DROP TABLE IF EXISTS _hh, _hf_fresh")
        cursor.execute(
            "CREATE TEMPORARY TABLE _hh ON COMMIT DROP AS "
            "SELECT DISTINCT unnest(%(households)s::bigint[]) AS household_id",
            params,
        )
        cursor.execute("ANALYZE _hh")
        cursor.execute(
            "CREATE TEMPORARY TABLE _hf_fresh ON COMMIT DROP AS " + _figures_sql(cursor, True),
            params,
        )
        cursor.execute("ANALYZE _hf_fresh")
        cursor.execute(
            _DELTA_SQL.format(
                hf=HF_TABLE,
                table=TABLE,
                metrics=_HF_METRICS.format(h="h"),
                village=_village_sql(True),
                is_household_metric=_IS_HOUSEHOLD_METRIC,
            ),
            params,
        )
        villages, zero_codes, zero_years, zero_metrics = cursor.fetchone()
        cursor.execute(
            f"INSERT INTO {HF_TABLE} ({_HF_COLUMNS}) SELECT {_HF_COLUMNS} FROM _hf_fresh"
        )
        if zero_codes:
            cursor.execute(
                f"DELETE FROM {TABLE} t USING unnest(%s::varchar[], %s::int[], %s::varchar[]) "
                "z(code, fy, metric) WHERE t.area_code = z.code AND t.fiscal_year = z.fy "
                "AND t.metric = z.metric AND t.value = 0",
                [zero_codes, zero_years, zero_metrics],
            )
        cursor.execute("DROP TABLE _hh, _hf_fresh")
        return RollupRefresh.objects.create(
            kind=RollupRefresh.Kind.INCREMENTAL,
            villages=villages,
            households=len(households),
            seconds=time.monotonic() - started,
        )


def _figures_lost() -> bool:
    """Whether the household rows are gone while the roll-ups count households: the table is
    UNLOGGED (rebuilt whole from the records, so its writes skip the WAL), and PostgreSQL empties
    such a table after a crash. A refresh then rebuilds everything instead of adding differences
    to nothing."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT NOT EXISTS (SELECT 1 FROM {HF_TABLE}) "
            f"AND EXISTS (SELECT 1 FROM {TABLE} WHERE metric = 'hh')"
        )
        return cursor.fetchone()[0]


def refresh_villages(codes) -> RollupRefresh | None:
    """Recount everything of the villages `codes`: every household with a result there (or
    counted there before), and their referral and registry figures."""
    codes = sorted({c for c in codes if c and len(c) == 8})
    if not codes:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT household_id FROM households_classificationresult WHERE area_id = ANY(%s) "
            f"UNION SELECT household_id FROM {HF_TABLE} WHERE area_code = ANY(%s)",
            [codes, codes],
        )
        households = [row[0] for row in cursor.fetchall()]
    return refresh(households, codes)


def _schedule_drain() -> None:
    # cache.add is SET NX on Redis: only the first change of a window schedules the drain.
    if cache.add(_DEBOUNCE_KEY, "1", timeout=DEBOUNCE_SECONDS):
        from .tasks import drain_pending_villages  # noqa: PLC0415

        drain_pending_villages.apply_async(countdown=DEBOUNCE_SECONDS)


# The change log is written in the transaction of the change itself, so a change and its entry
# commit (or roll back) together; only the drain's scheduling (Redis) waits for the commit. An
# entry is removed only by the drain or the rebuild that claims it (_claim_queued), in their own
# transaction: nothing compares the clocks of different hosts.
def mark_villages_dirty(codes) -> None:
    """Queue villages (their referral and registry figures) for the next refresh."""
    codes = sorted({c for c in codes if c and len(c) == 8})
    if not codes:
        return
    PendingVillage.objects.bulk_create([PendingVillage(code=c) for c in codes])
    transaction.on_commit(_schedule_drain)


def mark_households_dirty(household_ids) -> None:
    """Queue households (their classification results and members) for the next refresh."""
    ids = sorted({int(i) for i in household_ids if i is not None})
    if not ids:
        return
    PendingHousehold.objects.bulk_create([PendingHousehold(household_id=i) for i in ids])
    transaction.on_commit(_schedule_drain)


def queue_changes(*, household_ids=(), person_ids=(), village_codes=()) -> None:
    """Queue, in the current transaction, what a write changed: households, the households a
    person is a current member of, villages (their referral and registry figures).

    The one way to queue a change: the signals (monitoring.signals) call it for saves and deletes,
    and every write that fires no signal (QuerySet.update, bulk_create / bulk_update, raw SQL)
    calls it explicitly, so that its households reach the figures at the next drain rather than
    at the nightly rebuild."""
    households = {int(i) for i in household_ids if i is not None}
    persons = [int(i) for i in person_ids if i is not None]
    if persons:
        from households.models import Membership  # noqa: PLC0415

        households.update(
            Membership.objects.filter(person_id__in=persons, left_on__isnull=True).values_list(
                "household_id", flat=True
            )
        )
    mark_households_dirty(households)
    mark_villages_dirty(village_codes)


def _claim_queued(cursor) -> tuple[list[str], list[int]]:
    """Take every committed entry of the change log (under the writer lock, in the caller's
    transaction): a crash rolls the claim back with the refresh, and an entry written while the
    claim runs waits for it and stays for the next drain."""
    cursor.execute(f"DELETE FROM {PendingVillage._meta.db_table} RETURNING code")
    codes = sorted({row[0] for row in cursor.fetchall()})
    cursor.execute(f"DELETE FROM {PendingHousehold._meta.db_table} RETURNING household_id")
    households = sorted({row[0] for row in cursor.fetchall()})
    return codes, households


def drain_pending() -> RollupRefresh | None:
    """Refresh every queued household and village once, in the transaction that claims them;
    what is queued meanwhile waits for the next window. Then the transitions page's tables catch
    up (evaluation.drain_pending, its own transaction: the dashboard's figures do not wait for
    it, and what it is to recount is queued in the first transaction, so a crash loses nothing)."""
    done = None
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        codes, households = _claim_queued(cursor)
        if codes or households:
            # The villages the households were counted in before and are counted in now.
            cursor.execute(
                f"SELECT area_code FROM {HF_TABLE} WHERE household_id = ANY(%(h)s) UNION "
                "SELECT area_id FROM households_classificationresult "
                "WHERE household_id = ANY(%(h)s)",
                {"h": households},
            )
            touched = {row[0] for row in cursor.fetchall()}
            done = refresh(households, codes)
            evaluation.queue_villages(cursor, touched.union(codes))
    evaluation.drain_pending()
    return done


def last_refresh() -> RollupRefresh | None:
    return RollupRefresh.objects.first()
