"""Writes of the privacy app (PDPA duties). Each checks the policy, writes in one transaction and
appends its audit row. Who may call them: users whose role grants HANDLE_DATA_REQUESTS in the
person's (or the breach's) area — provincial officers (policy.py)."""

import datetime as dt
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import (
    ClassificationResult,
    HouseholdStatus,
    IndicatorAnswer,
    Membership,
    Person,
    WelfareRegistrant,
)
from households.offline.services import scrub_changes_of_person
from households.services import correct_person_on_request, record_area_of
from households.surveys.services import classify_survey
from monitoring.rollup import queue_changes
from ppaos.accounts.policy import Action, require
from ppaos.audit.services import record_audit_event

from . import reminders, rules
from .models import (
    BreachReport,
    BreachStatus,
    BreachStep,
    DataSubjectRequest,
    ExportStatus,
    RequestKind,
    RequestStatus,
)

ERASED_NAME = "ลบตามคำขอ"  # shown where the name was (PDPA s.33)


def _audit(actor, action: str, request: DataSubjectRequest, **details) -> None:
    record_audit_event(
        actor=actor, action=action, target=request, area_code=request.area_id, details=details
    )


def log_data_request(
    *,
    actor,
    person: Person,
    kind: str,
    received_on: date,
    identity_method: str,
    details: str = "",
    requested_change: dict | None = None,
) -> DataSubjectRequest:
    """Log a data-subject request after the person's identity was checked by `actor`; the 30-day
    clock starts on `received_on`. An access request starts its export in the worker."""
    area = record_area_of(person)
    if not area:
        raise PermissionDenied(_("This person's record belongs to no area."))
    require(actor, Action.HANDLE_DATA_REQUESTS, area_code=area)
    if kind not in RequestKind.values:
        raise ValidationError({"kind": _("Choose a kind of request.")})
    if kind == RequestKind.CORRECTION and not requested_change:
        raise ValidationError({"details": _("Write the correction the person asks for.")})
    with transaction.atomic():
        request = DataSubjectRequest.objects.create(
            person=person,
            area_id=area,
            kind=kind,
            received_on=received_on,
            due_on=rules.request_due_on(received_on),
            identity_method=identity_method,
            identity_checked_by=actor,
            details=details.strip(),
            requested_change=requested_change or {},
            export_status=ExportStatus.PENDING if kind == RequestKind.ACCESS else ExportStatus.NONE,
        )
        _audit(actor, "privacy.request_logged", request, kind=kind, due_on=str(request.due_on))
        if kind == RequestKind.ACCESS:
            from .tasks import build_access_export

            request_id = request.pk
            transaction.on_commit(lambda: build_access_export.delay(request_id))
    return request


def _locked_open(request: DataSubjectRequest, actor) -> DataSubjectRequest:
    locked = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
    require(actor, Action.HANDLE_DATA_REQUESTS, locked)
    if locked.status != RequestStatus.OPEN:
        raise ValidationError(_("This request has already been answered."))
    return locked


def _close(request, actor, status: str, outcome: str) -> None:
    request.status = status
    request.outcome = outcome
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save()
    reminders.request_closed(request)


def complete_data_request(*, actor, request: DataSubjectRequest, outcome: str):
    """Record the answer to an access or objection request (a correction is completed by
    apply_correction, which writes it)."""
    with transaction.atomic():
        request = _locked_open(request, actor)
        if request.kind == RequestKind.ACCESS and request.export_status != ExportStatus.READY:
            raise ValidationError(_("The copy of the data is not ready yet."))
        if request.kind == RequestKind.CORRECTION:  # completed by applying it (apply_correction)
            raise ValidationError(_("Record the correction to complete this request."))
        _close(request, actor, RequestStatus.COMPLETED, outcome.strip())
        _audit(actor, "privacy.request_completed", request, kind=request.kind)
    return request


def refuse_data_request(*, actor, request: DataSubjectRequest, reason: str):
    if not reason.strip():
        raise ValidationError({"outcome": _("Write the legal reason for the refusal.")})
    with transaction.atomic():
        request = _locked_open(request, actor)
        _close(request, actor, RequestStatus.REFUSED, reason.strip())
        _audit(actor, "privacy.request_refused", request, kind=request.kind)
    return request


# --- Correction (s.35–36) -------------------------------------------------------------------------


def apply_correction(
    *, actor, request: DataSubjectRequest, field: str, value, outcome: str = ""
) -> DataSubjectRequest:
    """Record the corrected value of one field of the person's record, as the person asked: the
    change goes through the household app's member update (its checks and its `person.updated`
    audit row, which names this request), then the request is completed with its outcome and
    the fields corrected (not their values: the person's record holds them)."""
    with transaction.atomic():
        if _locked_open(request, actor).kind != RequestKind.CORRECTION:
            raise ValidationError(_("This is not a correction request."))
    if field == "birth_date" and isinstance(value, str):
        from ppaos.thai.thai_dates import ThaiDateError, parse_thai_date

        try:
            value = parse_thai_date(value)
        except ThaiDateError:
            raise ValidationError({"value": _("Write the date as dd/mm/yyyy (BE).")}) from None
    elif isinstance(value, str):
        value = value.strip()
    changed = correct_person_on_request(
        actor=actor,
        person=request.person,
        changes={field: value},
        request_ref=str(request.public_id),
    )
    with transaction.atomic():
        request = _locked_open(request, actor)
        request.requested_change = {**request.requested_change, "corrected": changed}
        text = outcome.strip() or (
            _("The person's record was corrected.")
            if changed
            else _("The record already held this value; nothing was changed.")
        )
        _close(request, actor, RequestStatus.COMPLETED, text)
        _audit(actor, "privacy.correction_applied", request, fields=changed)
    return request


