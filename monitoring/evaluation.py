"""The evaluation tables (monitoring.models.TransitionCell, OutcomeStratum), written with the
roll-ups: the transitions page reads them instead of joining two rounds of records per request.

- `rebuild(cursor)` recounts both tables from the records for every pair of rounds (called by
  monitoring.rollup.full_rebuild inside its swap transaction, so the tables and the roll-ups
  change together and carry the same RollupRefresh).
- `refresh(cursor, codes)` recounts what the villages `codes` touch (called by
  refresh_villages in its transaction): every row of the areas where a household with a result
  or a referral in them has a result (so a household that moved is recounted on both sides).
  When the rounds themselves changed (a first result of a new round), it rebuilds instead.

Both recount from the records, so a refresh run twice changes nothing. Pairs of rounds: every
earlier round with every later one (with R rounds, R(R-1)/2 pairs; the counting grows with it).
"""

from itertools import combinations

RESULTS = "households_classificationresult"
TRANSITIONS = "monitoring_transitioncell"
STRATA = "monitoring_outcomestratum"

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

# Households by (area, level) in each of the two rounds ('' where no result); {only} narrows to
# the households with a record in the villages refreshed, {keep} to the rows touching them.
_TRANSITIONS_SQL = f"""
INSERT INTO {TRANSITIONS} (from_year, to_year, from_area, to_area, from_level, to_level,
                           households)
SELECT %(from)s, %(to)s, coalesce(a.area_id, ''), coalesce(b.area_id, ''),
       coalesce(a.level, ''), coalesce(b.level, ''), count(*)
  FROM (SELECT household_id, area_id, level FROM {RESULTS}
         WHERE fiscal_year = %(from)s {{only}}) a
  FULL JOIN (SELECT household_id, area_id, level FROM {RESULTS}
              WHERE fiscal_year = %(to)s {{only}}) b
    ON b.household_id = a.household_id
 WHERE true {{keep}}
 GROUP BY 3, 4, 5, 6
"""

_RANK = """(CASE {0}.level WHEN 'in_hardship' THEN 0 WHEN 'struggling' THEN 1
                           WHEN 'getting_by' THEN 2 ELSE 3 END)"""

# Households surveyed in both rounds by the first round's area and level: all of them (kind
# '') and those helped with each kind (any completed referral of the household, whatever its
# date), with how many improved. {only}: the strata of the areas refreshed.
_STRATA_SQL = f"""
INSERT INTO {STRATA} (from_year, to_year, area_code, start_level, kind, households, improved)
WITH pairs AS MATERIALIZED (
    SELECT a.household_id AS hh, a.area_id AS area, a.level AS start,
           {_RANK.format("b")} > {_RANK.format("a")} AS improved
      FROM {RESULTS} a
      JOIN {RESULTS} b ON b.household_id = a.household_id AND b.fiscal_year = %(to)s
     WHERE a.fiscal_year = %(from)s {{only}}
), helped AS (
    SELECT DISTINCT f.household_id AS hh, s.kind
      FROM referrals_referral f JOIN referrals_service s ON s.id = f.service_id
     WHERE f.status = 'completed' AND f.household_id IN (SELECT hh FROM pairs)
)
SELECT %(from)s, %(to)s, p.area, p.start, '', count(*), sum(p.improved::int)
  FROM pairs p GROUP BY p.area, p.start
UNION ALL
SELECT %(from)s, %(to)s, p.area, p.start, h.kind, count(*), sum(p.improved::int)
  FROM pairs p JOIN helped h ON h.hh = p.hh GROUP BY p.area, p.start, h.kind
"""


def _rounds(cursor) -> list[int]:
    cursor.execute(_ROUNDS_SQL)
    return [row[0] for row in cursor.fetchall()]


def _stored_pairs(cursor) -> set[tuple[int, int]]:
    cursor.execute(f"SELECT DISTINCT from_year, to_year FROM {TRANSITIONS}")
    return {tuple(row) for row in cursor.fetchall()}


