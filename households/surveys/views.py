"""Survey pages, phone first: one step per page, "save draft" on every step, review and submit;
the area manager's review queue with verify / return. Views call services and selectors only.

Pattern (the brief): `ensure_role_allows` (403) → fetch from a scoped selector (404 outside the
area) → the service checks the action (403) and the state.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ppaos.accounts.policy import Action, can, ensure_role_allows
from ppaos.audit.reads import audit_page_read

from ..models import IndicatorAnswer, Level, SurveyAccounts, SurveyStatus
from .forms import (
    ReturnForm,
)
from .selectors import (
    households_for_survey,
    instrument_parts,
    preview_classification,
    review_queue_for,
    survey_members,
    survey_with_answers,
    surveys_editable_by,
    surveys_to_finish_counts,
    surveys_to_finish_for,
    surveys_visible_to,
)
from .services import (
    STEPS,
    StaleSurvey,
    is_own_survey,
    record_survey_view,
    return_survey,
    start_survey,
    submit_survey,
    survey_problems,
    verify_survey,
)
from .step_forms import build_step_form as _build_form
from .step_forms import posted_version
from .step_forms import save_step_form as _save

STEP_TITLES = {
    "consent": gettext_lazy("Notice and consent"),
    "members": gettext_lazy("Members"),
    "basic_needs": gettext_lazy("Basic needs"),
    "capitals": gettext_lazy("Five capitals"),
    "accounts": gettext_lazy("Household accounts"),
    "needs": gettext_lazy("Needs"),
    "review": gettext_lazy("Review and submit"),
}


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
def survey_list(request):
    """The facilitator's surveys to finish: returned ones (with the comment) and drafts."""
    ensure_role_allows(request.user, Action.ENTER_SURVEY)
    status = request.GET.get("status", "")
    if status not in (SurveyStatus.DRAFT, SurveyStatus.RETURNED):
        status = ""
    rows = surveys_to_finish_for(request.user, status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    audit_page_read(request, kind="survey", count=len(page.object_list))
    counts = surveys_to_finish_counts(request.user)
    return render(
        request,
        "households/survey_list.html",
        {
            "page": page,
            "status": status,
            "counts": counts,
            "total": sum(counts.values()),
            "can_import": can(request.user, Action.IMPORT_SURVEYS),
        },
    )


@login_required
@require_POST
def survey_start(request, household_id):
    ensure_role_allows(request.user, Action.ENTER_SURVEY)
    household = get_object_or_404(households_for_survey(request.user), public_id=household_id)
    try:
        survey = start_survey(actor=request.user, household=household)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        existing = surveys_editable_by(request.user).filter(household=household).first()
        if existing is not None:
            return redirect("households:survey_detail", survey_id=existing.public_id)
        return redirect(_safe_next(request) or "households:survey_list")
    return redirect("households:survey_step", survey_id=survey.public_id, step="consent")


def _show_service_error(request, form, error: ValidationError) -> None:
    """A service's error beside the field it names when the step has that field, else on top."""
    if hasattr(error, "error_dict") and set(error.message_dict) <= set(form.fields):
        for field, errors in error.message_dict.items():
            form.add_error(field, errors)
        return
    messages.error(request, _error_text(error))


def _safe_next(request) -> str:
    """The posted `next` address when it points into this site, else "" (no open redirect)."""
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return ""


def _step_nav(survey, current: str) -> list[dict]:
    return [
        {
            "key": step,
            "title": STEP_TITLES[step],
            "number": index,
            "url": reverse(
                "households:survey_step", kwargs={"survey_id": survey.public_id, "step": step}
            ),
            "current": step == current,
        }
        for index, step in enumerate(STEPS, 1)
    ]


def _next_step(step: str) -> str:
    index = STEPS.index(step)
    return STEPS[min(index + 1, len(STEPS) - 1)]


@login_required
def survey_step(request, survey_id, step: str):
    ensure_role_allows(request.user, Action.ENTER_SURVEY)
    survey = get_object_or_404(surveys_editable_by(request.user), public_id=survey_id)
    if step not in STEPS:
        return redirect("households:survey_step", survey_id=survey.public_id, step="consent")
    if not survey.is_editable:
        return redirect("households:survey_detail", survey_id=survey.public_id)
    parts = instrument_parts(survey.instrument)
    if step == "review":
        return _review_step(request, survey, parts)
    form = _build_form(step, survey, parts, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        valid = form.is_valid()
        refused = False
        try:
            flags_changed = _save(
                step, survey, form, request.user, expected_version=posted_version(request.POST)
            )
        except StaleSurvey as error:
            # Someone saved the survey meanwhile: show what they saved, not the stale answers.
            messages.error(request, _error_text(error))
            survey.refresh_from_db()
            return _render_step(request, survey, step, _build_form(step, survey, parts, None))
        except ValidationError as error:
            _show_service_error(request, form, error)
            valid, flags_changed, refused = False, False, True
        survey.refresh_from_db()  # the hidden version field shows the version now saved
        if valid:
            if request.POST.get("go") == "next" and not flags_changed:
                messages.success(request, _("Saved."))
                return redirect(
                    "households:survey_step",
                    survey_id=survey.public_id,
                    step=_next_step(step),
                )
            messages.success(request, _("Draft saved. You can continue later."))
            return redirect("households:survey_step", survey_id=survey.public_id, step=step)
        if refused:
            messages.warning(
                request, _("Nothing on this step was saved: please correct the answers marked.")
            )
        else:
            messages.warning(
                request,
                _("Draft saved, except the answers marked below: please correct them."),
            )
    return _render_step(request, survey, step, form)


def _render_step(request, survey, step, form):
    context = {
        "survey": survey,
        "form": form,
        "step": step,
        "step_title": STEP_TITLES[step],
        "steps": _step_nav(survey, step),
        "previous_step": STEPS[STEPS.index(step) - 1] if STEPS.index(step) else None,
    }
    return render(request, f"households/survey_{step}.html", context)


def _review_step(request, survey, parts):
    problems = survey_problems(survey, parts)
    steps = _step_nav(survey, "review")
    urls = {s["key"]: s["url"] for s in steps}
    context = {
        "survey": survey,
        "step": "review",
        "step_title": STEP_TITLES["review"],
        "steps": steps,
        "previous_step": "needs",
        "problems": [
            {"step": STEP_TITLES[p.step], "url": urls[p.step], "message": p.message}
            for p in problems
        ],
        "summary": _summary(survey, parts),
    }
    return render(request, "households/survey_review.html", context)


def _summary(survey, parts) -> dict:
    survey = survey_with_answers(type(survey).objects.filter(pk=survey.pk)).get()
    scores = {a.item_id: a.score for a in survey.capital_answers.all()}
    by_capital: dict[str, list] = {}
    for item in parts.items:
        by_capital.setdefault(item.get_capital_display(), []).append((item, scores.get(item.pk)))
    accounts = SurveyAccounts.objects.filter(survey=survey).first()
    return {
        "members": survey_members(survey, parts),
        "capitals": by_capital,
        "accounts": [
            (SurveyAccounts._meta.get_field(n).verbose_name, getattr(accounts, n))
            for n in SurveyAccounts.FIELDS
        ]
        if accounts
        else [],
        "needs": list(survey.needs.all()),
        "failed": list(
            IndicatorAnswer.objects.filter(survey=survey, result="fail").select_related(
                "indicator", "person"
            )
        ),
    }


@login_required
@require_POST
def survey_submit(request, survey_id):
    ensure_role_allows(request.user, Action.ENTER_SURVEY)
    survey = get_object_or_404(surveys_editable_by(request.user), public_id=survey_id)
    try:
        submit_survey(actor=request.user, survey=survey)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("households:survey_step", survey_id=survey.public_id, step="review")
    messages.success(request, _("Survey submitted for review."))
    return redirect("households:survey_detail", survey_id=survey.public_id)


@login_required
def survey_detail(request, survey_id):
    """A survey read-only, with its history and result; the review actions for area managers."""
    ensure_role_allows(request.user, Action.VIEW_HOUSEHOLD)
    survey = get_object_or_404(
        survey_with_answers(surveys_visible_to(request.user)), public_id=survey_id
    )
    record_survey_view(actor=request.user, survey=survey)
    parts = instrument_parts(survey.instrument)
    may_review = (
        survey.status == SurveyStatus.SUBMITTED
        and can(request.user, Action.VERIFY_SURVEY, survey)
        and not is_own_survey(survey, request.user)
    )
    may_edit = survey.is_editable and can(request.user, Action.ENTER_SURVEY, survey)
    result = getattr(survey, "result", None) if survey.status == SurveyStatus.VERIFIED else None
    preview = preview_classification(survey) if may_review else None
    context = {
        "survey": survey,
        "preview": preview,
        "preview_level": Level(preview.level).label if preview else "",
        "just_verified": request.GET.get("verified") == "1" and result is not None,
        "summary": _summary(survey, parts),
        "result": result,
        "result_history": [result] if result else [],
        "may_review": may_review,
        "may_edit": may_edit,
        "return_form": ReturnForm(),
        "transitions": list(survey.transitions.all()),
    }
    return render(request, "households/survey_detail.html", context)


@login_required
def review_queue(request):
    ensure_role_allows(request.user, Action.VERIFY_SURVEY)
    page = Paginator(review_queue_for(request.user), 50).get_page(request.GET.get("page"))
    audit_page_read(request, kind="survey_review", count=len(page.object_list))
    return render(request, "households/review_queue.html", {"page": page})


@login_required
@require_POST
def survey_verify(request, survey_id):
    ensure_role_allows(request.user, Action.VERIFY_SURVEY)
    survey = get_object_or_404(surveys_visible_to(request.user), public_id=survey_id)
    try:
        result = verify_survey(actor=request.user, survey=survey)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("households:survey_detail", survey_id=survey.public_id)
    messages.success(
        request,
        _("Survey verified: %(level)s (score %(score)s).")
        % {"level": result.get_level_display(), "score": result.overall_score},
    )
    # The verified survey, with the way back to its household and on to the next survey.
    detail = reverse("households:survey_detail", kwargs={"survey_id": survey.public_id})
    return redirect(f"{detail}?verified=1")


@login_required
@require_POST
def survey_return(request, survey_id):
    ensure_role_allows(request.user, Action.VERIFY_SURVEY)
    survey = get_object_or_404(
        survey_with_answers(surveys_visible_to(request.user)), public_id=survey_id
    )
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            return_survey(actor=request.user, survey=survey, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect("households:survey_detail", survey_id=survey.public_id)
        messages.success(request, _("Survey returned to the facilitator."))
        return redirect("households:review_queue")
    parts = instrument_parts(survey.instrument)
    context = {
        "survey": survey,
        "summary": _summary(survey, parts),
        "result": None,
        "may_review": can(request.user, Action.VERIFY_SURVEY, survey)
        and survey.status == SurveyStatus.SUBMITTED,
        "may_edit": False,
        "return_form": form,
        "transitions": list(survey.transitions.all()),
    }
    return render(request, "households/survey_detail.html", context, status=400)