# --- Withdrawal of consent (s.19 para. 5; sensitive data s.26) --------------------------------

SENSITIVE_FIELDS = ("has_disability", "has_chronic_illness", "is_bedridden")


def withdraw_consent(*, actor, request: DataSubjectRequest) -> DataSubjectRequest:
    """The person withdraws the explicit consent to health and disability data: their flags are
    cleared and the basic-needs answers that exist only because of them (indicators asked only of
    members with a condition) are removed; every verified classification of their households is
    recomputed with the same rule set, old and new level audited."""
    with transaction.atomic():
        request = _locked_open(request, actor)
        if request.kind != RequestKind.WITHDRAW_CONSENT:
            raise ValidationError(_("This is not a withdrawal of consent."))
        person = Person.objects.select_for_update().get(pk=request.person_id)
        Person.objects.filter(pk=person.pk).update(**dict.fromkeys(SENSITIVE_FIELDS, False))
        queue_changes(person_ids=[person.pk])  # an update fires no signal
        removed, _by_model = (
            IndicatorAnswer.objects.filter(person=person).exclude(indicator__condition="").delete()
        )
        scrub_changes_of_person(person)  # answers kept from phones (issue 16)
        household_ids = Membership.objects.filter(person=person).values("household_id")
        recomputed = 0
        for result in ClassificationResult.objects.filter(
            household_id__in=household_ids
        ).select_related("survey__household", "rule_set"):
            recomputed += _recompute(actor, result)
        record_audit_event(
            actor=actor,
            action="person.sensitive_data_removed",
            target=person,
            area_code=request.area_id,
            details={"answers_removed": removed, "data_request": str(request.public_id)},
        )
        _close(
            request,
            actor,
            RequestStatus.COMPLETED,
            _(
                "Consent withdrawn: health and disability data removed, %(n)s "
                "classifications recomputed."
            )
            % {"n": recomputed},
        )
        _audit(actor, "privacy.consent_withdrawn", request, answers_removed=removed)
    return request


def _recompute(actor, result: ClassificationResult) -> int:
    from households.surveys import classification

    outcome = classify_survey(result.survey, result.rule_set)
    old_level = result.level
    for capital in classification.CAPITALS:
        setattr(result, f"score_{capital}", outcome.capital_scores.get(capital))
    result.overall_score = outcome.overall_score
    result.level = outcome.level
    result.failed_dimensions = list(outcome.failed_dimensions)
    result.welfare_card_holder = outcome.welfare_card_holder
    result.target_poor = outcome.target_poor
    result.low_items = [item.as_dict() for item in outcome.low_items]
    result.save()
    record_audit_event(
        actor=actor,
        action="survey.classification_recomputed",
        target=result.survey,
        area_code=result.area_id,
        details={"old_level": old_level, "level": outcome.level, "reason": "consent_withdrawn"},
    )
    return 1


# --- Erasure (s.33) ------------------------------------------------------------------------------


def erasure_refusals_for(person: Person) -> list[str]:
    from referrals.models import Referral, ReferralStatus

    households = Membership.objects.filter(person=person).values("household_id")
    active = Membership.objects.filter(
        person=person, left_on__isnull=True, household__status=HouseholdStatus.ACTIVE
    ).exists()
    open_referral = (
        Referral.objects.filter(household_id__in=households)
        .exclude(
            status__in=[
                ReferralStatus.COMPLETED,
                ReferralStatus.REJECTED,
                ReferralStatus.CANCELLED,
                ReferralStatus.DRAFT,
            ]
        )
        .exists()
    )
    return rules.erasure_refusals(lives_in_active_household=active, has_open_referral=open_referral)


def erasure_refusal_text(code: str) -> str:
    return {
        rules.STILL_IN_ACTIVE_HOUSEHOLD: _(
            "The person lives in a household the province is helping: the registry keeps the "
            "record for its public task (PDPA s.33 para. 1, s.24(4))."
        ),
        rules.OPEN_REFERRAL: _(
            "A referral for help is still open: the record is needed until the agency closes "
            "it (PDPA s.33 para. 1, s.24(4) and (6))."
        ),
    }[code]


