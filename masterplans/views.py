"""Browser pages for community master plans. Pattern (ppaos.accounts.policy): the role check
first (403), the record from a scoped selector (404 outside the scope), the action's permission
in the record's area (403), then the service, which checks the rest and refuses with a message.
Views hold no rules: reads are selectors, writes are services."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from households.selectors import villages_for
from ppaos.accounts.policy import Action, can, ensure_role_allows, ensure_role_grants, require
from ppaos.audit.reads import audit_page_read
from ppaos.audit.services import record_audit_event

from . import selectors, services
from .export import write_plans_xlsx
from .forms import (
    REASON_STEPS,
    STEP_FORMS,
    PlanCreateForm,
    ProblemForm,
    ProjectForm,
    ReasonForm,
)

PAGE_SIZE = 50


def _refusal(request, error: ValidationError) -> None:
    """Show a service's refusal as a message in the user's language."""
    for message in error.messages:
        messages.error(request, message)


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _plan_section_answer(request, public_id, template: str):
    """After a change to a plan: htmx gets the changed section read again, a plain form post
    goes back to the plan page."""
    if _is_htmx(request):
        plan = selectors.plan_detail(request.user, public_id)
        return render(request, template, {**_plan_context(request, plan), "partial": True})
    return redirect("masterplans:plan_detail", public_id)


@login_required
def plan_list(request):
    ensure_role_allows(request.user, Action.VIEW_HOUSEHOLD)
    status = request.GET.get("status", "")
    if status not in selectors.PLAN_FILTERS:
        status = ""
    year = request.GET.get("year", "")
    plans = selectors.plan_list_for(
        request.user, status=status, fiscal_year=int(year) if year.isdigit() else None
    )
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_page_read(request, kind="master_plan", count=len(page.object_list))
    filters = {key: value for key, value in (("status", status), ("year", year)) if value}
    return render(
        request,
        "masterplans/plan_list.html",
        {
            "plans": page.object_list,
            "page": page,
            "page_query": urlencode(filters),
            "status": status,
            "may_create": can(request.user, Action.DRAFT_MASTER_PLAN),
            "may_overview": can(request.user, Action.VIEW_DASHBOARD),
        },
    )


@login_required
def plan_create(request):
    ensure_role_grants(request.user, Action.DRAFT_MASTER_PLAN)
    form = PlanCreateForm(
        request.POST or None, villages=villages_for(request.user, Action.DRAFT_MASTER_PLAN)
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(
                actor=request.user,
                area_code=form.cleaned_data["village"].code,
                fiscal_year=form.cleaned_data["fiscal_year"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The plan was created from the village's survey data."))
            return redirect("masterplans:plan_detail", plan.public_id)
    return render(request, "masterplans/plan_create.html", {"form": form})


def _problem_edit_form(problem, choices, data=None) -> ProblemForm:
    """The form that edits one problem in place (prefixed, so several sit on one page)."""
    return ProblemForm(
        data,
        evidence_choices=choices,
        prefix=f"problem{problem.pk}",
        initial={
            "title": problem.title,
            "capital": problem.capital,
            "evidence": [figure.get("key") for figure in problem.evidence],
            "description": problem.description,
        },
    )


def _plan_context(request, plan, *, problem_form=None, edit_form=None):
    user = request.user
    data = selectors.data_for_reader(user, plan)
    may_draft = can(user, Action.DRAFT_MASTER_PLAN, plan.area) and not plan.is_frozen
    problems = list(plan.problems.all())
    if may_draft:
        choices = selectors.evidence_choices(plan, data)
        if problem_form is None:
            problem_form = ProblemForm(evidence_choices=choices)
        edit_forms = {problem.pk: _problem_edit_form(problem, choices) for problem in problems}
        if edit_form is not None:
            edit_forms[edit_form[0]] = edit_form[1]
        problem_rows = [(problem, edit_forms[problem.pk]) for problem in problems]
    else:
        problem_rows = [(problem, None) for problem in problems]
    return {
        "problem_rows": problem_rows,
        "plan": plan,
        "data": data,
        "rows": selectors.data_section_rows(data),
        "exact": selectors.is_village_worker(user, plan.area_id),
        "may_draft": may_draft,
        "may_endorse": can(user, Action.ENDORSE_MASTER_PLAN, plan.area) and not plan.is_frozen,
        "problem_form": problem_form
        or (
            ProblemForm(evidence_choices=selectors.evidence_choices(plan, data))
            if may_draft
            else None
        ),
        "projects": [
            {"project": p, "state_label": selectors.state_label(p.state)}
            for p in plan.projects.all()
        ],
    }


@login_required
def plan_detail(request, public_id):
    ensure_role_allows(request.user, Action.VIEW_HOUSEHOLD)
    plan = selectors.plan_detail(request.user, public_id)
    record_audit_event(actor=request.user, action="masterplan.view", target=plan)
    return render(request, "masterplans/plan_detail.html", _plan_context(request, plan))


def _plan_for(request, public_id, action: Action):
    ensure_role_allows(request.user, Action.VIEW_HOUSEHOLD)
    plan = get_object_or_404(selectors.plans_visible_to(request.user), public_id=public_id)
    require(request.user, action, plan.area)
    return plan


@login_required
@require_POST
def plan_refresh(request, public_id):
    plan = _plan_for(request, public_id, Action.DRAFT_MASTER_PLAN)
    try:
        services.refresh_data(actor=request.user, plan=plan)
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("The data section was computed again from the surveys."))
    return _plan_section_answer(request, public_id, "masterplans/_data_section.html")


@login_required
@require_POST
def plan_endorse(request, public_id):
    plan = _plan_for(request, public_id, Action.ENDORSE_MASTER_PLAN)
    try:
        services.endorse_plan(actor=request.user, plan=plan)
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(
            request, _("The plan is endorsed: its data section is frozen as of today.")
        )
    return redirect("masterplans:plan_detail", plan.public_id)


@login_required
@require_POST
def problem_add(request, public_id):
    plan = _plan_for(request, public_id, Action.DRAFT_MASTER_PLAN)
    data = selectors.data_for_reader(request.user, plan)
    choices = selectors.evidence_choices(plan, data)
    form = ProblemForm(request.POST, evidence_choices=choices)
    if form.is_valid():
        labels = dict(choices)
        evidence = [
            {"key": key, "label": str(labels[key])} for key in form.cleaned_data["evidence"]
        ]
        try:
            services.add_problem(
                actor=request.user,
                plan=plan,
                title=form.cleaned_data["title"],
                capital=form.cleaned_data["capital"],
                evidence=evidence,
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            _refusal(request, error)
        else:
            form = None
    plan = selectors.plan_detail(request.user, public_id)
    context = _plan_context(request, plan, problem_form=form)
    if _is_htmx(request):
        return render(request, "masterplans/_problems.html", {**context, "partial": True})
    if form is None:
        return redirect("masterplans:plan_detail", plan.public_id)
    return render(request, "masterplans/plan_detail.html", context)


@login_required
@require_POST
def problem_move(request, public_id):
    plan = _plan_for(request, public_id, Action.DRAFT_MASTER_PLAN)
    problem_id = request.POST.get("problem", "")
    if not problem_id.isdigit():
        return HttpResponse(_("Choose a problem."), status=400)
    problem = get_object_or_404(plan.problems.all(), pk=int(problem_id))
    try:
        services.move_problem(
            actor=request.user, problem=problem, up=request.POST.get("direction") != "down"
        )
    except ValidationError as error:
        _refusal(request, error)
    return _plan_section_answer(request, public_id, "masterplans/_problems.html")


def _problem_of(request, plan):
    problem_id = request.POST.get("problem", "")
    if not problem_id.isdigit():
        return None
    return get_object_or_404(plan.problems.all(), pk=int(problem_id))


@login_required
@require_POST
def problem_edit(request, public_id):
    """Change a problem's text, capital or figures while the plan is a draft."""
    plan = _plan_for(request, public_id, Action.DRAFT_MASTER_PLAN)
    problem = _problem_of(request, plan)
    if problem is None:
        return HttpResponse(_("Choose a problem."), status=400)
    data = selectors.data_for_reader(request.user, plan)
    choices = selectors.evidence_choices(plan, data)
    form = _problem_edit_form(problem, choices, request.POST)
    edit_form = None
    if form.is_valid():
        labels = dict(choices)
        try:
            services.update_problem(
                actor=request.user,
                problem=problem,
                title=form.cleaned_data["title"],
                capital=form.cleaned_data["capital"],
                evidence=[
                    {"key": key, "label": str(labels[key])} for key in form.cleaned_data["evidence"]
                ],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            _refusal(request, error)
        else:
            messages.success(request, _("The problem was saved."))
    else:
        edit_form = (problem.pk, form)
    plan = selectors.plan_detail(request.user, public_id)
    context = _plan_context(request, plan, edit_form=edit_form)
    if _is_htmx(request):
        return render(request, "masterplans/_problems.html", {**context, "partial": True})
    if edit_form is None:
        return redirect("masterplans:plan_detail", plan.public_id)
    return render(request, "masterplans/plan_detail.html", context)


@login_required
@require_POST
def problem_delete(request, public_id):
    """Remove a problem while the plan is a draft; the ones below it move up a rank."""
    plan = _plan_for(request, public_id, Action.DRAFT_MASTER_PLAN)
    problem = _problem_of(request, plan)
    if problem is None:
        return HttpResponse(_("Choose a problem."), status=400)
    try:
        services.delete_problem(actor=request.user, problem=problem)
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("The problem was removed from the plan."))
    return _plan_section_answer(request, public_id, "masterplans/_problems.html")


