"""Browser pages of the household registry: work list, search, registrant findings, households,
members, persons, and the duplicate review queue. Rules live in services and selectors.

Pattern: `ensure_role_allows` (403 for a role without the action), then the record from a scoped
selector (404 outside the user's areas); services check the action on the record itself.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ppaos.accounts.policy import (
    Action,
    can,
    ensure_role_allows,
    ensure_role_grants,
    require,
)
from ppaos.areas.models import Area
from ppaos.audit.reads import audit_page_read

from . import selectors, services
from .forms import (
    AddMemberForm,
    DuplicateReviewForm,
    EditMemberForm,
    FindingForm,
    HouseholdForm,
    MakeHeadForm,
    MoveOutForm,
    NewHouseholdForm,
    ProgrammeExitForm,
    SearchForm,
    TransferDecisionForm,
)
from .models import Finding, Relation
from .search_query import QueryKind, parse_search_query
from .surveys import services as survey_services
from .surveys.models import ProgrammeEventKind


def _add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError beside the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _posted(request):
    """The submitted data on POST (even when empty, so required fields still complain)."""
    return request.POST if request.method == "POST" else None


def _village(code: str) -> Area | None:
    return Area.objects.filter(code=code).first() if code else None


# --- Work list and search ------------------------------------------------------------------------


@login_required
def worklist(request):
    """The facilitator's list of registry leads still to visit, with the search box on top."""
    ensure_role_allows(request.user, Action.REVIEW_REGISTRANT)
    page = Paginator(selectors.registrant_worklist(request.user), 25).get_page(
        request.GET.get("page")
    )
    form = SearchForm(villages=selectors.villages_for(request.user))
    audit_page_read(request, kind="registrant", count=len(page.object_list))
    return render(request, "households/worklist.html", {"page": page, "form": form})


@login_required
def search(request):
    ensure_role_allows(request.user, Action.VIEW_HOUSEHOLD)
    form = SearchForm(request.GET or None, villages=selectors.villages_for(request.user))
    context = {"form": form, "searched": False}
    if form.is_valid():
        criteria = form.cleaned_data
        query = parse_search_query(criteria["q"])
        context["searched"] = bool(
            query.kind != QueryKind.EMPTY
            or criteria["village"]
            or criteria["house_number"]
            or criteria["level"]
        )
        if query.kind == QueryKind.INVALID_ID:
            context["id_error"] = services.validated_national_id_message(query.error_code)
        if not criteria["level"]:
            context["registrants"] = list(
                selectors.search_registrants(
                    request.user,
                    text=criteria["q"],
                    village=criteria["village"],
                    house_number=criteria["house_number"],
                )
            )
        context["households"] = list(
            selectors.search_households(
                request.user,
                text=criteria["q"],
                village=criteria["village"],
                house_number=criteria["house_number"],
                level=criteria["level"],
            )
        )
        counts = {
            "registrant": len(context.get("registrants", [])),
            "household": len(context["households"]),
        }
        audit_page_read(request, kind="household_search", count=sum(counts.values()), counts=counts)
    return render(request, "households/search.html", context)


# --- Registrants and findings --------------------------------------------------------------------


@login_required
def registrant_detail(request, public_id):
    ensure_role_allows(request.user, Action.VIEW_HOUSEHOLD)
    registrant = get_object_or_404(
        selectors.registrants_visible_to(request.user), public_id=public_id
    )
    may_review = can(request.user, Action.REVIEW_REGISTRANT, registrant)
    villages = selectors.villages_for(request.user, Action.EDIT_HOUSEHOLD).filter(
        code__startswith=registrant.area_id[:6]
    )
    form = FindingForm(_posted(request), villages=villages)
    if request.method == "POST":
        require(request.user, Action.REVIEW_REGISTRANT, registrant)
        if form.is_valid():
            data = form.cleaned_data
            try:
                finding = services.record_registrant_finding(
                    actor=request.user,
                    registrant=registrant,
                    finding=data["finding"],
                    note=data["note"],
                    new_address=data["new_address"],
                    village=_village(data["village"]),
                )
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, _("Finding recorded."))
                if finding.finding == Finding.FOUND:
                    return redirect("households:household_detail", finding.household.public_id)
                return redirect("households:worklist")
    else:
        services.record_registrant_viewed(actor=request.user, registrant=registrant)
    return render(
        request,
        "households/registrant_detail.html",
        {
            "registrant": registrant,
            "findings": selectors.registrant_findings(registrant),
            "form": form if may_review else None,
            "needs_village": registrant.area.level != "village",
        },
    )


# --- Households ----------------------------------------------------------------------------------


def _household_for(request, public_id):
    ensure_role_allows(request.user, Action.VIEW_HOUSEHOLD)
    return get_object_or_404(selectors.households_visible_to(request.user), public_id=public_id)


