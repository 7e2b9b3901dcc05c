"""The set-based write of a survey import: new households of new persons, a segment at a time.

Most households of a survey file are new: a household nobody registered, of persons the registry
does not know. For those, `writing.py` plans the household here instead of calling the services
one object at a time: the SAME checks run in Python (the services' own functions: national ID,
relation, person and household field validation, the visit date and round, the consent gate,
indicators, capital scores, accounts, needs, completeness, the derived income indicator), the
rows are built as the services would write them (the same values, statuses, versions,
transitions, audit rows and notices), and a segment of consecutive planned households is
written with one insert per table.

A household is planned only when nothing about it depends on another record: its submission key,
national IDs and (name, birth date) pairs match nothing in the database nor any earlier household
of the page, its village and surveyor are allowed, and every check passes. Anything else — a
known person, a duplicate-person candidate, a refusal whose message the services word — goes
through the services (`writing.write_household`) in file order, after the planned households
before it are written, so the result is the one a household-by-household run gives.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from ppaos.accounts.policy import Action, can
from ppaos.areas.models import Area
from ppaos.audit.services import audit_values, record_audit_events
from ppaos.core.copy_rows import copy_lines, copy_objects, copy_text, references_kept_by_caller

from ..models import (
    BasicNeedsIndicator,
    CapitalAnswer,
    CapitalItem,
    Household,
    IndicatorAnswer,
    LawfulBasis,
    Membership,
    Person,
    Relation,
    Survey,
    SurveyAccounts,
    SurveyInstrument,
    SurveyNeed,
    SurveySourceKey,
    SurveyStatus,
    SurveyTransition,
)
from ..services import check_relation, unsaved_person
from ..surveys import notices, transitions
from ..surveys import services as survey_services
from ..surveys.classification import age_on
from ..surveys.selectors import applicable_indicators, member_flags
from .columns import person_data

SLOW = object()  # the household goes through the services


@dataclass
class Planned:
    """One household's rows, as the services would write them (ids set when written)."""

    household: Household
    persons: list[Person]  # the head first, then the others in file order
    memberships: list[tuple]  # (relation, joined on), as `persons`
    survey: Survey
    indicators: list[tuple]  # (indicator id, person index or None, result)
    capitals: list[tuple]  # (item id, score)
    accounts: SurveyAccounts | None
    needs: list[str]
    source_key: str
    warnings: list = field(default_factory=list)


class PageLookups:
    """What a page of households finds in the database, one query each: submission keys (with
    their survey's status), persons by national ID (and, for those who head a household now,
    that household's village and its surveys' statuses by round), and (first name, last name,
    birth date) pairs that another person or registry row has (a duplicate-person candidate:
    the services flag it)."""

    def __init__(self, keys, national_ids, name_keys) -> None:
        self.key_status = dict(
            SurveySourceKey.objects.filter(key__in=list(keys)).values_list("key", "survey__status")
        )
        # Each value is probed in its table's index (LATERAL … LIMIT 1): a join the planner
        # may choose instead (sorting or hashing the whole table, whose statistics are stale
        # inside the import's one long transaction) grows with the registry, page after page.
        self.persons: set[str] = set()
        if national_ids:
            with connection.cursor() as cursor:
                cursor.execute(
                    """SELECT v.n FROM unnest(%s::text[]) AS v(n)
                       CROSS JOIN LATERAL (SELECT 1 FROM households_person t
                                           WHERE t.national_id = v.n LIMIT 1) AS found""",
                    [list(national_ids)],
                )
                self.persons.update(n for (n,) in cursor.fetchall())
        # national ID -> (household id, village code) of the household they head now
        self.heads: dict[str, tuple[int, str]] = {}
        # (household id, round) -> survey status
        self.survey_status: dict[tuple[int, int], str] = {}
        if self.persons:
            for national_id, household_id, area_id in Membership.objects.filter(
                person__national_id__in=list(self.persons),
                left_on__isnull=True,
                relation=Relation.HEAD,
            ).values_list("person__national_id", "household_id", "household__area_id"):
                self.heads[national_id] = (household_id, area_id)
            households = [household_id for household_id, _area in self.heads.values()]
            for household_id, fiscal_year, status in Survey.objects.filter(
                household_id__in=households
            ).values_list("household_id", "fiscal_year", "status"):
                self.survey_status[(household_id, fiscal_year)] = status
        self.names: set[tuple] = set()
        if name_keys:
            firsts, lasts, births = zip(*name_keys, strict=True)
            with connection.cursor() as cursor:
                for table in ("households_person", "households_welfareregistrant"):
                    cursor.execute(
                        f"""SELECT v.f, v.l, v.b
                            FROM unnest(%s::text[], %s::text[], %s::date[]) AS v(f, l, b)
                            CROSS JOIN LATERAL (
                                SELECT 1 FROM {table} t WHERE t.first_name = v.f
                                   AND t.last_name = v.l AND t.birth_date = v.b LIMIT 1
                            ) AS found""",
                        [list(firsts), list(lasts), list(births)],
                    )
                    self.names.update(cursor.fetchall())


