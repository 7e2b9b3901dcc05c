"""Every write about referrals (DESIGN.md §5): keyword-only arguments, the acting user first, one
transaction, the permission check, the state check against `transitions.TRANSITIONS`, the
write, a history row, the notices to whoever acts next (notices.py), and the audit row.

Changes of state lock the referral row (`select_for_update`): when two officers approve the
same referral at the same moment, the second waits for the first, then finds it approved and is
told so (`ReferralRefused`)."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.selectors import current_members_of
from ppaos.accounts.policy import Action, require
from ppaos.audit.services import record_audit_event

from . import notices, transitions
from .models import (
    PROGRESS_NOTE_MAX,
    HelpArrived,
    HelpEffect,
    Referral,
    ReferralFollowUp,
    ReferralProgressNote,
    ReferralStatus,
    ReferralTransition,
    Service,
    Urgency,
)
from .selectors import agency_serves, parties_of

# How each transition reads in a sentence ("… cannot be approved").
TRANSITION_VERBS = {
    "submit": gettext_lazy("submitted"),
    "cancel": gettext_lazy("cancelled"),
    "approve": gettext_lazy("approved"),
    "reject": gettext_lazy("rejected"),
    "accept": gettext_lazy("accepted"),
    "decline": gettext_lazy("declined"),
    "reroute": gettext_lazy("re-routed"),
    "start": gettext_lazy("started"),
    "complete": gettext_lazy("completed"),
}
PARTY_LABELS = {
    transitions.Party.PROPOSER: gettext_lazy("the facilitator or area manager of its area"),
    transitions.Party.OFFICER: gettext_lazy("a provincial officer of its province"),
    transitions.Party.AGENCY: gettext_lazy("the agency it was sent to"),
}


class ReferralRefused(Exception):
    """A change the rules do not allow, with a message for the person who asked.

    `code`: "not_in_table" (not from this state), "changed" (someone acted first), "wrong_party"
    (not this user's step), "note_required", or "invalid" (the request itself is wrong).
    """

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def _status_label(status: str) -> str:
    return str(ReferralStatus(status).label)


def _refusal_message(refused: transitions.TransitionRefused) -> str:
    verb = TRANSITION_VERBS.get(refused.name, refused.name)
    state = _status_label(refused.source)
    if refused.code == transitions.TransitionRefused.WRONG_PARTY:
        parties = _(" or ").join(str(PARTY_LABELS[p]) for p in sorted(refused.parties))
        return _("A referral that is “%(state)s” can be %(verb)s only by %(parties)s.") % {
            "state": state,
            "verb": verb,
            "parties": parties,
        }
    if refused.code == transitions.TransitionRefused.NOTE_REQUIRED:
        if refused.name == "complete":
            return _("Describe the outcome: what was done for the household.")
        return _("Give a reason.")
    return _("A referral that is “%(state)s” cannot be %(verb)s.") % {"state": state, "verb": verb}


def _check_service_offered(service: Service, area_code: str) -> None:
    """Refuse unless the service and its agency are active and the agency serves the area."""
    if not (service.is_active and service.agency.is_active):
        raise ReferralRefused(
            _("%(service)s is no longer offered.") % {"service": service.name_th}, code="invalid"
        )
    if not agency_serves(service.agency, area_code):
        raise ReferralRefused(
            _("%(agency)s does not serve this household's village.")
            % {"agency": service.agency.name_th},
            code="invalid",
        )


def _change_state(actor, *, referral: Referral, name: str, note: str = "", **changes) -> Referral:
    """Lock the row, check the table, write the new state, history, notifications and audit."""
    with transaction.atomic():
        locked = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("service")
            .get(pk=referral.pk)
        )
        parties = parties_of(actor, locked)
        if not parties:
            raise PermissionDenied(_("You do not have permission to do this."))
        seen = referral.status
        try:
            transition = transitions.check_transition(name, locked.status, parties, note)
        except transitions.TransitionRefused as refused:
            if seen != locked.status and refused.code == transitions.TransitionRefused.NOT_IN_TABLE:
                raise ReferralRefused(
                    _("Someone else acted on this referral first: it is now “%(state)s”.")
                    % {"state": _status_label(locked.status)},
                    code="changed",
                ) from refused
            raise ReferralRefused(_refusal_message(refused), code=refused.code) from refused
        previous = locked.status
        for field, value in changes.items():
            setattr(locked, field, value)
        if transition.target == ReferralStatus.APPROVED:
            # Sent to an agency (approve, re-route): the service, read afresh, must still be
            # offered there; the catalogue may have changed since the referral was proposed.
            locked.service = Service.objects.select_related("agency").get(pk=locked.service_id)
            _check_service_offered(locked.service, locked.area_id)
        locked.status = transition.target
        if transition.target == ReferralStatus.SUBMITTED:
            locked.submitted_at = timezone.now()
        if transition.target == ReferralStatus.APPROVED:
            locked.agency_id = locked.service.agency_id
            locked.due_on = transitions.due_date(
                timezone.localdate(), locked.service.expected_days, locked.urgency
            )
        if transition.target == ReferralStatus.COMPLETED:
            locked.completed_at = timezone.now()
        locked.save()
        ReferralTransition.objects.create(
            referral=locked,
            from_status=previous,
            to_status=locked.status,
            actor=actor,
            agency_id=locked.agency_id if transition.target == ReferralStatus.APPROVED else None,
            note=note.strip(),
        )
        notices.step_taken(locked, previous, actor)
        record_audit_event(
            actor=actor,
            action=f"referral.{transition.name}",
            target=locked,
            area_code=locked.area_id,
            details={"from": previous, "to": locked.status, "service": locked.service.code},
        )
    return locked


def propose_referral(
    actor,
    *,
    household,
    service: Service,
    need: str,
    reason: str = "",
    urgency: str = Urgency.NORMAL,
    person=None,
    contact_phone: str = "",
    submit: bool = True,
) -> Referral:
    """A facilitator or area manager proposes help for a household in their area.

    The service must be active and its agency must serve the household's village; the person, if
    named, must live in the household now. Creates a draft (history row ∅ → draft) and, unless
    `submit=False`, submits it at once so provincial officers are notified.
    """
    require(actor, Action.PROPOSE_REFERRAL, household)
    if not need.strip():
        raise ReferralRefused(_("Describe what the household needs."), code="invalid")
    if urgency not in Urgency.values:
        raise ReferralRefused(_("Choose an urgency."), code="invalid")
    _check_service_offered(service, household.area_id)
    if person is not None and not current_members_of(household).filter(person=person).exists():
        raise ReferralRefused(_("This person does not live in the household."), code="invalid")
    with transaction.atomic():
        referral = Referral.objects.create(
            household=household,
            person=person,
            area_id=household.area_id,
            service=service,
            agency=service.agency,
            need=need.strip(),
            reason=reason.strip(),
            urgency=urgency,
            contact_phone=contact_phone.strip(),
            proposed_by=actor,
        )
        ReferralTransition.objects.create(
            referral=referral, from_status="", to_status=ReferralStatus.DRAFT, actor=actor
        )
        record_audit_event(
            actor=actor,
            action="referral.proposed",
            target=referral,
            area_code=referral.area_id,
            details={"service": service.code, "urgency": urgency},
        )
        if submit:
            referral = submit_referral(actor, referral=referral)
    return referral


def submit_referral(actor, *, referral: Referral) -> Referral:
    """Send a draft to the provincial officers (proposer only)."""
    return _change_state(actor, referral=referral, name="submit")


def approve_referral(actor, *, referral: Referral, note: str = "") -> Referral:
    """A provincial officer sends a submitted referral to its service's agency; the due date
    starts now (the service's expected days, shortened by urgency). Refused when the service or
    its agency is no longer active, or the agency no longer serves the household's village."""
    return _change_state(actor, referral=referral, name="approve", note=note)


def reject_referral(actor, *, referral: Referral, reason: str) -> Referral:
    """A provincial officer refuses a submitted (or declined) referral; a reason is required."""
    return _change_state(actor, referral=referral, name="reject", note=reason)


def reroute_referral(actor, *, referral: Referral, service: Service, note: str = "") -> Referral:
    """A provincial officer sends a declined referral on to another (or the same) service, which
    must still be offered in the household's village (checked with the state)."""
    return _change_state(actor, referral=referral, name="reroute", note=note, service=service)


def accept_referral(actor, *, referral: Referral, note: str = "") -> Referral:
    """Agency staff take on an approved referral sent to their agency."""
    return _change_state(actor, referral=referral, name="accept", note=note)


def decline_referral(actor, *, referral: Referral, reason: str) -> Referral:
    """Agency staff cannot help: the referral returns to the officers to re-route."""
    return _change_state(actor, referral=referral, name="decline", note=reason)


def start_referral(actor, *, referral: Referral, note: str = "") -> Referral:
    """Agency staff record that work for the household has begun."""
    return _change_state(actor, referral=referral, name="start", note=note)


def complete_referral(
    actor, *, referral: Referral, outcome: str, help_value: Decimal | None = None
) -> Referral:
    """Agency staff record the outcome and, when it has one, the value of the help in baht."""
    if help_value is not None and help_value < 0:
        raise ReferralRefused(_("The value of help cannot be negative."), code="invalid")
    return _change_state(
        actor,
        referral=referral,
        name="complete",
        note=outcome,
        outcome=outcome.strip(),
        help_value=help_value,
    )


def cancel_referral(actor, *, referral: Referral, reason: str = "") -> Referral:
    """Withdraw a referral: the proposer while it waits for approval, an officer until done."""
    return _change_state(actor, referral=referral, name="cancel", note=reason)


def approve_referrals(actor, *, referrals, note: str = "") -> tuple[list, list]:
    """Approve several referrals, each in its own transaction: one refused does not stop the
    others. Returns (approved, [(referral, ReferralRefused), …])."""
    return _in_batch(approve_referral, actor, referrals, note=note)


def reject_referrals(actor, *, referrals, reason: str) -> tuple[list, list]:
    """Reject several referrals with one reason (required), each in its own transaction."""
    return _in_batch(reject_referral, actor, referrals, reason=reason)


def _in_batch(service, actor, referrals, **kwargs) -> tuple[list, list]:
    done, refused = [], []
    for referral in referrals:
        try:
            done.append(service(actor, referral=referral, **kwargs))
        except ReferralRefused as error:
            refused.append((referral, error))
        except PermissionDenied as error:
            refused.append((referral, ReferralRefused(str(error), code="wrong_party")))
    return done, refused


def record_follow_up(
    actor, *, referral: Referral, arrived: str, effect: str, note: str = ""
) -> ReferralFollowUp:
    """At the next survey the facilitator confirms whether the help arrived and helped.

    Only for a completed referral, by a facilitator or area manager of its area; once per
    referral (a second answer replaces nothing: it is refused).
    """
    require(actor, Action.PROPOSE_REFERRAL, referral)
    if arrived not in HelpArrived.values or effect not in HelpEffect.values:
        raise ReferralRefused(_("Answer both questions."), code="invalid")
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.status != ReferralStatus.COMPLETED:
            raise ReferralRefused(
                _("Only a completed referral can be followed up."), code="not_in_table"
            )
        if ReferralFollowUp.objects.filter(referral=locked).exists():
            raise ReferralRefused(
                _("The follow-up of this referral is already recorded."), code="changed"
            )
        follow_up = ReferralFollowUp.objects.create(
            referral=locked, arrived=arrived, effect=effect, note=note.strip(), recorded_by=actor
        )
        notices.followed_up(locked)
        record_audit_event(
            actor=actor,
            action="referral.followed_up",
            target=locked,
            area_code=locked.area_id,
            details={"arrived": arrived, "effect": effect},
        )
    return follow_up


def add_progress_note(actor, *, referral: Referral, text: str) -> ReferralProgressNote:
    """The agency writes down what it did so far on a referral it is working on (accepted or in
    progress); the note joins the referral's history. Only staff of the referral's agency."""
    text = text.strip()
    if not text:
        raise ReferralRefused(_("Write what was done."), code="note_required")
    if len(text) > PROGRESS_NOTE_MAX:
        raise ReferralRefused(
            _("A progress note has at most %(n)s characters.") % {"n": PROGRESS_NOTE_MAX},
            code="invalid",
        )
    with transaction.atomic():
        locked = Referral.objects.select_for_update(of=("self",)).get(pk=referral.pk)
        if transitions.Party.AGENCY not in parties_of(actor, locked):
            raise PermissionDenied(_("You do not have permission to do this."))
        if locked.status not in transitions.AGENCY_WORKING_STATES:
            raise ReferralRefused(
                _("Only a referral the agency is working on takes progress notes: it is “%(s)s”.")
                % {"s": _status_label(locked.status)},
                code="not_in_table",
            )
        note = ReferralProgressNote.objects.create(referral=locked, author=actor, text=text)
        record_audit_event(
            actor=actor,
            action="referral.progress_noted",
            target=locked,
            area_code=locked.area_id,
            details={"status": locked.status},
        )
        notices.progress_noted(locked)
    return note


def record_agency_view(actor, *, referral: Referral) -> None:
    """Agency staff opened a household's referral (name, contact, address): PDPA wants every view
    of a person's record in the audit log."""
    record_audit_event(
        actor=actor, action="referral.viewed_by_agency", target=referral, area_code=referral.area_id
    )


def record_referral_viewed(actor, *, referral: Referral) -> None:
    """A case worker opened a referral (the person helped, the need, the reason): PDPA wants
    every view of a person's record in the audit log."""
    record_audit_event(
        actor=actor, action="referral.viewed", target=referral, area_code=referral.area_id
    )
