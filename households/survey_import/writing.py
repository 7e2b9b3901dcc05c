"""Writing the staged households of a survey import, each through the services of a typed
survey (households/services.py, households/surveys/services.py): no rule is copied here.

For each household (in file order, a page at a time, members fetched for the page only):
1. the rows' own problems (unreadable member cells) reject it;
2. its village must be one of the uploader's villages (code, or a name unique among them);
3. the household is found by the submission key of an earlier import, else by its head's
   national ID (the head's current household, which must be in the same village), else created
   with `create_household`; other members join with `add_member` (checksum, one household per
   person, duplicate-person flags — the services' own checks);
4. a survey of the round already submitted or verified is left as it is ("unchanged": the same
   file twice changes nothing); a draft or returned one is filled again and submitted
   ("updated"); otherwise `start_survey`, `save_survey_draft` (the consent gate) and
   `submit_survey` (completeness) make a new one ("created"), which waits in the area
   manager's review queue like any other.
Health and disability answers without the household's explicit consent are not saved: the row
gets a warning naming them, the rest of the survey is imported.

Each household runs in a savepoint: a refusal rolls back that household only. A dry run writes
every page in one savepoint, rolled back at the end, so a later page sees what an earlier page
would have written, as in the import; its error lines wait in a temporary file meanwhile and are
staged after the rollback.

Most households are new households of new persons: those are checked in Python by the same
functions and written set-based, a run of them at a time (bulk.py); the rest go through the
services as above, in file order.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import itertools
import json
import logging
import os
import tempfile
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation
from django.utils.translation import gettext

from ppaos.accounts.policy import Action, can, scope_queryset
from ppaos.areas.models import Area, AreaLevel
from ppaos.audit.services import record_audit_event
from ppaos.imports import copy_staging
from ppaos.imports.columns import RowError
from ppaos.imports.services import batch_pause
from ppaos.thai.thai_id import MESSAGES_EN, MESSAGES_TH, NationalIdError, normalize_national_id

from ..models import (
    Household,
    Membership,
    Person,
    Relation,
    Survey,
    SurveyAccounts,
    SurveySourceKey,
)
from ..services import add_member, create_household
from ..surveys import services as survey_services
from ..surveys import transitions
from ..surveys.classification import age_on, indicator_applies
from ..surveys.selectors import current_instrument, instrument_parts
from . import bulk
from .columns import SENSITIVE_MEMBER_FIELDS, person_data

logger = logging.getLogger(__name__)

PAGE = 2000  # households per page: looked up, planned and written together


def _page_size() -> int:
    return int(os.environ.get("SURVEY_IMPORT_PAGE_HOUSEHOLDS") or PAGE)


WARNING = "warning."  # error codes that do not reject the row (copy_staging.rejected_row_count)


@dataclass
class Counts:
    staged: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    by_services: int = 0  # households written through the services one by one
    # Seconds spent: looking up a page, planning households, writing planned ones, services.
    seconds: dict = field(
        default_factory=lambda: dict.fromkeys(
            ("fetch", "lookup", "plan", "set_based", "services"), 0.0
        )
    )


@dataclass
class Outcome:
    result: str  # created | updated | unchanged | rejected
    errors: list[tuple[str, RowError]] = field(default_factory=list)  # (column, error)


class Refused(Exception):
    def __init__(self, column: str, error: RowError) -> None:
        super().__init__(error.message_en)
        self.column, self.error = column, error


def _err(code: str, th: str, en: str = "", value: str = "", field_name: str = "") -> RowError:
    return RowError(field_name, value, code, th, en or th)


class Villages:
    """The uploader's villages, by code and by a name unique among them."""

    def __init__(self, actor) -> None:
        villages = scope_queryset(
            actor,
            Area.objects.filter(level=AreaLevel.VILLAGE),
            Action.IMPORT_SURVEYS,
            area_field="code",
        )
        self.actor = actor
        self.by_name: dict[str, list[Area]] = {}
        for village in villages.only("code", "name_th", "level"):
            self.by_name.setdefault(village.name_th.strip(), []).append(village)
        self._by_code: dict[str, tuple[Area | None, bool]] = {}

    def _code(self, code: str) -> tuple[Area | None, bool]:
        """(the village of this code or None, whether the uploader may import there); asked
        once per code."""
        if code not in self._by_code:
            village = Area.objects.filter(code=code, level=AreaLevel.VILLAGE).first()
            allowed = village is not None and can(
                self.actor, Action.IMPORT_SURVEYS, area_code=village.code
            )
            self._by_code[code] = (village, allowed)
        return self._by_code[code]

    def village(self, values: dict, column_names: dict[str, str]) -> Area:
        code = values.get("village_code")
        if code:
            village, allowed = self._code(code)
            column = column_names.get("village_code", "village_code")
            if village is None:
                raise Refused(column, _err("unknown_village", "ไม่พบหมู่บ้านรหัสนี้",
                                           "No village has this code.", code))  # fmt: skip
            if not allowed:
                raise Refused(
                    column,
                    _err("outside_area", "หมู่บ้านนี้อยู่นอกพื้นที่ของท่าน จึงไม่นำเข้าครัวเรือนนี้",
                         "This village is outside your areas; the household was not imported.",
                         code),
                )  # fmt: skip
            return village
        name = (values.get("village_name") or "").strip()
        column = column_names.get("village_name", "village_name")
        found = self.by_name.get(name, [])
        if len(found) == 1:
            return found[0]
        if not name:
            raise Refused(column, _err("no_village", "ต้องกรอกรหัสหมู่บ้านหรือชื่อหมู่บ้าน",
                                       "Give the village code or name."))  # fmt: skip
        if found:
            raise Refused(column, _err("ambiguous_village",
                                       "มีหมู่บ้านชื่อนี้หลายแห่งในพื้นที่ของท่าน กรุณาใส่รหัสหมู่บ้าน",
                                       "Several of your villages have this name; give the code.",
                                       name))  # fmt: skip
        raise Refused(column, _err("outside_area",
                                   "ไม่พบหมู่บ้านชื่อนี้ในพื้นที่ของท่าน จึงไม่นำเข้าครัวเรือนนี้",
                                   "None of your villages has this name; the household was not "
                                   "imported.", name))  # fmt: skip


