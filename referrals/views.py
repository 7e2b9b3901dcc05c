"""Browser pages for referrals. Pattern (ppaos.accounts.policy): the role check first (403), the
object from a scoped selector (404 outside the scope), then the service, which checks the rest.
Agency staff only ever reach the agency pages, which read `referrals_for_agency` (minimal)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from households import services as household_services
from households.selectors import current_persons_of
from ppaos.accounts.policy import (
    Action,
    can,
    ensure_role_allows,
    has_any_assignment,
    role_grants,
)
from ppaos.audit.reads import audit_page_read

from . import selectors, services, transitions
from .forms import (
    BatchDecisionForm,
    CompleteForm,
    FollowUpForm,
    NoteForm,
    ProgressNoteForm,
    ProposeReferralForm,
    RerouteForm,
)
from .models import ReferralStatus
from .services import ReferralRefused


def _ensure_case_worker(user) -> None:
    """403 unless the user's roles propose or approve referrals (no assignment: empty scope)."""
    if has_any_assignment(user) and not (
        role_grants(user, Action.PROPOSE_REFERRAL) or role_grants(user, Action.APPROVE_REFERRAL)
    ):
        raise PermissionDenied(_("Your role does not allow this."))


def _household_or_404(user, public_id):
    return get_object_or_404(selectors.households_for_referrals(user), public_id=public_id)


@login_required
def household_referrals(request, household_id):
    """A household's referrals (with outcomes and history) and, for a facilitator, the form to
    propose one, with services suggested from its latest classification."""
    _ensure_case_worker(request.user)
    household = _household_or_404(request.user, household_id)
    may_propose = can(request.user, Action.PROPOSE_REFERRAL, household)
    form = None
    standing = selectors.household_standing(household)
    suggested = selectors.suggested_services_for(household, standing) if standing else []
    if may_propose:
        form = ProposeReferralForm(
            request.POST or None,
            services=selectors.services_serving(household.area_id),
            members=current_persons_of(household),
            initial={"service": suggested[0].pk} if suggested else None,
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                referral = services.propose_referral(
                    request.user,
                    household=household,
                    service=data["service"],
                    person=data["person"],
                    need=data["need"],
                    reason=data["reason"],
                    urgency=data["urgency"],
                    contact_phone=data["contact_phone"],
                    submit=request.POST.get("save") != "draft",
                )
            except ReferralRefused as refused:
                form.add_error(None, refused.message)
            else:
                if referral.status == ReferralStatus.DRAFT:
                    messages.success(request, _("Saved as a draft."))
                else:
                    messages.success(request, _("Referral sent to the provincial officer."))
                return redirect("referrals:referral_detail", referral.public_id)
    elif request.method == "POST":
        raise PermissionDenied(_("Your role does not allow this."))
    household_services.record_household_viewed(actor=request.user, household=household)
    return render(
        request,
        "referrals/household_referrals.html",
        {
            "household": household,
            "head": selectors.head_names_for([household.pk]).get(household.pk, ""),
            "form": form,
            "standing": standing,
            "standing_level": selectors.level_label(standing.level) if standing else "",
            "suggested": suggested,
            "referrals": selectors.referrals_of_household(household),
            "awaiting_follow_up": selectors.referrals_awaiting_follow_up(household)
            if may_propose
            else [],
        },
    )


@login_required
def referral_detail(request, public_id):
    _ensure_case_worker(request.user)
    referral = get_object_or_404(selectors.referrals_visible_to(request.user), public_id=public_id)
    services.record_referral_viewed(request.user, referral=referral)
    steps = selectors.transitions_for(request.user, referral)
    follow_up = _follow_up_of(referral)
    may_follow_up = (
        referral.status == ReferralStatus.COMPLETED
        and follow_up is None
        and can(request.user, Action.PROPOSE_REFERRAL, referral)
    )
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "history": selectors.referral_timeline(referral),
            "steps": [s for s in steps if s.name != "reroute"],
            "can_reroute": any(s.name == "reroute" for s in steps),
            "reroute_form": RerouteForm(services=selectors.services_serving(referral.area_id)),
            "follow_up_form": FollowUpForm() if may_follow_up else None,
            "follow_up": follow_up,
        },
    )