def erase_person(*, actor, request: DataSubjectRequest) -> DataSubjectRequest:
    """Anonymise the person where the law allows: name and national ID become placeholders, the
    birth date keeps its year (ages in the aggregates stay right), health flags and free text are
    cleared; memberships, surveys and classifications stay for the statistics. Where a duty to
    keep applies the request is refused with the legal reason instead."""
    with transaction.atomic():
        request = _locked_open(request, actor)
        if request.kind != RequestKind.ERASURE:
            raise ValidationError(_("This is not an erasure request."))
        person = Person.objects.select_for_update().get(pk=request.person_id)
        reasons = erasure_refusals_for(person)
        if reasons:
            text = " ".join(erasure_refusal_text(code) for code in reasons)
            _close(request, actor, RequestStatus.REFUSED, text)
            _audit(actor, "privacy.erasure_refused", request, reasons=reasons)
            return request
        anonymise_person(actor=actor, person=person, area_code=request.area_id)
        _close(request, actor, RequestStatus.COMPLETED, _("The person's record was anonymised."))
        _audit(actor, "privacy.erasure_done", request)
    return request


def anonymise_person(*, actor, person: Person, area_code: str, reason: str = "request") -> None:
    """Name and national ID become placeholders (in the welfare registry's row too), the birth
    date keeps its year, health flags and free text are cleared; audited. In the caller's
    transaction, with the person's row locked. `reason`: "request" (s.33) or "retention"."""
    old_id = person.national_id
    WelfareRegistrant.objects.filter(national_id=old_id).update(
        national_id=anonymous_national_id(person.pk),
        title="",
        first_name=ERASED_NAME,
        last_name="",
        phone="",
        birth_date=None,
    )
    person.national_id = anonymous_national_id(person.pk)
    person.title = ""
    person.first_name = ERASED_NAME
    person.last_name = ""
    if person.birth_date:
        person.birth_date = person.birth_date.replace(month=1, day=1)
    person.education = ""
    person.occupation = ""
    for name in SENSITIVE_FIELDS:
        setattr(person, name, False)
    person.save()
    scrub_changes_of_person(person)  # answers kept from phones (households/offline)
    record_audit_event(
        actor=actor,
        action="person.anonymised",
        target=person,
        area_code=area_code,
        details={"reason": reason},
    )


def is_anonymised(person: Person) -> bool:
    return person.first_name == ERASED_NAME and person.national_id.startswith("0")


def anonymous_national_id(pk: int) -> str:
    """A placeholder with a valid check digit (the registry's constraints ask for one) that starts
    with 0, which no real Thai ID does: it can never collide with a person's."""
    from ppaos.thai.thai_id import national_id_check_digit

    first12 = f"0{pk:011d}"
    return first12 + str(national_id_check_digit(first12))


# --- The 30-day clock's reminders (ppaos.notifications notices: privacy/reminders.py) -------

send_data_request_reminders = reminders.send_data_request_reminders


# --- Breach register (s.37(4)) ---------------------------------------------------------------


# A breach found or a reading window before the PDPA (B.E. 2562 = 2019) is a typing mistake.
BREACH_EARLIEST = dt.datetime(2019, 1, 1, tzinfo=dt.UTC)


def record_breach(
    *,
    actor,
    area_code: str,
    what_happened: str,
    found_at,
    suspect_user=None,
    window_start=None,
    window_end=None,
) -> BreachReport:
    """Record a suspected breach; the 72-hour notice clock runs from `found_at`."""
    require(actor, Action.HANDLE_DATA_REQUESTS, area_code=area_code)
    if not what_happened.strip():
        raise ValidationError({"what_happened": _("Describe what happened.")})
    for name, moment in (
        ("found_at", found_at),
        ("window_start", window_start),
        ("window_end", window_end),
    ):
        if moment is not None and not (BREACH_EARLIEST <= moment <= timezone.now()):
            raise ValidationError(
                {name: _("Give a time between 2019 (when the PDPA was enacted) and now.")}
            )
    with transaction.atomic():
        report = BreachReport.objects.create(
            area_id=area_code,
            what_happened=what_happened.strip(),
            found_at=found_at,
            suspect_user=suspect_user,
            window_start=window_start,
            window_end=window_end,
            reported_by=actor,
        )
        BreachStep.objects.create(report=report, to_status=report.status, actor=actor)
        record_audit_event(actor=actor, action="privacy.breach_recorded", target=report)
    return report


def move_breach(*, actor, report: BreachReport, to_status: str, note: str = "") -> BreachReport:
    """Move a breach report along BREACH_TRANSITIONS, with the step taken."""
    with transaction.atomic():
        report = BreachReport.objects.select_for_update().get(pk=report.pk)
        require(actor, Action.HANDLE_DATA_REQUESTS, report)
        if not rules.breach_may_move(report.status, to_status):
            raise ValidationError(_("This step is not possible from the report's current state."))
        step = BreachStep.objects.create(
            report=report, from_status=report.status, to_status=to_status, note=note, actor=actor
        )
        report.status = to_status
        if to_status == BreachStatus.NOTIFIED:
            report.notified_at = step.at
        report.save()
        record_audit_event(
            actor=actor,
            action="privacy.breach_moved",
            target=report,
            details={"from": step.from_status, "to": to_status},
        )
    return report