def _messages(error: ValidationError | PermissionDenied) -> list[str]:
    if isinstance(error, PermissionDenied):
        return [str(error) or gettext("Not allowed")]
    return [str(m) for m in error.messages]


def write_staged_households(
    *, stage: str, job, dry_run: bool, column_names: dict, seen_keys: set[str]
) -> Counts:
    counts = Counts()
    instrument = current_instrument()
    parts = instrument_parts(instrument)
    write = functools.partial(
        _write_pages, stage=stage, job=job, counts=counts, villages=Villages(job.created_by),
        parts=parts, column_names=column_names,
        planner=bulk.Planner(actor=job.created_by, job=job, parts=parts, instrument=instrument),
    )  # fmt: skip
    if not dry_run:
        write(stage_errors=_stage_errors)
    else:
        with _HeldErrors() as held:
            with _rolled_back():
                write(stage_errors=held.write)
            held.stage()
    with translation.override("th"):
        _report_orphans(stage, seen_keys)
    logger.info(
        "import job %s: %d households, %d through the services; seconds %s",
        job.pk, counts.staged, counts.by_services,
        {k: round(v, 1) for k, v in counts.seconds.items()},
    )  # fmt: skip
    return counts


def _stage_errors(lines: list[str]) -> None:
    copy_staging.copy_lines(copy_staging.ERRORS, copy_staging.ERROR_COLUMNS, lines)


@contextlib.contextmanager
def _rolled_back():
    """Everything written inside is rolled back at the end (a dry run's writes)."""
    savepoint = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)


class _HeldErrors:
    """A dry run's error lines, kept in a temporary file (not in memory: a bad file may have a
    line per row) while its writes are in a savepoint that rolls back the error table too."""

    BATCH = 20_000

    def __enter__(self):
        self.file = tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n")
        return self

    def __exit__(self, *exc) -> None:
        self.file.close()

    def write(self, lines: list[str]) -> None:
        self.file.writelines(lines)

    def stage(self) -> None:
        self.file.seek(0)
        while lines := list(itertools.islice(self.file, self.BATCH)):
            _stage_errors(lines)


