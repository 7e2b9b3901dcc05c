"""Applying a survey change saved on a phone without a signal (issue 16).

A change names the household, the survey (none when the phone started this round's survey
offline), the step, the step's values as the phone saved them, the survey version they were
based on and a change id made on the phone. It is applied through the same step forms and
services as a survey typed online (households/surveys/step_forms.py → save_survey_draft /
start_survey / submit_survey): the same permission, area scope, state, consent rules and audit.

- A change based on an older version than the survey's is not applied: the answer is a
  conflict with both sides, field by field; both are kept (OfflineChange) and the conflict is
  audited. The facilitator settles it with a later change that `resolves` it.
- A change the rules refuse is answered with the reason and stays on the phone.
- The same change sent again gets the first answer again and changes nothing (change id).
"""

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ppaos.accounts.policy import Action, require
from ppaos.audit.services import record_audit_event
from ppaos.thai.thai_dates import fiscal_year_be

from ..models import OfflineChange, OfflineChangeStatus, Survey
from ..surveys.selectors import instrument_parts
from ..surveys.services import start_survey, submit_survey
from ..surveys.step_forms import build_step_form, save_step_form
from .rules import ANSWER_STEPS, step_values

SUBMIT_STEP = "submit"


@dataclass
class ChangeAnswer:
    status_code: int
    body: dict


def _messages(error: ValidationError) -> dict:
    return error.message_dict if hasattr(error, "error_dict") else {"": error.messages}


def _step_values_of(survey: Survey, step: str, data=None) -> dict:
    if step not in ANSWER_STEPS:
        return {}
    parts = instrument_parts(survey.instrument)
    form = build_step_form(step, survey, parts, data)
    return step_values(form, bound=data is not None)


# What stays of an answer once its change is settled (applied, refused or resolved): enough to
# answer a resend the same way, none of the answers themselves (health data among them).
REPLAY_KEYS = (
    "status",
    "survey",
    "version",
    "survey_status",
    "step",
    "base_version",
    "server_version",
    "editable",
    "differing",
)


def replay_body(body: dict) -> dict:
    """The answer without the survey's answers: ids, versions, status and outcome only. Field
    errors keep only the names of the fields (their messages may quote what was typed)."""
    kept = {key: body[key] for key in REPLAY_KEYS if key in body}
    if "errors" in body:
        kept["errors"] = {name: [] for name in body["errors"]}
        if "" in body["errors"]:
            kept["errors"][""] = list(body["errors"][""])
    return kept


def _record(actor, change_id, household, survey, step, base_version, fields, answer, **extra):
    """Keep the change; the phone's and the server's answers only while it is a conflict."""
    waiting = extra.get("status") == OfflineChangeStatus.CONFLICT
    if not waiting:
        extra.pop("server_fields", None)
    return OfflineChange.objects.create(
        change_id=change_id,
        user=actor,
        household=household,
        survey=survey,
        step=step,
        base_version=base_version,
        fields=fields if waiting else {},
        response_status=answer.status_code,
        response=answer.body if waiting else replay_body(answer.body),
        **extra,
    )


def _refused(actor, change_id, household, survey, step, base_version, fields, error):
    """The change was refused by the survey's rules: kept as refused, answered 400 with why."""
    answer = ChangeAnswer(400, {"status": "refused", "errors": _messages(error)})
    _record(
        actor,
        change_id,
        household,
        survey,
        step,
        base_version,
        fields,
        answer,
        status=OfflineChangeStatus.REFUSED,
    )
    return answer


def _scrub(changes) -> int:
    """Clear the answers kept in these changes (ids, status and outcome stay)."""
    count = 0
    for change in changes.select_for_update(of=("self",)):
        change.fields = {}
        change.server_fields = {}
        change.response = replay_body(change.response)
        change.save(update_fields=["fields", "server_fields", "response", "updated_at"])
        count += 1
    return count


def scrub_changes_of_person(person) -> int:
    """Withdrawal of consent or erasure (privacy/services.py): clear every answer kept in the
    changes sent for the person's households, waiting conflicts included. Returns the count."""
    from ..models import Membership

    households = Membership.objects.filter(person=person).values("household_id")
    return _scrub(OfflineChange.objects.filter(household_id__in=households))


