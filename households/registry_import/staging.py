"""SQL for the welfare-registry import: the staging table, its COPY lines, the upsert.

Kept apart from importer.py because it is the speed-critical half: rows are staged with COPY into
a TEMP table (unlogged, private to the worker's connection, gone if the worker dies; the COPY
helpers and the row-error table are the framework's, ppaos/imports/copy_staging.py), then
written by one set-based statement. Nothing here checks permissions.
"""

from __future__ import annotations

from django.db import connection

from ppaos.imports.copy_staging import NULL
from ppaos.imports.copy_staging import text as _text

from .rules import RegistrantRow

STAGE = "ppaos_import_stage"
REGISTRANT = "households_welfareregistrant"
AREA = "areas_area"

STAGE_COLUMNS = (
    "row_number",
    "national_id",
    "title",
    "first_name",
    "last_name",
    "birth_date",
    "sex",
    "house_number",
    "village_number",
    "area_code",
    "postal_code",
    "phone",
    "annual_income",
    "card_status",
    "registration_date",
)


def create_staging_tables() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cursor.execute(
            f"""
            CREATE TEMP TABLE {STAGE} (
                row_number integer NOT NULL,
                national_id varchar(13) NOT NULL,
                title varchar(30),
                first_name varchar(100) NOT NULL,
                last_name varchar(100) NOT NULL,
                birth_date date,
                sex varchar(6),
                house_number varchar(20),
                village_number smallint,
                area_code varchar(8) NOT NULL,
                postal_code varchar(5),
                phone varchar(20),
                annual_income numeric(12, 2),
                card_status varchar(50),
                registration_date date
            )"""
        )


def drop_staging_tables() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")


_CACHE_LIMIT = 300_000  # distinct values remembered per column kind and file


class StageLines:
    """The COPY text-format lines of one file's valid rows. The COPY form of each distinct
    text, date and amount is remembered (a registry export repeats its names, titles, dates and
    incomes endlessly), so a row costs dictionary look-ups instead of escaping and formatting
    every value."""

    __slots__ = ("_texts", "_dates", "_amounts")

    def __init__(self) -> None:
        self._texts: dict = {None: NULL}
        self._dates: dict = {None: NULL}
        self._amounts: dict = {None: NULL}

    @staticmethod
    def _remember(cache: dict, value, form: str) -> str:
        if len(cache) < _CACHE_LIMIT:
            cache[value] = form
        return form

    def line(self, row: RegistrantRow) -> str:
        texts, dates, amounts = self._texts, self._dates, self._amounts
        remember = self._remember
        title, first, last = row.title, row.first_name, row.last_name
        house, status = row.house_number, row.card_status
        birth, registered, income = row.birth_date, row.registration_date, row.annual_income
        village, sex, postal, phone = row.village_number, row.sex, row.postal_code, row.phone
        return (
            f"{row.row_number}\t{row.national_id}\t"
            f"{texts.get(title) or remember(texts, title, _text(title))}\t"
            f"{texts.get(first) or remember(texts, first, _text(first))}\t"
            f"{texts.get(last) or remember(texts, last, _text(last))}\t"
            f"{dates.get(birth) or remember(dates, birth, str(birth))}\t"
            f"{NULL if sex is None else sex}\t"
            f"{texts.get(house) or remember(texts, house, _text(house))}\t"
            f"{NULL if village is None else village}\t{row.area_code}\t"
            f"{NULL if postal is None else postal}\t{NULL if phone is None else phone}\t"
            f"{amounts.get(income) or remember(amounts, income, str(income))}\t"
            f"{texts.get(status) or remember(texts, status, _text(status))}\t"
            f"{dates.get(registered) or remember(dates, registered, str(registered))}\n"
        )


def clear_stage() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {STAGE}")


def staged_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {STAGE}")
        return cursor.fetchone()[0]


def staged_area_codes() -> list[str]:
    """The areas the staged rows are placed in (each once)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT area_code FROM {STAGE}")
        return [code for (code,) in cursor.fetchall()]


# ---------------------------------------------------------------------------------------------
# The upsert. An empty cell or a column the file lacks never overwrites a stored value: text
# columns keep the old value when the new one is '', nullable columns when it is NULL.

_ALWAYS = ("first_name", "last_name", "area_id")
_KEEP_TEXT = ("title", "sex", "house_number", "postal_code", "phone", "card_status")
_KEEP_NULL = ("birth_date", "village_number", "annual_income", "registration_date")
_COMPARED = _ALWAYS + _KEEP_TEXT + _KEEP_NULL

# The staged rows under the registrant's column names ('' for text not given).
_NEW_ROWS = f"""
    SELECT national_id, COALESCE(title, '') AS title, first_name, last_name, birth_date,
           COALESCE(sex, '') AS sex, COALESCE(house_number, '') AS house_number, village_number,
           area_code AS area_id, COALESCE(postal_code, '') AS postal_code,
           COALESCE(phone, '') AS phone, annual_income, COALESCE(card_status, '') AS card_status,
           registration_date
    FROM {STAGE}