def _follow_up_of(referral):
    from .models import ReferralFollowUp

    return ReferralFollowUp.objects.filter(referral=referral).select_related("recorded_by").first()


_CASE_WORKER_STEPS = {"submit", "cancel", "approve", "reject", "reroute"}


@login_required
@require_POST
def referral_step(request, public_id, name):
    """One step of the state table taken from the full referral page (proposer or officer)."""
    if name not in _CASE_WORKER_STEPS:
        raise Http404
    _ensure_case_worker(request.user)
    referral = get_object_or_404(selectors.referrals_visible_to(request.user), public_id=public_id)
    note = request.POST.get("note", "")
    try:
        if name == "reroute":
            form = RerouteForm(request.POST, services=selectors.services_serving(referral.area_id))
            if not form.is_valid():
                messages.error(request, _("Choose a service to send the referral to."))
                return redirect("referrals:referral_detail", referral.public_id)
            services.reroute_referral(
                request.user, referral=referral, service=form.cleaned_data["service"], note=note
            )
        elif name in ("reject", "cancel"):
            getattr(services, f"{name}_referral")(request.user, referral=referral, reason=note)
        else:
            getattr(services, f"{name}_referral")(request.user, referral=referral)
    except ReferralRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Done."))
    return redirect("referrals:referral_detail", referral.public_id)


@login_required
@require_POST
def record_follow_up(request, public_id):
    ensure_role_allows(request.user, Action.PROPOSE_REFERRAL)
    referral = get_object_or_404(selectors.referrals_visible_to(request.user), public_id=public_id)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.record_follow_up(request.user, referral=referral, **form.cleaned_data)
        except ReferralRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("Thank you: the follow-up is recorded."))
    else:
        messages.error(request, _("Answer both questions."))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("referrals:referral_detail", args=[public_id])
    return redirect(next_url)


PAGE_SIZE = 50  # rows per page of the officer queue and the agency inbox


def _page(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def officer_queue(request):
    """Submitted referrals to approve or reject in batches; declined ones to re-route."""
    ensure_role_allows(request.user, Action.APPROVE_REFERRAL)
    status = request.GET.get("status", ReferralStatus.SUBMITTED)
    if status not in (ReferralStatus.SUBMITTED, ReferralStatus.DECLINED):
        status = ReferralStatus.SUBMITTED
    queue = selectors.officer_queue(request.user, status=status)
    form = BatchDecisionForm(request.POST or None, queue=queue)
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["referrals"])
        if form.cleaned_data["decision"] == "approve":
            done, refused = services.approve_referrals(request.user, referrals=chosen)
            done_message = ngettext(
                "%(count)d referral approved.", "%(count)d referrals approved.", len(done)
            )
        else:
            done, refused = services.reject_referrals(
                request.user, referrals=chosen, reason=form.cleaned_data["reason"]
            )
            done_message = ngettext(
                "%(count)d referral rejected.", "%(count)d referrals rejected.", len(done)
            )
        if done:
            messages.success(request, done_message % {"count": len(done)})
        # A refusal about the reason (the state table wants one) goes beside the reason field.
        for message in dict.fromkeys(e.message for _r, e in refused if e.code == "note_required"):
            form.add_error("reason", message)
        for _referral, error in refused:
            if error.code != "note_required":
                messages.error(request, error.message)
        if not form.errors:
            return redirect(f"{reverse('referrals:officer_queue')}?status={status}")
    elif request.method == "POST":
        for error in form.non_field_errors():
            messages.error(request, error)
    page = _page(request, queue)
    for row in page.object_list:
        row.level_label = selectors.level_label(row.household_level) if row.household_level else ""
    audit_page_read(request, kind="referral", count=len(page.object_list))
    return render(
        request,
        "referrals/officer_queue.html",
        {
            "rows": page.object_list,
            "page": page,
            "status": status,
            "counts": selectors.officer_queue_counts(request.user),
            "form": form,
            "picked": [str(v) for v in (form["referrals"].value() or [])],
        },
    )


