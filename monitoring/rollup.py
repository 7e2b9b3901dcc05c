"""Writing the roll-ups (monitoring.models.AreaRollup): PostgreSQL does the counting.

- `full_rebuild()` aggregates every village's records with `GROUP BY ROLLUP` (province → district →
  subdistrict → village) into a fresh table and swaps it in inside one transaction.
- `refresh_villages(codes)` recomputes the figures of the villages touched, takes the difference
  from what is stored and adds that difference to the village and each of its ancestors: the
  cost follows the villages touched, not the province. Recomputing from the records makes it
  idempotent (a village refreshed twice, or after a rebuild that already saw the change, gets a
  difference of zero).
- `mark_villages_dirty(codes)` queues villages (PendingVillage) and schedules one drain per
  debounce window (a Redis key), so a batch of 500 verifications costs one refresh.

Records are counted where they sit in a village (an 8-digit code); a record filed at a higher level
only is not in the figures. Zero figures are not stored (a missing row reads as 0).
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from . import evaluation
from .models import AreaRollup, PendingVillage, RollupRefresh

TABLE = AreaRollup._meta.db_table
LOCK_KEY = 4_913_001  # pg advisory lock: one writer of the roll-ups at a time
DEBOUNCE_SECONDS = getattr(settings, "MONITORING_DEBOUNCE_SECONDS", 30)
_DEBOUNCE_KEY = "ppaos:monitoring:drain-scheduled"

# Figures per village and round. Each source is counted per village first (one scan, FILTER
# counts), then unpivoted into (code, fy, metric, value) rows: the ROLLUP above it sums a few
# hundred thousand village rows, not one row per person and figure. `{and_result}` etc. narrow
# to the villages being refreshed. Ages are compared as dates (born on or before the cut-off),
# which equals age() at 1 October of the round and costs no date arithmetic per person. Records
# filed above village level are dropped after the counting (length(code) = 8 on the groups): on
# the scans the planner cannot estimate it and would pick nested loops over millions of rows
# (OFFSET 0 keeps PostgreSQL from pushing the filter back down into the scans).
_BASE_SQL = """
SELECT v.code, v.fy, m.metric, m.value
  FROM (SELECT r.area_id AS code, r.fiscal_year AS fy, r.level, count(*) AS n,
               count(*) FILTER (WHERE r.target_poor) AS target_poor
          FROM households_classificationresult r
         WHERE true {and_result}
         GROUP BY 1, 2, 3 OFFSET 0) v
 CROSS JOIN LATERAL (VALUES ('hh', v.n), ('level:' || v.level, v.n),
                            ('target_poor', v.target_poor)) AS m(metric, value)
 WHERE length(v.code) = 8
UNION ALL
SELECT v.code, v.fy, m.metric, m.value
  FROM (SELECT r.area_id AS code, r.fiscal_year AS fy, count(*) AS persons,
               count(*) FILTER (WHERE p.has_disability) AS disability,
               count(*) FILTER (WHERE p.has_chronic_illness) AS chronic_illness,
               count(*) FILTER (WHERE p.is_bedridden) AS bedridden,
               count(*) FILTER (WHERE p.birth_date <= make_date(r.fiscal_year - 604, 10, 1))
                   AS elderly,
               count(*) FILTER (WHERE p.birth_date > make_date(r.fiscal_year - 562, 10, 1))
                   AS child
          FROM households_classificationresult r
          JOIN households_membership ms ON ms.household_id = r.household_id AND ms.left_on IS NULL
          JOIN households_person p ON p.id = ms.person_id
         WHERE true {and_result}
         GROUP BY 1, 2 OFFSET 0) v
 CROSS JOIN LATERAL (VALUES ('persons', v.persons), ('persons:disability', v.disability),
                            ('persons:chronic_illness', v.chronic_illness),
                            ('persons:bedridden', v.bedridden),
                            ('persons:elderly', v.elderly),
                            ('persons:child', v.child)) AS m(metric, value)
 WHERE length(v.code) = 8