def _write_pages(*, stage, job, counts, villages, parts, column_names, planner, stage_errors):
    actor = job.created_by
    last = -1
    # The framework's pause between batches (0 in normal use) also parts the pages, so the
    # crash-safety test can stop a worker part-way through the write.
    page_size, pause = _page_size(), batch_pause()
    with translation.override("th"):
        while True:
            began = time.monotonic()
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT row_number, hh_key, payload FROM {stage} WHERE kind = 'h' "
                    "AND row_number > %s ORDER BY row_number LIMIT %s",
                    [last, page_size],
                )
                page = cursor.fetchall()
                if not page:
                    break
                cursor.execute(
                    f"SELECT hh_key, row_number, payload FROM {stage} WHERE kind = 'm' "
                    "AND hh_key = ANY(%s) ORDER BY row_number",
                    [[key for _row, key, _payload in page]],
                )
                members: dict[str, list[dict]] = {}
                for key, _row, payload in cursor.fetchall():
                    members.setdefault(key, []).append(_payload(payload))
            error_lines: list[str] = []
            page = [(row, key, _payload(payload)) for row, key, payload in page]
            counts.seconds["fetch"] += time.monotonic() - began
            _write_page(
                page, members, counts=counts, error_lines=error_lines, actor=actor, job=job,
                villages=villages, parts=parts, column_names=column_names, planner=planner,
            )  # fmt: skip
            stage_errors(error_lines)
            last = page[-1][0]
            if pause:
                time.sleep(pause)


def _write_page(
    page, members, *, counts, error_lines, actor, job, villages, parts, column_names, planner
) -> None:
    """Write one page of households in file order: runs of planned households set-based, the
    others through the services (each in its savepoint)."""
    clock = time.monotonic
    began = clock()
    _ID_MEMO.clear()
    lookups = _page_lookups(page, members)
    seen = Seen()
    seconds = counts.seconds
    seconds["lookup"] += clock() - began
    # The household-by-household write alone (every household through the services) is the
    # reference the set-based write is checked against (tests/households/survey_import).
    set_based = getattr(settings, "SURVEY_IMPORT_SET_BASED", True)
    outcomes: dict[int, Outcome] = {}  # by row number
    segment: list = []  # (row, values, members, planned) not yet written, in file order

    def by_services(values, hh_members) -> Outcome:
        began = clock()
        counts.by_services += 1
        outcome = write_household(
            actor=actor,
            job=job,
            values=values,
            members=hh_members,
            villages=villages,
            parts=parts,
            column_names=column_names,
        )
        seconds["services"] += clock() - began
        return outcome

    def flush():
        if not segment:
            return
        began = clock()
        try:
            with transaction.atomic():
                planner.write([planned for *_rest, planned in segment])
        except IntegrityError:
            # A record another user wrote since the page was looked up (a person registered
            # by hand meanwhile): this run's households go through the services instead, each
            # refused or linked on its own as they decide.
            for row, values, hh_members, _planned in segment:
                outcomes[row] = by_services(values, hh_members)
        segment.clear()
        seconds["set_based"] += clock() - began

    for row_number, key, values in page:
        counts.staged += 1
        hh_members = members.get(key, [])
        verdict = bulk.SLOW
        if set_based:
            began = clock()
            verdict = _plan_household(
                values, hh_members, villages, column_names, lookups, seen, planner, parts
            )
            seconds["plan"] += clock() - began
        if isinstance(verdict, bulk.Planned):
            segment.append((row_number, values, hh_members, verdict))
            outcomes[row_number] = Outcome("created", verdict.warnings)
        elif verdict is bulk.SLOW:
            flush()  # the households before this one are written first (file order)
            outcomes[row_number] = by_services(values, hh_members)
        else:
            # Refused by its own rows: nothing written, the segment need not be written first.
            outcomes[row_number] = verdict
    flush()
    for row_number, _key, _values in page:
        outcome = outcomes[row_number]
        if outcome.result != "rejected":
            setattr(counts, outcome.result, getattr(counts, outcome.result) + 1)
        for column, error in outcome.errors:
            error_lines.append(copy_staging.error_line(row_number, column, error))