@login_required
def agency_inbox(request):
    """The agency's work queue: only name, contact, address and the need of each household."""
    ensure_role_allows(request.user, Action.ACT_ON_REFERRAL)
    status = request.GET.get("status", "open")
    page = _page(request, selectors.agency_inbox_rows(request.user, status))
    rows = selectors.with_contact_names(page.object_list)
    audit_page_read(request, kind="agency_referral", count=len(rows))
    return render(
        request,
        "referrals/agency_inbox.html",
        {
            "rows": rows,
            "page": page,
            "status": status,
            "counts": selectors.agency_inbox_counts(request.user),
        },
    )


def _work_list(request, kind):
    page = _page(request, selectors.referral_work_list(request.user, kind))
    audit_page_read(request, kind="referral", count=len(page.object_list))
    return render(
        request,
        "referrals/work_list.html",
        {"rows": page.object_list, "page": page, "kind": kind},
    )


@login_required
def follow_up_list(request):
    """Completed referrals in the facilitator's areas whose help is not yet confirmed."""
    ensure_role_allows(request.user, Action.PROPOSE_REFERRAL)
    return _work_list(request, "follow_up")


@login_required
def draft_list(request):
    """Referral drafts in the user's areas, to check and send on (facilitators, area managers)."""
    ensure_role_allows(request.user, Action.PROPOSE_REFERRAL)
    return _work_list(request, "drafts")


@login_required
def overdue_list(request):
    """Referrals past due at the agency, in the user's areas (facilitators and officers)."""
    if not role_grants(request.user, Action.APPROVE_REFERRAL):
        ensure_role_allows(request.user, Action.PROPOSE_REFERRAL)
    return _work_list(request, "overdue")


_AGENCY_STEPS = {"accept", "decline", "start", "complete"}


@login_required
def agency_referral(request, public_id):
    ensure_role_allows(request.user, Action.ACT_ON_REFERRAL)
    referral = get_object_or_404(selectors.referrals_for_agency(request.user), public_id=public_id)
    (referral,) = selectors.with_contact_names([referral])
    services.record_agency_view(request.user, referral=referral)
    steps = selectors.transitions_for(request.user, referral)
    may_note = referral.status in transitions.AGENCY_WORKING_STATES
    return render(
        request,
        "referrals/agency_referral.html",
        {
            "referral": referral,
            "steps": [s for s in steps if s.name != "complete"],
            "complete_form": CompleteForm() if any(s.name == "complete" for s in steps) else None,
            "note_form": NoteForm(),
            "progress_form": ProgressNoteForm() if may_note else None,
            "progress_notes": selectors.progress_notes_of(referral),
        },
    )


@login_required
@require_POST
def agency_note(request, public_id):
    """The agency adds a progress note to a referral it is working on."""
    ensure_role_allows(request.user, Action.ACT_ON_REFERRAL)
    referral = get_object_or_404(selectors.referrals_for_agency(request.user), public_id=public_id)
    form = ProgressNoteForm(request.POST)
    try:
        if not form.is_valid():
            raise ReferralRefused(_("Write what was done."), code="note_required")
        services.add_progress_note(request.user, referral=referral, text=form.cleaned_data["text"])
    except ReferralRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Progress note saved."))
    return redirect(f"{reverse('referrals:agency_referral', args=[referral.public_id])}#progress")


@login_required
@require_POST
def agency_step(request, public_id, name):
    if name not in _AGENCY_STEPS:
        raise Http404
    ensure_role_allows(request.user, Action.ACT_ON_REFERRAL)
    referral = get_object_or_404(selectors.referrals_for_agency(request.user), public_id=public_id)
    try:
        if name == "complete":
            form = CompleteForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Describe the outcome: what was done for the household."))
                return redirect("referrals:agency_referral", referral.public_id)
            services.complete_referral(request.user, referral=referral, **form.cleaned_data)
        elif name == "decline":
            services.decline_referral(
                request.user, referral=referral, reason=request.POST.get("note", "")
            )
        else:
            getattr(services, f"{name}_referral")(
                request.user, referral=referral, note=request.POST.get("note", "")
            )
    except ReferralRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Done."))
        if name in ("decline", "complete"):
            return redirect("referrals:agency_inbox")
    return redirect("referrals:agency_referral", referral.public_id)