def _project_form(request, plan, initial=None):
    """The project form of a plan's page (add or edit) and the village's households it offers
    as targets."""
    households = selectors.village_households_for_targets(plan)
    form = ProjectForm(
        request.POST or None,
        problems=plan.problems.all(),
        laos=selectors.laos_serving(plan.area_id),
        households=households,
        initial=initial,
    )
    return form, households


def _project_values(plan, form) -> tuple[dict, list]:
    """A valid project form's values for the service, and the target households it chose."""
    values = dict(form.cleaned_data)
    targets = services.choose_targets(
        plan, levels=values.pop("target_levels"), household_ids=values.pop("target_households")
    )
    return values, targets


@login_required
def project_add(request, public_id):
    plan = _plan_for(request, public_id, Action.DRAFT_MASTER_PLAN)
    if plan.is_frozen:
        messages.error(request, _("The plan has been endorsed; its content can no longer change."))
        return redirect("masterplans:plan_detail", plan.public_id)
    form, households = _project_form(request, plan)
    if request.method == "POST" and form.is_valid():
        values, targets = _project_values(plan, form)
        try:
            project = services.add_project(
                actor=request.user, plan=plan, target_households=targets, **values
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The project was added with %(count)s target households.")
                % {"count": len(targets)},
            )
            return redirect("masterplans:project_detail", project.public_id)
    return render(
        request,
        "masterplans/project_form.html",
        {"plan": plan, "form": form, "household_count": len(households)},
    )