class Seen:
    """What the earlier households of a page (planned, or written by the services) may have
    created: a later household that shares any of it goes through the services."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.national_ids: set[str] = set()
        self.names: set[tuple] = set()

    def add(self, key, members) -> None:
        if key:
            self.keys.add(key)
        for member in members:
            with contextlib.suppress(NationalIdError):
                self.national_ids.add(_normalized_id(member["values"].get("national_id")))
            name = _name_key(member)
            if name is not None:
                self.names.add(name)

    def slow(self, key, members):
        """Remember a household the services write (it may create persons and keys)."""
        self.add(key, members)
        return bulk.SLOW


_ID_MEMO: dict = {}  # raw national ID cell -> 13 digits or the NationalIdError; one page's


def _normalized_id(raw) -> str:
    """normalize_national_id, asked once per value of a page (the lookups, the page's memory
    and the checks each need it)."""
    key = (type(raw), raw)  # 1 == 1.0 == True, which the rules tell apart
    try:
        found = _ID_MEMO[key]
    except KeyError:
        try:
            found = normalize_national_id(raw)
        except NationalIdError as error:
            found = error
        _ID_MEMO[key] = found
    except TypeError:  # an unhashable value is never a key: checked as it is
        return normalize_national_id(raw)
    if isinstance(found, NationalIdError):
        raise NationalIdError(found.code)
    return found


def _name_key(member: dict):
    """(first name, last name, birth date) as duplicate flagging compares them, or None."""
    values = member["values"]
    birth = values.get("birth_date")
    if not birth:
        return None
    return (
        (values.get("first_name") or "").strip(),
        (values.get("last_name") or "").strip(),
        dt.date.fromisoformat(birth),
    )


def _page_lookups(page, members) -> bulk.PageLookups:
    keys, national_ids, names = set(), set(), set()
    for _row, key, values in page:
        if values.get("submission_uuid"):
            keys.add(values["submission_uuid"])
        for member in members.get(key, []):
            with contextlib.suppress(NationalIdError):
                national_ids.add(_normalized_id(member["values"].get("national_id")))
            name = _name_key(member)
            if name is not None:
                names.add(name)
    return bulk.PageLookups(keys, national_ids, names)


def _plan_household(values, members, villages, column_names, lookups, seen, planner, parts):
    """A household's fate before any write: an Outcome (refused by a check of the rows
    themselves, worded as `_write` words it), bulk.Planned (a new household of new persons,
    written set-based), or bulk.SLOW (the services write it). The checks run in `_write`'s
    order, so the answer is the one `_write` gives."""
    try:
        _check_member_rows(members)
        village = villages.village(values, column_names)
        key = values.get("submission_uuid")
        if key and key in seen.keys:
            return seen.slow(key, members)  # this page's survey: the services decide
        if key and key in lookups.key_status:
            # An earlier import's survey: unchanged when submitted or verified (as `_write`
            # finds it, with nothing written), else updated through the services.
            if _unchanged(lookups.key_status[key]):
                seen.add(key, members)
                return Outcome("unchanged")
            return seen.slow(key, members)
        head = next(m for m in members if m["values"].get("relation") == Relation.HEAD)
        head_id = _national_id(head)
        if head_id in seen.national_ids:
            return seen.slow(key, members)
        if head_id in lookups.persons:
            # A known head: their household, maybe its survey of the round already submitted
            # or verified (unchanged, as `_existing_household` and `_write` find it).
            household_id, area = lookups.heads.get(head_id, (None, None))
            if household_id is not None and area == village.code:
                status = lookups.survey_status.get((household_id, values["fiscal_year"]))
                if status is not None and _unchanged(status):
                    seen.add(key, members)
                    return Outcome("unchanged")
            return seen.slow(key, members)
        surveyed_on = dt.date.fromisoformat(values["surveyed_on"])
        ids = _member_ids(members)
    except Refused as refused:
        return Outcome("rejected", [(refused.column, refused.error)])
    names = [_name_key(m) for m in members]
    names = [n for n in names if n is not None]
    known = (
        any(i in lookups.persons or i in seen.national_ids for i in ids.values())
        or len(set(names)) != len(names)
        or any(n in lookups.names or n in seen.names for n in names)
    )
    if known:
        # A known person (the services link or refuse them) or a duplicate-person candidate.
        return seen.slow(key, members)
    seen.add(key, members)
    return planner.plan(
        values=values,
        members=members,
        village=village,
        ids=ids,
        head=head,
        surveyed_on=surveyed_on,
        inputs_for=lambda survey_consent: survey_inputs(
            values, members, ids, parts, surveyed_on, survey_consent
        ),
    )


def _unchanged(status: str) -> bool:
    """A survey in this status is left as it is by an import (`_write`'s "unchanged")."""
    return not transitions.allows(status, transitions.EDIT)


def _member_ids(members: list[dict]) -> dict[int, str]:
    """The members' national IDs (by id() of the member), checked; Refused as `_write` says."""
    ids = {id(m): _national_id(m) for m in members}
    if len(set(ids.values())) != len(ids):
        raise Refused(
            "สมาชิก / members",
            _err("duplicate_member", "เลขประจำตัวประชาชนซ้ำกันในครัวเรือนเดียวกัน",
                 "The same national ID is given twice in this household."),
        )  # fmt: skip
    return ids


def _payload(value):
    return json.loads(value) if isinstance(value, str) else value


def _report_orphans(stage: str, seen_keys: set[str]) -> None:
    """Members rows whose household key names no households row: listed, never imported (the
    members of a households row rejected for its own cells are not listed again)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT m.row_number, m.hh_key FROM {stage} m
                WHERE m.kind = 'm' AND NOT EXISTS (
                    SELECT 1 FROM {stage} h WHERE h.kind = 'h' AND h.hh_key = m.hh_key)
                ORDER BY m.row_number LIMIT 10000"""
        )
        rows = cursor.fetchall()
    lines = []
    for sheet_row, key in rows:
        if key in seen_keys:
            continue
        error = _err(
            WARNING + "member_without_household",
            f"แถวที่ {sheet_row} ของแผ่นงานสมาชิก: ไม่มีครัวเรือนที่นำเข้าได้ตามรหัสนี้ สมาชิกจึงไม่ถูกนำเข้า",
            f"Members row {sheet_row}: no household that could be imported has this key; the "
            "member was not imported.",
            key or "",
        )
        lines.append(copy_staging.error_line(0, "สมาชิก / members", error))
    copy_staging.copy_lines(copy_staging.ERRORS, copy_staging.ERROR_COLUMNS, lines)