UNION ALL
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


def _base_sql(villages: bool) -> str:
    if not villages:
        return _BASE_SQL.format(and_result="", and_referral="", and_registrant="")
    return _BASE_SQL.format(
        and_result="AND r.area_id = ANY(%(codes)s)",
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
"""


def _params(codes=None) -> dict:
    params = {"today": timezone.localdate()}
    if codes is not None:
        params["codes"] = list(codes)
    return params


# Memory for the hash joins and aggregates of one refresh (SET LOCAL: this transaction only), so
# a province's persons are joined in memory rather than in batches on disk.
WORK_MEM = getattr(settings, "MONITORING_ROLLUP_WORK_MEM", "256MB")


def _more_memory(cursor) -> None:
    cursor.execute("SELECT set_config('work_mem', %s, true)", [WORK_MEM])


def _no_jit(cursor) -> None:
    """No JIT compilation for a refresh (this transaction only): compiling the delta query's
    expressions costs about half a second, more than a subdistrict's refresh spends counting."""
    cursor.execute("SELECT set_config('jit', 'off', true)")


def full_rebuild() -> RollupRefresh:
    """Every figure from the records, into a new table swapped in one transaction."""
    started = time.monotonic()
    started_at = timezone.now()
    new, old = f"{TABLE}_new", f"{TABLE}_old"
    with transaction.atomic(), connection.cursor() as cursor:
        _more_memory(cursor)
        cursor.execute(f"DROP TABLE IF EXISTS {new}")
        # The rows first, the constraints and indexes after: building an index once is cheaper
        # than keeping it up to date through hundreds of thousands of inserts.
        cursor.execute(_ROLLUP_SQL.format(target=new, base=_base_sql(False)), _params())
        _finish_table(cursor, new)
        cursor.execute(f"ANALYZE {new}")
        evaluation.build(cursor)  # the transitions page's tables, into new tables too
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        evaluation.swap(cursor)  # sets this transaction's lock_timeout for the renames below
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s ORDER BY indexname", [TABLE]
        )
        old_names = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {old}")
        for name in old_names:
            cursor.execute(f'ALTER INDEX "{name}" RENAME TO "{name}_old"')
        cursor.execute(f"ALTER TABLE {new} RENAME TO {TABLE}")
        # The new indexes take the names the migrations know (one per indexed column list).
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s", [TABLE]
        )
        for name, definition in cursor.fetchall():
            for wanted in old_names:
                if _same_columns(definition, wanted, old):
                    cursor.execute(f'ALTER INDEX "{name}" RENAME TO "{wanted}"')
        cursor.execute(f"DROP TABLE {old}")
        PendingVillage.objects.filter(queued_at__lt=started_at).delete()
        return RollupRefresh.objects.create(
            kind=RollupRefresh.Kind.FULL, seconds=time.monotonic() - started
        )


def _finish_table(cursor, new: str) -> None:
    """The NOT NULLs, CHECKs, primary key and every index of the roll-up table, on the table
    `new` (index names end in _new; the swap gives them the names the migrations know)."""
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
        "AND NOT attisdropped AND attnotnull",
        [TABLE],
    )
    not_null = [row[0] for row in cursor.fetchall()]
    if not_null:
        cursor.execute(
            f"ALTER TABLE {new} " + ", ".join(f'ALTER COLUMN "{c}" SET NOT NULL' for c in not_null)
        )
    # CHECK names belong to their table: the new one takes the same names.
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'c' ORDER BY conname",
        [TABLE],
    )
    for name, definition in cursor.fetchall():
        cursor.execute(f'ALTER TABLE {new} ADD CONSTRAINT "{name}" {definition}')
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'p'",
        [TABLE],
    )
    keys = cursor.fetchall()
    for _name, definition in keys:
        cursor.execute(f'ALTER TABLE {new} ADD CONSTRAINT "{new}_pkey" {definition}')
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname <> ALL(%s)",
        [TABLE, [name for name, _ in keys]],
    )
    for name, definition in cursor.fetchall():
        columns = definition.split(" USING ", 1)[1]
        unique = "UNIQUE " if definition.startswith("CREATE UNIQUE") else ""
        cursor.execute(f'CREATE {unique}INDEX "{name[:55]}_new" ON {new} USING {columns}')