def apply_offline_change(
    *,
    actor,
    change_id,
    household,
    survey: Survey | None,
    step: str,
    fields: dict,
    base_version: int,
    resolves_id=None,
    choices: dict | None = None,
) -> ChangeAnswer:
    """Apply one change from a phone; see the module docstring for the rules.

    `household` comes from the caller's scoped queryset for entering surveys, `survey` (when
    given) from the scoped editable surveys: the views answer 404 outside the user's areas and
    403 for a role without the action before this is called. Side effects: the survey services'
    writes and audit rows; an OfflineChange row; a conflict's own audit row.
    """
    with transaction.atomic():
        # The change id is the phone's, so it is the user's: another user's change with the same
        # id is simply another change (no answer tells them it exists). A resend arriving while
        # the first is still being applied waits here for it, then gets its answer.
        _lock_change_id(actor, change_id)
        done = OfflineChange.objects.filter(user=actor, change_id=change_id).first()
        if done is not None:
            return ChangeAnswer(done.response_status, {**done.response, "replayed": True})
        require(actor, Action.ENTER_SURVEY, household)
        if step not in (*ANSWER_STEPS, SUBMIT_STEP):
            return ChangeAnswer(400, {"status": "refused", "errors": {"": [_("Unknown step.")]}})
        if survey is None:
            # Two phones may start the same round: the household row is the lock, and the one
            # that comes second meets the first one's survey as a conflict (version 0 against it).
            type(household).objects.select_for_update().filter(pk=household.pk).first()
            surveyed_on = _surveyed_on(step, fields)
            survey = Survey.objects.filter(
                household=household, fiscal_year=fiscal_year_be(surveyed_on)
            ).first()
            if survey is None:
                try:
                    with transaction.atomic():
                        survey = start_survey(
                            actor=actor, household=household, surveyed_on=surveyed_on
                        )
                except ValidationError as error:
                    survey = Survey.objects.filter(
                        household=household, fiscal_year=fiscal_year_be(surveyed_on)
                    ).first()
                    if survey is None:
                        return _refused(
                            actor, change_id, household, None, step, base_version, fields, error
                        )
                    base_version = 0  # started meanwhile by another phone: a conflict
                else:
                    base_version = survey.version  # the phone's first change of a new survey
            else:
                base_version = 0  # started on another phone or online: a conflict against it
        survey = (
            Survey.objects.select_for_update(of=("self",))
            .select_related("household", "instrument")
            .get(pk=survey.pk)
        )
        if survey.household_id != household.pk:
            return ChangeAnswer(400, {"status": "refused", "errors": {"": [_("Wrong household.")]}})
        resolved = None
        if resolves_id:
            resolved = OfflineChange.objects.filter(
                change_id=resolves_id, user=actor, survey=survey
            ).first()
        if base_version != survey.version:
            return _conflict(actor, change_id, household, survey, step, base_version, fields)
        try:
            with transaction.atomic():
                errors = _apply(actor, survey, step, fields)
        except ValidationError as error:
            return _refused(actor, change_id, household, survey, step, base_version, fields, error)
        survey.refresh_from_db()
        answer = ChangeAnswer(
            200,
            {
                "status": "applied",
                "survey": str(survey.public_id),
                "version": survey.version,
                "survey_status": survey.status,
                "errors": errors,
                "values": _step_values_of(survey, step) if survey.is_editable else {},
            },
        )
        _record(
            actor,
            change_id,
            household,
            survey,
            step,
            base_version,
            fields,
            answer,
            status=OfflineChangeStatus.APPLIED,
            result_version=survey.version,
            resolves=resolved,
        )
        if resolved is not None:
            resolved.status = OfflineChangeStatus.RESOLVED
            resolved.fields = {}
            resolved.server_fields = {}
            resolved.response = replay_body(resolved.response)
            resolved.save(
                update_fields=["status", "fields", "server_fields", "response", "updated_at"]
            )
            record_audit_event(
                actor=actor,
                action="survey.offline_conflict_resolved",
                target=survey,
                area_code=household.area_id,
                details={
                    "change": str(change_id),
                    "resolves": str(resolves_id),
                    "step": step,
                    "version": survey.version,
                    "chosen": {
                        name: ("phone" if side == "phone" else "server")
                        for name, side in (choices or {}).items()
                    },
                },
            )
        return answer


def _lock_change_id(actor, change_id) -> None:
    """Serialise the requests carrying the same user's change id (until the transaction ends)."""
    key = int.from_bytes(
        hashlib.blake2b(f"{actor.pk}:{change_id}".encode(), digest_size=8).digest(),
        "big",
        signed=True,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _surveyed_on(step: str, fields: dict) -> dt.date:
    """The visit date the phone sent with the consent step (its round is the survey's round),
    else today. A date that is not one is left to the step form to refuse."""
    if step == "consent" and fields.get("surveyed_on"):
        try:
            return dt.date.fromisoformat(str(fields["surveyed_on"]))
        except ValueError:
            pass
    return timezone.localdate()


def _apply(actor, survey: Survey, step: str, fields: dict) -> dict:
    """Save the step like the survey page does; returns the field errors (valid parts saved)."""
    if step == SUBMIT_STEP:
        submit_survey(actor=actor, survey=survey)
        return {}
    parts = instrument_parts(survey.instrument)
    form = build_step_form(step, survey, parts, fields)
    form.is_valid()
    flags_changed = save_step_form(step, survey, form, actor, expected_version=survey.version)
    if flags_changed:
        # A disability flag changes which indicators are asked about the member (indicator
        # 28): the answers sent with it are read again by the form the flag now gives.
        survey.refresh_from_db()
        form = build_step_form(step, survey, parts, fields)
        form.is_valid()
        save_step_form(step, survey, form, actor)
    return {name: [str(e) for e in errs] for name, errs in form.errors.items()}


def _conflict(actor, change_id, household, survey, step, base_version, fields) -> ChangeAnswer:
    """A change based on an older version: nothing applied; both sides answered and kept."""
    server = _step_values_of(survey, step) if survey.is_editable else {}
    mine = _step_values_of(survey, step, fields) if survey.is_editable else fields
    differing = sorted(name for name in mine if mine.get(name) != server.get(name))
    answer = ChangeAnswer(
        409,
        {
            "status": "conflict",
            "survey": str(survey.public_id),
            "step": step,
            "base_version": base_version,
            "server_version": survey.version,
            "survey_status": survey.status,
            "editable": survey.is_editable,
            "server": server,
            "mine": mine,
            "differing": differing,
        },
    )
    _record(
        actor,
        change_id,
        household,
        survey,
        step,
        base_version,
        fields,
        answer,
        status=OfflineChangeStatus.CONFLICT,
        server_fields=server,
        server_version=survey.version,
    )
    record_audit_event(
        actor=actor,
        action="survey.offline_conflict",
        target=survey,
        area_code=household.area_id,
        details={
            "change": str(change_id),
            "step": step,
            "base_version": base_version,
            "server_version": survey.version,
            "differing": differing,
        },
    )
    return answer