def write_household(*, actor, job, values, members, villages, parts, column_names) -> Outcome:
    """Write one household's survey in a savepoint; a refusal leaves nothing of it."""
    outcome = Outcome("rejected")
    try:
        with transaction.atomic():
            result, warnings = _write(actor, job, values, members, villages, parts, column_names)
            outcome.result = result
            outcome.errors.extend(warnings)
    except Refused as refused:
        outcome.errors.append((refused.column, refused.error))
    except (ValidationError, PermissionDenied) as error:
        thai = _messages(error)
        english = _refusal_in_english(
            lambda: _write(actor, job, values, members, villages, parts, column_names)
        )
        if english is None or len(english) != len(thai):
            english = thai
        for message_th, message_en in zip(thai, english, strict=True):
            outcome.errors.append(("", _err("refused", message_th, message_en)))
    return outcome


def _refusal_in_english(write) -> list[str] | None:
    """The services' refusal of a household in English, for the error report's English column:
    the household is written again in English, in a savepoint always rolled back (the services
    word their refusals in the language of the moment; refusals are few). None when the second
    try is not refused alike."""
    with translation.override("en"):
        savepoint = transaction.savepoint()
        try:
            write()
        except (ValidationError, PermissionDenied) as error:
            return _messages(error)
        except Refused:
            return None
        finally:
            transaction.savepoint_rollback(savepoint)
    return None


def _member_column(member: dict, column: str) -> str:
    return f"สมาชิก แถว {member['sheet_row']}: {column}"


def _check_member_rows(members: list[dict]) -> None:
    for member in members:
        for column, value, code, thai, english in member["errors"]:
            raise Refused(
                _member_column(member, column), RowError(column, value, code, thai, english)
            )
    heads = [m for m in members if m["values"].get("relation") == Relation.HEAD]
    if len(heads) != 1:
        raise Refused(
            "สมาชิก / members",
            _err("one_head", "ครัวเรือนต้องมีหัวหน้าครัวเรือนหนึ่งคนในแผ่นงานสมาชิก",
                 f"A household needs exactly one head on the members sheet ({len(heads)} found)."),
        )  # fmt: skip