"""


def _merged(column: str, new: str) -> str:
    if column in _KEEP_TEXT:
        return f"CASE WHEN {new}.{column} = '' THEN t.{column} ELSE {new}.{column} END"
    if column in _KEEP_NULL:
        return f"COALESCE({new}.{column}, t.{column})"
    return f"{new}.{column}"


def _changed(new: str) -> str:
    old = ", ".join(f"t.{c}" for c in _COMPARED)
    merged = ", ".join(_merged(c, new) for c in _COMPARED)
    return f"ROW({old}) IS DISTINCT FROM ROW({merged})"


def preview_counts() -> tuple[int, int, int]:
    """(would create, would update, unchanged) for the staged rows, writing nothing."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT count(*) FILTER (WHERE t.id IS NULL),
                   count(*) FILTER (WHERE t.id IS NOT NULL AND {_changed("n")}),
                   count(*) FILTER (WHERE t.id IS NOT NULL AND NOT ({_changed("n")}))
            FROM ({_NEW_ROWS}) n LEFT JOIN {REGISTRANT} t ON t.national_id = n.national_id
            """
        )
        return cursor.fetchone()


def create_missing_villages() -> list[str]:
    """Villages (subdistrict + หมู่) seen for the first time, created in one statement.
    Returns the new codes (the caller audits them)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {AREA} (code, level, parent_id, name_th, name_en, postal_code,
                                created_at, updated_at)
            SELECT DISTINCT s.area_code, 'village', left(s.area_code, 6),
                   'หมู่ที่ ' || s.village_number, 'Village No. ' || s.village_number, '',
                   now(), now()
            FROM {STAGE} s
            WHERE length(s.area_code) = 8
            ORDER BY s.area_code
            ON CONFLICT (code) DO NOTHING
            RETURNING code
            """
        )
        return [code for (code,) in cursor.fetchall()]


def villages_moved_out_of() -> list[str]:
    """The villages that staged rows move registrants out of (read before the upsert: its
    RETURNING sees only the new rows). Their figures are queued by the caller with the villages
    written to: the import fires no signal per row."""
    with connection.cursor() as cursor:
        # One index probe per staged row: the stage is a chunk, the registry may hold millions
        # (with the TEMP table's row count unknown, the planner would hash the whole registry
        # for every chunk). Reset right after, for the rest of the transaction.
        cursor.execute("SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off")
        cursor.execute(
            f"""
            SELECT DISTINCT t.area_id FROM ({_NEW_ROWS}) n
            JOIN {REGISTRANT} t ON t.national_id = n.national_id
            WHERE t.area_id IS DISTINCT FROM {_merged("area_id", "n")}
            """
        )
        codes = [code for (code,) in cursor.fetchall() if code]
        cursor.execute(
            "SET LOCAL enable_hashjoin TO DEFAULT; SET LOCAL enable_mergejoin TO DEFAULT"
        )
        return codes


def upsert_registrants(*, job_id: int) -> tuple[int, int, list[str]]:
    """One INSERT … ON CONFLICT (national_id) DO UPDATE … WHERE the row changed.

    Rows go in national-ID order, so two imports touching the same IDs lock them in the same
    order and cannot deadlock. Returns (created, updated, the areas written to); unchanged =
    staged - created - updated.
    """
    columns = (
        "national_id, title, first_name, last_name, birth_date, sex, house_number, "
        "village_number, area_id, postal_code, phone, annual_income, card_status, "
        "registration_date"
    )
    updates = ", ".join(f"{c} = {_merged(c, 'EXCLUDED')}" for c in _COMPARED)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH written AS (
                INSERT INTO {REGISTRANT} AS t
                    (public_id, created_at, updated_at, import_job_id, {columns})
                SELECT gen_random_uuid(), now(), now(), %s, {columns}
                FROM ({_NEW_ROWS}) n
                ORDER BY national_id
                ON CONFLICT (national_id) DO UPDATE
                SET {updates}, updated_at = now(), import_job_id = EXCLUDED.import_job_id
                WHERE {_changed("EXCLUDED")}
                RETURNING (xmax = 0) AS created, area_id
            )
            SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created),
                   COALESCE(array_remove(array_agg(DISTINCT area_id), NULL), ARRAY[]::varchar[])
            FROM written
            """,
            [job_id],
        )
        return cursor.fetchone()