def rebuild(cursor) -> None:
    """Both tables recounted from the records (inside the caller's transaction)."""
    cursor.execute(f"DELETE FROM {TRANSITIONS}")
    cursor.execute(f"DELETE FROM {STRATA}")
    for first, second in combinations(_rounds(cursor), 2):
        params = {"from": first, "to": second}
        cursor.execute(_TRANSITIONS_SQL.format(only="", keep=""), params)
        cursor.execute(_STRATA_SQL.format(only=""), params)
    cursor.execute(f"ANALYZE {TRANSITIONS}")
    cursor.execute(f"ANALYZE {STRATA}")


def refresh(cursor, codes: list[str]) -> None:
    """Recount what the villages `codes` touch (inside the caller's transaction)."""
    rounds = _rounds(cursor)
    pairs = list(combinations(rounds, 2))
    if set(pairs) != _stored_pairs(cursor):
        rebuild(cursor)  # a round appeared or went: every household gains or loses a pair
        return
    # The households with a result or a referral in the villages, and every area where one of
    # their results sits: all rows of those areas are recounted (a household that moved has its
    # "left" row in the village it came from, and its stratum where it started).
    cursor.execute(
        f"""
        WITH touched AS (
            SELECT household_id FROM {RESULTS} WHERE area_id = ANY(%(codes)s)
            UNION
            SELECT household_id FROM referrals_referral
             WHERE area_id = ANY(%(codes)s) AND household_id IS NOT NULL
        )
        SELECT DISTINCT r.area_id FROM {RESULTS} r WHERE r.household_id IN (SELECT * FROM touched)
        """,
        {"codes": codes},
    )
    areas = sorted({row[0] for row in cursor.fetchall()} | set(codes))
    params = {"areas": areas}
    cursor.execute(
        f"DELETE FROM {TRANSITIONS} WHERE from_area = ANY(%(areas)s) OR to_area = ANY(%(areas)s)",
        params,
    )
    cursor.execute(f"DELETE FROM {STRATA} WHERE area_code = ANY(%(areas)s)", params)
    only_households = (
        f"AND household_id IN (SELECT household_id FROM {RESULTS} "
        "WHERE area_id = ANY(%(areas)s) AND fiscal_year IN (%(from)s, %(to)s))"
    )
    keep = "AND (a.area_id = ANY(%(areas)s) OR b.area_id = ANY(%(areas)s))"
    for first, second in pairs:
        params = {"from": first, "to": second, "areas": areas}
        cursor.execute(_TRANSITIONS_SQL.format(only=only_households, keep=keep), params)
        cursor.execute(_STRATA_SQL.format(only="AND a.area_id = ANY(%(areas)s)"), params)


# --- reads ------------------------------------------------------------------------------------


def transition_counts(prefix: str, from_year: int, to_year: int, out: str) -> dict:
    """{(level then or `out`, level now or `out`): households} for the area `prefix`: a
    household is in a round's column where its result that round lies in the area."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT CASE WHEN starts_with(from_area, %(prefix)s) THEN from_level ELSE %(out)s END,
                   CASE WHEN starts_with(to_area, %(prefix)s) THEN to_level ELSE %(out)s END,
                   sum(households)
              FROM {TRANSITIONS}
             WHERE from_year = %(from)s AND to_year = %(to)s
               AND (starts_with(from_area, %(prefix)s) OR starts_with(to_area, %(prefix)s))
             GROUP BY 1, 2
            """,
            {"prefix": prefix, "from": from_year, "to": to_year, "out": out},
        )
        return {(a, b): int(n) for a, b, n in cursor.fetchall()}


def outcome_sums(prefix: str, from_year: int, to_year: int) -> list[tuple]:
    """For each kind of help given to households of the area `prefix` surveyed in both rounds:
    (kind, helped, helped who improved, compared (not helped with it, in strata holding helped
    ones), the weight (helped in those strata), the weighted share of the compared who
    improved: Σ helped × improved / compared over those strata)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH s AS (
                SELECT area_code, start_level, kind, households AS n, improved AS up
                  FROM {STRATA}
                 WHERE from_year = %(from)s AND to_year = %(to)s
                   AND starts_with(area_code, %(prefix)s)
            )
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
             ORDER BY h.kind
            """,
            {"prefix": prefix, "from": from_year, "to": to_year},
        )
        return cursor.fetchall()