def _national_id(member: dict) -> str:
    raw = member["values"].get("national_id")
    try:
        return _normalized_id(raw)
    except NationalIdError as error:
        raise Refused(
            _member_column(member, "เลขประจำตัวประชาชน"),
            _err("national_id", MESSAGES_TH[error.code], MESSAGES_EN[error.code], str(raw)),
        ) from None


def _existing_household(values, members, village) -> tuple[Household | None, Survey | None]:
    key = values.get("submission_uuid")
    if key:
        source = SurveySourceKey.objects.select_related("survey__household").filter(key=key)
        source = source.first()
        if source is not None:
            return source.survey.household, source.survey
    head = next(m for m in members if m["values"].get("relation") == Relation.HEAD)
    person = Person.objects.filter(national_id=_national_id(head)).first()
    if person is None:
        return None, None
    membership = (
        Membership.objects.filter(person=person, left_on__isnull=True, relation=Relation.HEAD)
        .select_related("household")
        .first()
    )
    if membership is None:
        return None, None  # the services decide (a member elsewhere is refused there)
    household = membership.household
    if household.area_id != village.code:
        raise Refused(
            _member_column(head, "เลขประจำตัวประชาชน"),
            _err("head_elsewhere",
                 "หัวหน้าครัวเรือนนี้เป็นหัวหน้าครัวเรือนในหมู่บ้านอื่นอยู่แล้ว การย้ายต้องทำผ่านคำขอย้าย",
                 "This head already heads a household in another village; a move needs a "
                 "transfer request."),
        )  # fmt: skip
    return household, None


def _write(actor, job, values, members, villages, parts, column_names):
    _check_member_rows(members)
    village = villages.village(values, column_names)
    household, survey = _existing_household(values, members, village)
    fiscal_year = values["fiscal_year"]
    if survey is None and household is not None:
        survey = Survey.objects.filter(household=household, fiscal_year=fiscal_year).first()
    if survey is not None and _unchanged(survey.status):
        return "unchanged", []
    surveyed_on = dt.date.fromisoformat(values["surveyed_on"])
    ids = _member_ids(members)
    head = next(m for m in members if m["values"].get("relation") == Relation.HEAD)
    if household is None:
        household = create_household(
            actor=actor,
            area=village,
            head=person_data(head, ids[id(head)]),
            house_number=values.get("house_number", ""),
            house_registration_code=values.get("house_registration_code", ""),
            joined_on=surveyed_on,
        )
    current = set(
        Membership.objects.filter(household=household, left_on__isnull=True).values_list(
            "person__national_id", flat=True
        )
    )
    for member in members:
        national_id = ids[id(member)]
        if national_id in current:
            continue
        add_member(
            actor=actor,
            household=household,
            person=person_data(member, national_id),
            relation=member["values"]["relation"],
            joined_on=surveyed_on,
        )
        current.add(national_id)
    result = "updated"
    if survey is None:
        survey = survey_services.start_survey(
            actor=actor, household=household, fiscal_year=fiscal_year, surveyed_on=surveyed_on
        )
        result = "created"
    warnings = _fill_and_submit(actor, survey, values, members, ids, parts, surveyed_on)
    _set_surveyor(survey, values, household, column_names)
    key = values.get("submission_uuid")
    if key:
        SurveySourceKey.objects.get_or_create(key=key[:200], defaults={"survey": survey})
    record_audit_event(
        actor=actor,
        action="survey.imported",
        target=survey,
        area_code=household.area_id,
        details={"import_job": str(job.public_id), "result": result},
    )
    return result, warnings


def _set_surveyor(survey, values, household, column_names) -> None:
    username = values.get("surveyor")
    if not username:
        return
    surveyor = get_user_model().objects.filter(username=username, is_active=True).first()
    if surveyor is None or not can(surveyor, Action.ENTER_SURVEY, area_code=household.area_id):
        raise Refused(
            column_names.get("surveyor", "surveyor"),
            _err("bad_surveyor", "ไม่พบผู้สำรวจชื่อนี้ในพื้นที่ของหมู่บ้านนี้",
                 "No surveyor of this village's area has this username.", username),
        )  # fmt: skip
    Survey.objects.filter(pk=survey.pk).update(surveyed_by=surveyor)