@login_required
def project_edit(request, public_id):
    """Change a project's content while the transitions allow it (draft or ranked, plan not
    endorsed); otherwise the service's refusal is shown on the project page."""
    ensure_role_allows(request.user, Action.VIEW_HOUSEHOLD)
    project = get_object_or_404(
        selectors.projects_visible_to(request.user).select_related("plan__area"),
        public_id=public_id,
    )
    require(request.user, Action.DRAFT_MASTER_PLAN, project)
    plan = project.plan
    if not selectors.project_is_editable(project):
        messages.error(request, selectors.project_locked_message(project))
        return redirect("masterplans:project_detail", project.public_id)
    form, households = _project_form(
        request,
        plan,
        initial={
            **{name: getattr(project, name) for name in services.PROJECT_FIELDS},
            "target_households": list(project.target_households.values_list("pk", flat=True)),
        },
    )
    if request.method == "POST" and form.is_valid():
        values, targets = _project_values(plan, form)
        try:
            services.update_project(
                actor=request.user, project=project, target_households=targets, **values
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The project was saved with %(count)s target households.")
                % {"count": len(targets)},
            )
            return redirect("masterplans:project_detail", project.public_id)
    return render(
        request,
        "masterplans/project_form.html",
        {"plan": plan, "form": form, "household_count": len(households), "project": project},
    )