_OLD_DEFINITIONS: dict[str, str] = {}


def _same_columns(definition: str, wanted: str, old_table: str) -> bool:
    """Whether a new index (its CREATE INDEX text) matches the old index named `wanted`."""
    if wanted not in _OLD_DEFINITIONS:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexname = %s",
                [old_table, f"{wanted}_old"],
            )
            row = cursor.fetchone()
        if row is None:
            return False
        _OLD_DEFINITIONS[wanted] = row[0]
    old_def = _OLD_DEFINITIONS.pop(wanted)
    return definition.split(" USING ", 1)[1] == old_def.split(" USING ", 1)[1]


_DELTA_SQL = """
WITH fresh AS (
    SELECT b.code, b.fy, b.metric, sum(b.value) AS value FROM ({base}) b GROUP BY 1, 2, 3
), stored AS (
    SELECT area_code AS code, fiscal_year AS fy, metric, value FROM {table}
     WHERE area_code = ANY(%(codes)s)
), delta AS (
    SELECT coalesce(f.code, s.code) AS code, coalesce(f.fy, s.fy) AS fy,
           coalesce(f.metric, s.metric) AS metric,
           coalesce(f.value, 0) - coalesce(s.value, 0) AS d
      FROM fresh f FULL JOIN stored s ON s.code = f.code AND s.fy = f.fy AND s.metric = f.metric
)
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
"""


def refresh_villages(codes) -> RollupRefresh | None:
    """Recompute the villages `codes` and carry the difference up to their ancestors."""
    codes = sorted({c for c in codes if c and len(c) == 8})
    if not codes:
        return None
    started = time.monotonic()
    ancestors = sorted({c[:n] for c in codes for n in (2, 4, 6, 8)})
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        _more_memory(cursor)
        _no_jit(cursor)
        cursor.execute(_DELTA_SQL.format(base=_base_sql(True), table=TABLE), _params(codes))
        cursor.execute(f"DELETE FROM {TABLE} WHERE area_code = ANY(%s) AND value = 0", [ancestors])
        return RollupRefresh.objects.create(
            kind=RollupRefresh.Kind.INCREMENTAL,
            villages=len(codes),
            seconds=time.monotonic() - started,
        )


def mark_villages_dirty(codes) -> None:
    """Queue villages for the next refresh and schedule one drain per debounce window."""
    codes = {c for c in codes if c and len(c) == 8}
    if not codes:
        return
    PendingVillage.objects.bulk_create(
        [PendingVillage(code=c) for c in codes], ignore_conflicts=True
    )
    # cache.add is SET NX on Redis: only the first change of a window schedules the drain.
    if cache.add(_DEBOUNCE_KEY, "1", timeout=DEBOUNCE_SECONDS):
        from .tasks import drain_pending_villages  # noqa: PLC0415

        drain_pending_villages.apply_async(countdown=DEBOUNCE_SECONDS)


def drain_pending() -> RollupRefresh | None:
    """Refresh every queued village once; villages queued meanwhile wait for the next window."""
    now = timezone.now()
    codes = list(PendingVillage.objects.filter(queued_at__lte=now).values_list("code", flat=True))
    if not codes:
        return None
    refresh = refresh_villages(codes)
    evaluation.refresh_areas(codes)  # the transitions page's tables, once the roll-ups committed
    PendingVillage.objects.filter(code__in=codes, queued_at__lte=now).delete()
    return refresh


def last_refresh() -> RollupRefresh | None:
    return RollupRefresh.objects.first()