@dataclass
class SurveyInputs:
    """What a households row and its members rows ask of `save_survey_draft`, persons keyed by
    national ID; and the row's warnings (consent refused)."""

    consent: dict
    member_flags: dict[str, dict[str, bool]]
    indicator_results: dict
    capital_scores: dict
    accounts: dict
    needs: list | None
    needs_note: str | None
    warnings: list


def _fill_and_submit(actor, survey, values, members, ids, parts, surveyed_on):
    inputs = survey_inputs(values, members, ids, parts, surveyed_on, survey.sensitive_consent)
    persons = dict(
        Person.objects.filter(national_id__in=list(ids.values())).values_list("national_id", "pk")
    )
    survey = survey_services.save_survey_draft(
        actor=actor,
        survey=survey,
        step="review",
        consent=inputs.consent,
        member_flags={persons[n]: flags for n, flags in inputs.member_flags.items()} or None,
        indicator_results={
            (code, None if n is None else persons[n]): answer
            for (code, n), answer in inputs.indicator_results.items()
        }
        or None,
        capital_scores=inputs.capital_scores or None,
        accounts=inputs.accounts or None,
        needs=inputs.needs,
        needs_note=inputs.needs_note,
    )
    survey_services.submit_survey(actor=actor, survey=survey)
    return inputs.warnings


def survey_inputs(values, members, ids, parts, surveyed_on, survey_consent) -> SurveyInputs:
    """The answers of one household's rows as the draft service takes them (both writes);
    `survey_consent`: the survey's explicit consent before these rows."""
    with_consent = values.get("sensitive_consent", survey_consent)
    warnings: list[tuple[str, RowError]] = []
    consent = {
        name: values[name]
        for name in ("notice_given", "lawful_basis", "sensitive_consent", "consent_given_by",
                     "welfare_card_in_household")
        if name in values
    }  # fmt: skip
    consent["surveyed_on"] = surveyed_on
    member_flags: dict[str, dict[str, bool]] = {}
    indicator_results: dict = {}
    conditional = {i.code for i in parts.member_indicators if i.condition}
    for member in members:
        person_id = ids[id(member)]
        given = {f: member["values"][f] for f in SENSITIVE_MEMBER_FIELDS if f in member["values"]}
        refused = False
        if any(given.values()) and not with_consent:
            refused = True
            warnings.append(
                (
                    _member_column(member, ", ".join(given)),
                    _err(WARNING + "consent_refused",
                         "ไม่มีความยินยอมให้บันทึกข้อมูลสุขภาพและความพิการ ข้อมูลนี้ของสมาชิกจึงไม่ถูกบันทึก "
                         "(ส่วนอื่นของแบบสำรวจนำเข้าแล้ว)",
                         "No explicit consent to health and disability data: these answers "
                         "were not saved (the rest of the survey was imported)."),
                )
            )  # fmt: skip
        elif given and with_consent:
            member_flags[person_id] = given
        birth = member["values"].get("birth_date")
        age = age_on(dt.date.fromisoformat(birth), surveyed_on) if birth else None
        flags = {f: bool(given.get(f)) and not refused for f in SENSITIVE_MEMBER_FIELDS}
        for indicator in parts.member_indicators:
            answer = member["values"].get(f"ind_{indicator.code}")
            if answer is None or (refused and indicator.code in conditional):
                continue
            # Only the indicators the survey asks of this member (age, disability) are kept,
            # as on the members step of a typed survey.
            if not indicator_applies(
                min_age=indicator.min_age,
                max_age=indicator.max_age,
                condition=indicator.condition,
                age=age,
                flags=flags,
            ):
                continue
            indicator_results[(indicator.code, person_id)] = answer
    for indicator in parts.household_indicators:
        answer = values.get(f"ind_{indicator.code}")
        if answer is not None:
            indicator_results[(indicator.code, None)] = answer
    capital_scores = {
        item.code: values[f"cap_{item.code}"]
        for item in parts.items
        if f"cap_{item.code}" in values
    }
    accounts = {name: values[name] for name in SurveyAccounts.FIELDS if name in values}
    return SurveyInputs(
        consent=consent,
        member_flags=member_flags,
        indicator_results=indicator_results,
        capital_scores=capital_scores,
        accounts=accounts,
        needs=values.get("needs"),
        needs_note=values.get("needs_note"),
        warnings=warnings,
    )