@login_required
def project_detail(request, public_id):
    ensure_role_allows(request.user, Action.VIEW_HOUSEHOLD)
    project = selectors.project_detail(request.user, public_id)
    record_audit_event(
        actor=request.user,
        action="masterplan.project.view",
        target=project,
        area_code=project.plan.area_id,
    )
    steps = []
    for transition in selectors.steps_for(request.user, project):
        form_class = ReasonForm if transition.name in REASON_STEPS else None
        form_class = form_class or STEP_FORMS.get(transition.name)
        steps.append(
            {
                "name": transition.name,
                "target_label": selectors.state_label(transition.target),
                "form": form_class(auto_id=f"id_{transition.name}_%s") if form_class else None,
            }
        )
    return render(
        request,
        "masterplans/project_detail.html",
        {
            "project": project,
            "plan": project.plan,
            "state_label": selectors.state_label(project.state),
            "steps": steps,
            "may_edit": can(request.user, Action.DRAFT_MASTER_PLAN, project.plan.area)
            and selectors.project_is_editable(project),
            "targets": selectors.target_households_of(project),
            "history": [
                {
                    "row": row,
                    "from_label": selectors.state_label(row.from_state),
                    "to_label": selectors.state_label(row.to_state),
                }
                for row in project.transitions.all()
            ],
        },
    )


@login_required
@require_POST
def project_step(request, public_id):
    ensure_role_allows(request.user, Action.VIEW_HOUSEHOLD)
    project = get_object_or_404(selectors.projects_visible_to(request.user), public_id=public_id)
    require(request.user, Action.DRAFT_MASTER_PLAN, project)
    name = request.POST.get("name", "")
    form_class = ReasonForm if name in REASON_STEPS else STEP_FORMS.get(name)
    given = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                for error in errors:
                    messages.error(request, f"{label}: {error}" if label else error)
            return redirect("masterplans:project_detail", project.public_id)
        given = form.cleaned_data
    if not name:
        return HttpResponse(_("Choose a step."), status=400)
    try:
        services.transition_project(actor=request.user, project=project, name=name, **given)
    except ValidationError as error:
        _refusal(request, error)
    else:
        project.refresh_from_db()
        messages.success(
            request,
            _("The project is now: %(state)s.") % {"state": selectors.state_label(project.state)},
        )
    return redirect("masterplans:project_detail", project.public_id)


@login_required
def overview(request):
    """The provincial officer's overview: every plan in scope by status, budget by district and
    LAO, each plan a link to its page."""
    ensure_role_allows(request.user, Action.VIEW_DASHBOARD)
    context = selectors.overview_for(request.user)
    page = Paginator(context["plans"], PAGE_SIZE).get_page(request.GET.get("page"))
    context["plans"], context["page"] = page.object_list, page
    context["may_open"] = can(request.user, Action.VIEW_HOUSEHOLD)
    return render(request, "masterplans/overview.html", context)


@login_required
def export(request):
    """The plans and projects in scope as xlsx (audited like a list read)."""
    ensure_role_allows(request.user, Action.VIEW_HOUSEHOLD)
    plans, projects = selectors.export_rows(request.user)
    content, counts = write_plans_xlsx(plans, projects)
    audit_page_read(request, kind="master_plan_export", count=counts["projects"], counts=counts)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="master-plans.xlsx"'
    return response