class Planner:
    """Plans the new households of an import (see the module's docstring); one per job."""

    def __init__(self, *, actor, job, parts, instrument) -> None:
        self.actor = actor
        self.job = job
        self.parts = parts
        self.instrument = instrument
        self.rules = survey_services.current_rule_set()
        # The instrument's rows every planned answer references (all of them: a superset of a
        # segment's), locked with each segment's villages and users (write).
        indicators = parts.household_indicators + parts.member_indicators + parts.derived_indicators
        self._instrument_rows = [
            (SurveyInstrument, {instrument.pk}),
            (BasicNeedsIndicator, {indicator.pk for indicator in indicators}),
            (CapitalItem, {item.pk for item in parts.items}),
        ]
        self.today = timezone.localdate()
        self._allowed: dict[str, bool] = {}
        self._surveyors: dict[str, object] = {}
        self._verifiers: dict[str, list[int]] = {}

    def allowed(self, area_code: str) -> bool:
        """The uploader may create households and enter surveys in this village."""
        if area_code not in self._allowed:
            self._allowed[area_code] = can(
                self.actor, Action.EDIT_HOUSEHOLD, area_code=area_code
            ) and can(self.actor, Action.ENTER_SURVEY, area_code=area_code)
        return self._allowed[area_code]

    def surveyor(self, username: str, area_code: str):
        """The surveyor `_set_surveyor` would set, or SLOW when it would refuse."""
        cache_key = f"{username}\n{area_code}"
        if cache_key not in self._surveyors:
            user = get_user_model().objects.filter(username=username, is_active=True).first()
            ok = user is not None and can(user, Action.ENTER_SURVEY, area_code=area_code)
            self._surveyors[cache_key] = user if ok else SLOW
        return self._surveyors[cache_key]

    def verifiers(self, area_code: str) -> list[int]:
        if area_code not in self._verifiers:
            self._verifiers[area_code] = notices.verifier_ids_in(
                area_code, surveyed_by_id=self.actor.pk
            )
        return self._verifiers[area_code]

    def plan(self, *, values, members, village, ids, head, surveyed_on, inputs_for):
        """The rows of a new household with new persons, or SLOW when any check the services
        make would refuse it (they then refuse it with their own words)."""
        if not self.allowed(village.code) or (values.get("house_registration_code") or "").strip():
            return SLOW  # the services refuse (403) / the constraint check words it
        username = values.get("surveyor")
        surveyor = self.surveyor(username, village.code) if username else None
        if surveyor is SLOW:
            return SLOW
        try:
            return self._plan(values, members, village, ids, head, surveyed_on, surveyor,
                              inputs_for)  # fmt: skip
        except (ValidationError, PermissionDenied):
            return SLOW

    def _plan(self, values, members, village, ids, head, surveyed_on, surveyor, inputs_for):
        fiscal_year = values["fiscal_year"]
        household = Household(
            area=village,
            house_number=values.get("house_number", "").strip(),
            house_registration_code="",
        )
        # The village is one of the uploader's (Villages): its foreign key needs no query.
        household.full_clean(exclude=["area"], validate_unique=False, validate_constraints=False)
        ordered = [head] + [m for m in members if m is not head]
        persons, memberships = [], []
        for member in ordered:
            relation = Relation.HEAD if member is head else member["values"]["relation"]
            if member is not head:
                check_relation(relation)
                if relation == Relation.HEAD:
                    return SLOW
            national_id = ids[id(member)]
            person = unsaved_person(person_data(member, national_id), national_id)
            # The national ID is validated (13 digits: the table's check constraint).
            person.full_clean(validate_unique=False, validate_constraints=False)
            # The membership's own fields, as its full_clean checks them (household and
            # person are the rows written with it).
            for name, value in (("relation", relation), ("joined_on", surveyed_on)):
                Membership._meta.get_field(name).clean(value, None)
            persons.append(person)
            memberships.append((relation, surveyed_on))
        # start_survey
        survey_services.check_surveyed_on(surveyed_on, fiscal_year, today=self.today)
        survey = Survey(
            household=household,
            instrument=self.instrument,
            fiscal_year=fiscal_year,
            surveyed_by=self.actor,
            surveyed_on=surveyed_on,
            lawful_basis=LawfulBasis.PUBLIC_TASK,
            welfare_card_in_household=any(p.welfare_card_holder for p in persons),
        )
        inputs = inputs_for(survey.sensitive_consent)
        # save_survey_draft
        survey_services.check_consent(
            inputs.consent,
            fiscal_year=fiscal_year,
            sensitive_consent=survey.sensitive_consent,
            consent_given_by=survey.consent_given_by,
            sensitive_data_held=lambda: False,  # new persons: nothing recorded yet
            today=self.today,
        )
        for name, value in inputs.consent.items():
            setattr(survey, name, value)
        now = timezone.now()
        if inputs.consent.get("sensitive_consent"):
            survey.consent_recorded_at = now
        by_id = {person.national_id: person for person in persons}
        for national_id, flags in inputs.member_flags.items():
            updates = {survey_services.SENSITIVE_FLAGS[n]: bool(v) for n, v in flags.items()}
            if any(updates.values()) and not survey.sensitive_consent:
                return SLOW
            for name, value in updates.items():
                setattr(by_id[national_id], name, value)
        indicators = survey_services.checked_indicator_results(
            self.parts, inputs.indicator_results, set(by_id)
        )
        capitals = survey_services.checked_capital_scores(self.parts, inputs.capital_scores)
        survey_services.check_accounts(inputs.accounts)
        needs = list(inputs.needs or [])
        if inputs.needs is not None:
            survey_services.check_needs(needs, {})
        if inputs.needs_note is not None:
            survey.needs_note = inputs.needs_note.strip()
        survey.last_step = "review"
        accounts = None
        if inputs.accounts:  # as stored and read back (amounts as Decimal)
            fields = SurveyAccounts._meta
            accounts = SurveyAccounts(
                **{n: fields.get_field(n).to_python(v) for n, v in inputs.accounts.items()}
            )
        # submit_survey
        index = {person.national_id: n for n, person in enumerate(persons)}
        # `.id`, not the `pk` property: read for every answer of every household of a file.
        answered = {(i.id, key) for i, key, result in indicators if result is not None}
        scored = {item.id for item, score in capitals if score is not None}
        members_now = []
        for person in persons:
            flags = member_flags(person)
            age = age_on(person.birth_date, surveyed_on)
            members_now.append(
                (person.national_id, flags, applicable_indicators(self.parts, age, flags))
            )
        if survey_services.completeness_problems(
            survey, self.parts, members=members_now, answered=answered, scored=scored,
            accounts=accounts,
        ):  # fmt: skip
            return SLOW
        rows = [
            (indicator.id, None if key is None else index[key], result)
            for indicator, key, result in indicators
            if result is not None
        ]
        # The computed indicators (never among the answers: checked_indicator_results
        # refuses them), stored at submission.
        for indicator, result in survey_services.derived_indicator_results(
            self.parts, accounts, len(persons), self.rules
        ):
            rows.append((indicator.id, None, result))
        survey.status = transitions.next_status(transitions.INITIAL_STATUS, transitions.SUBMIT)
        survey.version = 1 + 1 + 1  # created, draft saved, submitted
        survey.submitted_at = now
        if surveyor is not None:
            survey.surveyed_by = surveyor
        return Planned(
            household=household,
            persons=persons,
            memberships=memberships,
            survey=survey,
            indicators=rows,
            capitals=[(item.id, score) for item, score in capitals if score is not None],
            accounts=accounts,
            needs=list(dict.fromkeys(needs)),
            source_key=(values.get("submission_uuid") or "")[:200],
            warnings=inputs.warnings,
        )

    # ---- writing a segment -----------------------------------------------------------------

    def write(self, planned: list[Planned]) -> None:
        """Insert the planned households' rows: one COPY per table for the whole segment. The
        few rows per household that audit rows name (households, persons, surveys) are model
        instances; the many small ones are written as plain values."""
        if not planned:
            return
        # Every foreign key of these rows names a row written just before in this
        # transaction, or one of the existing rows listed here (locked as the row-by-row
        # checks would lock them), so those checks are skipped where the role allows it.
        existing = [
            (Area, {p.household.area_id for p in planned}),
            (get_user_model(), {self.actor.pk} | {p.survey.surveyed_by_id for p in planned}),
            *self._instrument_rows,
        ]
        with references_kept_by_caller(existing):
            self._copy(planned)
        notices.new_surveys_submitted(
            [p.survey for p in planned], lambda s: self.verifiers(s.household.area_id)
        )

    def _copy(self, planned: list[Planned]) -> None:
        now = timezone.now()
        copy_objects(Household, [p.household for p in planned])
        copy_objects(Person, [x for p in planned for x in p.persons])
        for p in planned:
            p.survey.household = p.household
        copy_objects(Survey, [p.survey for p in planned])
        actor_id = self.actor.pk
        draft, submitted = transitions.INITIAL_STATUS, SurveyStatus.SUBMITTED
        # The many small rows are written as COPY text lines made here, on demand (copy_lines
        # streams them): ids are integers, codes come from the models' choices.
        at = copy_text(now)
        text = copy_text
        accounts_fields = list(SurveyAccounts.FIELDS)

        def memberships():
            for p in planned:
                household_id = p.household.pk
                for (relation, joined_on), person in zip(p.memberships, p.persons, strict=True):
                    yield (f"{at}\t{at}\t{household_id}\t{person.pk}\t{text(relation)}\t"
                           f"{joined_on.isoformat()}\t\\N\t\n")  # fmt: skip

        def transition_rows():
            opened = f"\t\t{text(draft)}\t{actor_id}\t\t{at}\n"
            sent = f"\t{text(draft)}\t{text(submitted)}\t{actor_id}\t\t{at}\n"
            for p in planned:
                yield f"{p.survey.pk}{opened}"
                yield f"{p.survey.pk}{sent}"

        def keys():
            for p in planned:
                if p.source_key:
                    yield f"{text(p.source_key)}\t{p.survey.pk}\t{at}\n"

        def indicator_rows():
            for p in planned:
                survey_id, person_ids = p.survey.pk, [person.pk for person in p.persons]
                for indicator_id, person_index, result in p.indicators:
                    person = "\\N" if person_index is None else person_ids[person_index]
                    yield f"{survey_id}\t{indicator_id}\t{person}\t{text(result)}\n"

        def capital_rows():
            for p in planned:
                survey_id = p.survey.pk
                for item_id, score in p.capitals:
                    yield f"{survey_id}\t{item_id}\t{int(score)}\n"

        def accounts_rows():
            for p in planned:
                if p.accounts is not None:
                    values = [text(getattr(p.accounts, name)) for name in accounts_fields]
                    yield "\t".join([str(p.survey.pk), *values]) + "\n"

        def need_rows():
            for p in planned:
                for category in p.needs:
                    yield f"{p.survey.pk}\t{text(category)}\t\n"

        copy_lines(Membership, ["created_at", "updated_at", "household_id", "person_id",
                                "relation", "joined_on", "left_on", "left_reason"],
                   memberships())  # fmt: skip
        copy_lines(SurveyTransition, ["survey_id", "from_status", "to_status", "actor_id",
                                      "comment", "at"], transition_rows())  # fmt: skip
        copy_lines(SurveySourceKey, ["key", "survey_id", "created_at"], keys())
        copy_lines(IndicatorAnswer, ["survey_id", "indicator_id", "person_id", "result"],
                   indicator_rows())  # fmt: skip
        copy_lines(CapitalAnswer, ["survey_id", "item_id", "score"], capital_rows())
        copy_lines(SurveyAccounts, ["survey_id", *accounts_fields], accounts_rows())
        copy_lines(SurveyNeed, ["survey_id", "category", "detail"], need_rows())
        record_audit_events([row for p in planned for row in self._audit(p, now)])

    def _audit(self, p: Planned, at):
        """The audit rows the services append for this household, in their order."""
        actor, household, survey = self.actor, p.household, p.survey
        yield audit_values(actor=actor, action="household.created", target=household, at=at)
        for person, (relation, _joined_on) in zip(p.persons, p.memberships, strict=True):
            yield audit_values(actor=actor, action="person.created", target=person, at=at)
            yield audit_values(
                actor=actor,
                action="household.member_added",
                target=household,
                details={"person": str(person.public_id), "relation": relation},
                at=at,
            )
        area = household.area_id
        yield audit_values(actor=actor, action="survey.started", target=survey, area_code=area,
                           details={"fiscal_year": survey.fiscal_year}, at=at)  # fmt: skip
        yield audit_values(actor=actor, action="survey.draft_saved", target=survey,
                           area_code=area, details={"step": "review"}, at=at)  # fmt: skip
        yield audit_values(actor=actor, action="survey.submitted", target=survey,
                           area_code=area, at=at)  # fmt: skip
        yield audit_values(
            actor=actor,
            action="survey.imported",
            target=survey,
            area_code=area,
            details={"import_job": str(self.job.public_id), "result": "created"},
            at=at,
        )