@login_required
def household_detail(request, public_id):
    household = _household_for(request, public_id)
    services.record_household_viewed(actor=request.user, household=household)
    page = selectors.household_page(request.user, household)
    return render(
        request,
        "households/household_detail.html",
        {
            "household": household,
            "page": page,
            "surveys": page.surveys,
            "level_history": page.level_history,
        },
    )


@login_required
def household_create(request):
    ensure_role_grants(request.user, Action.EDIT_HOUSEHOLD)  # no assignment: nowhere to create
    form = NewHouseholdForm(
        _posted(request), villages=selectors.villages_for(request.user, Action.EDIT_HOUSEHOLD)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            household = services.create_household(
                actor=request.user,
                area=_village(data["village"]),
                head=form.person_data(),
                house_number=data["house_number"],
                house_registration_code=data["house_registration_code"],
                latitude=data["latitude"],
                longitude=data["longitude"],
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Household created."))
            return redirect("households:household_detail", household.public_id)
    return render(
        request,
        "households/form_page.html",
        {
            "form": form,
            "title": _("New household"),
            "submit_label": _("Create household"),
            "cancel_url": reverse("households:worklist"),
        },
    )


@login_required
def household_edit(request, public_id):
    household = _household_for(request, public_id)
    require(request.user, Action.EDIT_HOUSEHOLD, household)
    initial = {name: getattr(household, name) for name in services.HOUSEHOLD_FIELDS}
    form = HouseholdForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_household(actor=request.user, household=household, **form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Household saved."))
            return redirect("households:household_detail", household.public_id)
    return render(
        request,
        "households/form_page.html",
        {
            "form": form,
            "household": household,
            "title": _("Edit household"),
            "submit_label": _("Save"),
            "cancel_url": reverse("households:household_detail", args=[household.public_id]),
        },
    )


# --- Members -------------------------------------------------------------------------------------


def _membership_for(request, household, membership_id):
    return get_object_or_404(selectors.current_members_of(household), pk=membership_id)


@login_required
def member_add(request, public_id):
    household = _household_for(request, public_id)
    require(request.user, Action.EDIT_HOUSEHOLD, household)
    form = AddMemberForm(_posted(request))
    back = _survey_members_step(household, request.GET.get("survey"))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_member(
                actor=request.user,
                household=household,
                person=form.person_data(),
                relation=form.cleaned_data["relation"],
                joined_on=form.cleaned_data["joined_on"],
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Member added."))
            return redirect(
                back or reverse("households:household_detail", args=[household.public_id])
            )
    return _member_form_page(
        request, household, form, _("Add a member"), _("Add member"), cancel_url=back
    )


def _survey_members_step(household, survey_id) -> str | None:
    """The members step of this household's survey `survey_id` (from the survey's "add a member"
    link), to return to after adding; None for anything else (no open redirect)."""
    if not survey_id:
        return None
    try:
        survey = household.surveys.filter(public_id=survey_id).first()
    except (ValueError, ValidationError):
        return None
    if survey is None:
        return None
    return reverse(
        "households:survey_step", kwargs={"survey_id": survey.public_id, "step": "members"}
    )


@login_required
def programme_exit(request, public_id):
    """Record that the household leaves the programme (Exit), with its reason. For those who
    verify surveys in the household's area; the service checks and audits."""
    household = _household_for(request, public_id)
    require(request.user, Action.VERIFY_SURVEY, household)
    form = ProgrammeExitForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            survey_services.record_programme_event(
                actor=request.user,
                household=household,
                kind=ProgrammeEventKind.EXIT,
                reason=form.cleaned_data["reason"],
                occurred_on=form.cleaned_data["occurred_on"],
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("The household's exit from the programme is recorded."))
            return redirect("households:household_detail", household.public_id)
    return render(
        request,
        "households/form_page.html",
        {
            "form": form,
            "household": household,
            "title": _("Household leaves the programme (Exit)"),
            "submit_label": _("Record the exit"),
            "cancel_url": reverse("households:household_detail", args=[household.public_id]),
        },
    )


@login_required
def member_edit(request, public_id, membership_id):
    household = _household_for(request, public_id)
    require(request.user, Action.EDIT_HOUSEHOLD, household)
    membership = _membership_for(request, household, membership_id)
    person = membership.person
    initial = {name: getattr(person, name) for name in EditMemberForm.PERSON_FIELD_NAMES}
    initial["relation"] = membership.relation
    form = EditMemberForm(_posted(request), initial=initial)
    if membership.relation == Relation.HEAD:
        form.fields["relation"].choices = [(Relation.HEAD, Relation.HEAD.label)]
    else:
        form.fields["relation"].choices = [
            choice for choice in Relation.choices if choice[0] != Relation.HEAD
        ]
    if request.method == "POST" and form.is_valid():
        try:
            services.update_member(
                actor=request.user,
                membership=membership,
                person=form.person_data(),
                relation=form.cleaned_data["relation"],
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Member saved."))
            return redirect("households:household_detail", household.public_id)
    return _member_form_page(request, household, form, _("Edit member"), _("Save"))


def _member_form_page(request, household, form, title, submit_label, cancel_url=None):
    return render(
        request,
        "households/form_page.html",
        {
            "form": form,
            "household": household,
            "title": title,
            "submit_label": submit_label,
            "cancel_url": cancel_url
            or reverse("households:household_detail", args=[household.public_id]),
        },
    )


@login_required
def member_move_out(request, public_id, membership_id):
    household = _household_for(request, public_id)
    require(request.user, Action.EDIT_HOUSEHOLD, household)
    membership = _membership_for(request, household, membership_id)
    form = MoveOutForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.move_member_out(
                actor=request.user,
                membership=membership,
                left_on=form.cleaned_data["left_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Member moved out. Their history is kept."))
            return redirect("households:household_detail", household.public_id)
    return _member_form_page(
        request,
        household,
        form,
        _("Move %(name)s out") % {"name": membership.person},
        _("Move out"),
    )


@login_required
def member_make_head(request, public_id, membership_id):
    household = _household_for(request, public_id)
    require(request.user, Action.EDIT_HOUSEHOLD, household)
    membership = _membership_for(request, household, membership_id)
    form = MakeHeadForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer_head(
                actor=request.user,
                household=household,
                new_head=membership,
                former_head_relation=form.cleaned_data["former_head_relation"],
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Head of household changed."))
            return redirect("households:household_detail", household.public_id)
    return _member_form_page(
        request,
        household,
        form,
        _("Make %(name)s head of household") % {"name": membership.person},
        _("Make head"),
    )


# --- Persons -------------------------------------------------------------------------------------


@login_required
def person_detail(request, public_id):
    ensure_role_allows(request.user, Action.VIEW_HOUSEHOLD)
    person = get_object_or_404(selectors.persons_visible_to(request.user), public_id=public_id)
    page = selectors.person_page(request.user, person)
    services.record_person_viewed(actor=request.user, person=person, area_code=page.area_code)
    return render(
        request,
        "households/person_detail.html",
        {
            "person": person,
            "page": page,
            "audit_trail": selectors.audit_trail_of(person)[:50],
        },
    )


# --- Duplicate review ----------------------------------------------------------------------------


@login_required
def duplicate_queue(request):
    ensure_role_allows(request.user, Action.REVIEW_DUPLICATES)
    page = Paginator(selectors.duplicates_visible_to(request.user), 25).get_page(
        request.GET.get("page")
    )
    rows = [selectors.duplicate_row(request.user, candidate) for candidate in page]
    audit_page_read(request, kind="duplicate", count=len(page.object_list))
    return render(request, "households/duplicate_queue.html", {"page": page, "rows": rows})


@login_required
def duplicate_review(request, public_id):
    ensure_role_allows(request.user, Action.REVIEW_DUPLICATES)
    candidate = get_object_or_404(
        selectors.duplicates_visible_to(request.user, status=""), public_id=public_id
    )
    form = DuplicateReviewForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.review_duplicate(
                actor=request.user,
                candidate=candidate,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Review recorded."))
            return redirect("households:duplicate_queue")
    if request.method == "GET":
        services.record_duplicate_viewed(actor=request.user, candidate=candidate)
    return render(
        request,
        "households/duplicate_review.html",
        {
            "candidate": candidate,
            "row": selectors.duplicate_row(request.user, candidate),
            "form": form,
        },
    )


# --- Person transfer requests --------------------------------------------------------------------


@login_required
def transfer_queue(request):
    """Pending requests to move a person's record between areas, for the managers of both."""
    selectors.ensure_may_follow_transfers(request.user)
    page = Paginator(selectors.transfer_requests_visible_to(request.user), 25).get_page(
        request.GET.get("page")
    )
    rows = [selectors.transfer_row(request.user, transfer) for transfer in page]
    audit_page_read(request, kind="person_transfer", count=len(page.object_list))
    return render(request, "households/transfer_queue.html", {"page": page, "rows": rows})


@login_required
def transfer_detail(request, public_id):
    selectors.ensure_may_follow_transfers(request.user)
    transfer = get_object_or_404(
        selectors.transfer_requests_visible_to(request.user, status=""), public_id=public_id
    )
    if request.method == "POST" and not selectors.transfer_sides_decided_by(request.user, transfer):
        # Refused before the form is read: a follower who may not decide learns nothing more.
        raise PermissionDenied(_("Your role does not allow this."))
    form = TransferDecisionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                transfer = services.approve_person_transfer(actor=request.user, transfer=transfer)
            else:
                transfer = services.reject_person_transfer(
                    actor=request.user, transfer=transfer, note=form.cleaned_data["note"]
                )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("households:transfer_queue")
    if request.method == "GET":
        services.record_transfer_viewed(actor=request.user, transfer=transfer)
    return render(
        request,
        "households/transfer_detail.html",
        {"row": selectors.transfer_row(request.user, transfer), "form": form},
    )
