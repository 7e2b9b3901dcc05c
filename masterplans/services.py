"""Writes for master plans: each checks the access policy, runs in a transaction and leaves an
audit row (no names in the details: records are named by type and id)."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import Household
from ppaos.accounts.policy import Action, require
from ppaos.areas.models import Area, AreaLevel
from ppaos.audit.services import record_audit_event

from .models import MasterPlan, PlanStatus, Problem, Project, ProjectTransition
from .print_models import PlanPdf
from .selectors import (
    compute_data_section,
    is_village_worker,
    plan_fingerprint,
    project_is_editable,
    project_locked_message,
    reusable_pdf,
)
from .transitions import IllegalTransition, Needs, find_transition

PROJECT_FIELDS = (
    "title",
    "objective",
    "activities",
    "indicators",
    "budget_requested",
    "carrier",
    "lao",
    "starts_on",
    "ends_on",
    "problem",
)


def _ensure_draft(plan: MasterPlan) -> None:
    if plan.is_frozen:
        raise ValidationError(_("The plan has been endorsed; its content can no longer change."))


def create_plan(*, actor, area_code: str, fiscal_year: int, survey_round: int | None = None):
    require(actor, Action.DRAFT_MASTER_PLAN, area_code=area_code)
    area = Area.objects.get(code=area_code)
    if area.level != AreaLevel.VILLAGE:
        raise ValidationError(_("A master plan belongs to a village."))
    if MasterPlan.objects.filter(area=area, fiscal_year=fiscal_year).exists():
        raise ValidationError(_("This village already has a plan for that fiscal year."))
    with transaction.atomic():
        plan = MasterPlan.objects.create(
            area=area,
            fiscal_year=fiscal_year,
            survey_round=survey_round or fiscal_year - 1,
            created_by=actor,
        )
        _compute(plan)
        record_audit_event(
            actor=actor,
            action="masterplan.create",
            target=plan,
            details={"fiscal_year": fiscal_year, "survey_round": plan.survey_round},
        )
    return plan


def _compute(plan: MasterPlan) -> None:
    plan.data = compute_data_section(plan.area_id, plan.survey_round)
    plan.data_computed_at = timezone.now()
    plan.save(update_fields=["data", "data_computed_at", "updated_at"])


def refresh_data(*, actor, plan: MasterPlan) -> MasterPlan:
    """Recompute the data section from the surveys, while the plan is a draft."""
    require(actor, Action.DRAFT_MASTER_PLAN, plan.area)
    _ensure_draft(plan)
    with transaction.atomic():
        _compute(plan)
        record_audit_event(actor=actor, action="masterplan.refresh_data", target=plan)
    return plan


def update_plan(*, actor, plan: MasterPlan, vision: str | None = None, forum_date=None):
    require(actor, Action.DRAFT_MASTER_PLAN, plan.area)
    _ensure_draft(plan)
    changed = []
    if vision is not None:
        plan.vision, changed = vision, [*changed, "vision"]
    if forum_date is not None:
        plan.forum_date, changed = forum_date, [*changed, "forum_date"]
    with transaction.atomic():
        plan.save(update_fields=[*changed, "updated_at"])
        record_audit_event(
            actor=actor, action="masterplan.update", target=plan, details={"fields": changed}
        )
    return plan


def endorse_plan(*, actor, plan: MasterPlan) -> MasterPlan:
    """The community endorses the plan (the area manager records it on the forum's behalf):
    the data section is frozen and every project ranked at the forum is endorsed with it."""
    require(actor, Action.ENDORSE_MASTER_PLAN, plan.area)
    _ensure_draft(plan)
    with transaction.atomic():
        plan = MasterPlan.objects.select_for_update().get(pk=plan.pk)
        _ensure_draft(plan)
        if not plan.projects.filter(state="ranked").exists():
            raise ValidationError(_("Rank at least one project at the village forum first."))
        plan.status = PlanStatus.ENDORSED
        plan.endorsed_by = actor
        plan.endorsed_at = timezone.now()
        plan.save(update_fields=["status", "endorsed_by", "endorsed_at", "updated_at"])
        for project in plan.projects.filter(state="ranked"):
            _apply(actor, project, "endorse", {})
        record_audit_event(actor=actor, action="masterplan.endorse", target=plan)
    return plan


def add_problem(
    *,
    actor,
    plan: MasterPlan,
    title: str,
    capital: str,
    rank: int | None = None,
    evidence: list | None = None,
    description: str = "",
) -> Problem:
    require(actor, Action.DRAFT_MASTER_PLAN, plan.area)
    _ensure_draft(plan)
    with transaction.atomic():
        if rank is None:
            rank = plan.problems.count() + 1
        problem = Problem.objects.create(
            plan=plan,
            rank=rank,
            title=title,
            capital=capital,
            evidence=evidence or [],
            description=description,
        )
        record_audit_event(
            actor=actor,
            action="masterplan.problem.create",
            target=problem,
            area_code=plan.area_id,
            details={"plan": str(plan.public_id), "rank": rank},
        )
    return problem


def update_problem(*, actor, problem: Problem, **fields) -> Problem:
    require(actor, Action.DRAFT_MASTER_PLAN, problem)
    _ensure_draft(problem.plan)
    allowed = {"rank", "title", "capital", "evidence", "description"}
    with transaction.atomic():
        for name, value in fields.items():
            if name in allowed:
                setattr(problem, name, value)
        problem.save()
        record_audit_event(
            actor=actor,
            action="masterplan.problem.update",
            target=problem,
            area_code=problem.plan.area_id,
            details={"fields": sorted(set(fields) & allowed)},
        )
    return problem


def delete_problem(*, actor, problem: Problem) -> None:
    require(actor, Action.DRAFT_MASTER_PLAN, problem)
    _ensure_draft(problem.plan)
    with transaction.atomic():
        record_audit_event(
            actor=actor,
            action="masterplan.problem.delete",
            target=problem,
            area_code=problem.plan.area_id,
            details={"plan": str(problem.plan.public_id), "rank": problem.rank},
        )
        plan = problem.plan
        problem.delete()
        rest = list(plan.problems.select_for_update().order_by("rank", "id"))
        for position, row in enumerate(rest, start=1):
            row.rank = position
        Problem.objects.bulk_update(rest, ["rank"])


def move_problem(*, actor, problem: Problem, up: bool) -> Problem:
    """Swap the problem's rank with the one above (or below) it: the forum's ranking."""
    require(actor, Action.DRAFT_MASTER_PLAN, problem)
    _ensure_draft(problem.plan)
    with transaction.atomic():
        problems = list(problem.plan.problems.select_for_update().order_by("rank", "id"))
        for position, row in enumerate(problems, start=1):
            row.rank = position
        index = next(i for i, row in enumerate(problems) if row.pk == problem.pk)
        other = index - 1 if up else index + 1
        if 0 <= other < len(problems):
            problems[index].rank, problems[other].rank = problems[other].rank, problems[index].rank
        Problem.objects.bulk_update(problems, ["rank"])
        problem = next(row for row in problems if row.pk == problem.pk)
        record_audit_event(
            actor=actor,
            action="masterplan.problem.update",
            target=problem,
            area_code=problem.plan.area_id,
            details={"fields": ["rank"], "rank": problem.rank},
        )
    return problem


def choose_targets(plan: MasterPlan, *, levels=(), household_ids=()) -> list[int]:
    """Target households chosen by level in the plan's round and / or by hand (ids), together."""
    chosen = set(households_by_level(plan, levels)) if levels else set()
    chosen.update(int(pk) for pk in household_ids)
    return sorted(chosen)


def _check_project_links(plan: MasterPlan, fields: dict) -> None:
    problem = fields.get("problem")
    if problem is not None and problem.plan_id != plan.pk:
        raise ValidationError(_("The problem belongs to another plan."))
    if Decimal(fields.get("budget_requested") or 0) < 0:
        raise ValidationError(_("The budget cannot be negative."))


def _set_targets(plan: MasterPlan, project: Project, households) -> int:
    ids = {h.pk if isinstance(h, Household) else int(h) for h in households}
    found = set(
        Household.objects.filter(pk__in=ids, area_id=plan.area_id).values_list("pk", flat=True)
    )
    if found != ids:
        raise ValidationError(_("Target households must live in the plan's village."))
    project.target_households.set(found)
    return len(found)


def add_project(*, actor, plan: MasterPlan, target_households=(), **fields) -> Project:
    require(actor, Action.DRAFT_MASTER_PLAN, plan.area)
    plan.refresh_from_db()
    _ensure_draft(plan)
    fields = {k: v for k, v in fields.items() if k in PROJECT_FIELDS}
    _check_project_links(plan, fields)
    with transaction.atomic():
        project = Project.objects.create(plan=plan, **fields)
        count = _set_targets(plan, project, target_households)
        record_audit_event(
            actor=actor,
            action="masterplan.project.create",
            target=project,
            area_code=plan.area_id,
            details={"plan": str(plan.public_id), "target_households": count},
        )
    return project


def update_project(*, actor, project: Project, target_households=None, **fields) -> Project:
    require(actor, Action.DRAFT_MASTER_PLAN, project)
    project = Project.objects.select_related("plan").get(pk=project.pk)
    if not project_is_editable(project):
        raise ValidationError(project_locked_message(project))
    fields = {k: v for k, v in fields.items() if k in PROJECT_FIELDS}
    _check_project_links(project.plan, fields)
    with transaction.atomic():
        for name, value in fields.items():
            setattr(project, name, value)
        project.save()
        details = {"fields": sorted(fields)}
        if target_households is not None:
            details["target_households"] = _set_targets(project.plan, project, target_households)
        record_audit_event(
            actor=actor,
            action="masterplan.project.update",
            target=project,
            area_code=project.plan.area_id,
            details=details,
        )
    return project


def households_by_level(plan: MasterPlan, levels) -> list[int]:
    """The ids of the village's households whose result in the plan's round has one of `levels`."""
    from households.surveys.models import ClassificationResult

    return list(
        ClassificationResult.objects.filter(
            area_id=plan.area_id, fiscal_year=plan.survey_round, level__in=list(levels)
        ).values_list("household_id", flat=True)
    )


def _apply(actor, project: Project, name: str, details: dict) -> ProjectTransition:
    transition = find_transition(project.state, name)
    source = project.state
    project.state = transition.target
    project.save(update_fields=["state", "updated_at", *details.get("_fields", [])])
    details = {k: v for k, v in details.items() if not k.startswith("_")}
    row = ProjectTransition.objects.create(
        project=project,
        name=name,
        from_state=source,
        to_state=transition.target,
        actor=actor,
        details=details,
    )
    record_audit_event(
        actor=actor,
        action=f"masterplan.project.{name}",
        target=project,
        area_code=project.plan.area_id,
        details={"from": source, "to": str(transition.target), **details},
    )
    return row


def transition_project(*, actor, project: Project, name: str, **given) -> Project:
    """Move a project one step along transitions.TRANSITIONS; anything else is refused."""
    with transaction.atomic():
        project = Project.objects.select_for_update().select_related("plan").get(pk=project.pk)
        try:
            transition = find_transition(project.state, name)
        except IllegalTransition as error:
            raise ValidationError(
                _("This step is not possible from the project's present state.")
            ) from error
        require(actor, Action(transition.permission), project)
        if name == "endorse":
            raise ValidationError(_("Projects are endorsed with their plan."))
        if transition.source == "endorsed" and not project.plan.is_frozen:
            raise ValidationError(_("The plan has not been endorsed."))
        if (
            name == "complete"
            and transition.source == "endorsed"
            and project.carrier != "community"
        ):
            raise ValidationError(
                _("Only a project the community carries itself is done without a budget.")
            )
        details: dict = {}
        if transition.needs == Needs.REASON:
            reason = (given.get("reason") or "").strip()
            if not reason:
                raise ValidationError({"reason": _("Give the reason.")})
            project.not_adopted_reason = reason
            details = {"_fields": ["not_adopted_reason"]}
        elif transition.needs == Needs.LOCAL_PLAN:
            edition = (given.get("edition") or "").strip()
            first, last = given.get("first_year"), given.get("last_year")
            if not edition or not first or not last or int(first) > int(last):
                raise ValidationError(
                    _("Give the plan edition and its first and last fiscal year.")
                )
            project.local_plan_edition = edition
            project.local_plan_first_year, project.local_plan_last_year = int(first), int(last)
            details = {
                "edition": edition,
                "first_year": int(first),
                "last_year": int(last),
                "_fields": ["local_plan_edition", "local_plan_first_year", "local_plan_last_year"],
            }
        elif transition.needs == Needs.ORDINANCE:
            year, amount = given.get("fiscal_year"), given.get("amount")
            if not year or amount is None or Decimal(str(amount)) < 0:
                raise ValidationError(_("Give the ordinance's fiscal year and the amount."))
            project.ordinance_fiscal_year = int(year)
            project.budget_adopted = Decimal(str(amount))
            details = {
                "fiscal_year": int(year),
                "amount": str(project.budget_adopted),
                "_fields": ["ordinance_fiscal_year", "budget_adopted"],
            }
        _apply(actor, project, name, details)
    return project


def request_plan_pdf(*, actor, plan: MasterPlan) -> tuple[PlanPdf, bool]:
    """The PDF of `plan` for `actor`, and whether it was queued now (False: handed out again)."""
    require(actor, Action.VIEW_HOUSEHOLD, plan)
    exact = is_village_worker(actor, plan.area_id)
    with transaction.atomic():
        plan = MasterPlan.objects.select_for_update().get(pk=plan.pk)
        fingerprint = plan_fingerprint(plan)
        found = reusable_pdf(plan, exact=exact, fingerprint=fingerprint)
        if found:
            record_audit_event(
                actor=actor, action="masterplan.pdf_reused", target=plan, details={"pdf": found.pk}
            )
            return found, False
        pdf = PlanPdf.objects.create(
            plan=plan,
            exact_counts=exact,
            plan_endorsed=plan.is_frozen,
            fingerprint=fingerprint,
            requested_by=actor,
        )
        record_audit_event(
            actor=actor,
            action="masterplan.pdf_requested",
            target=plan,
            details={"pdf": pdf.pk, "exact_counts": exact},
        )
        from .tasks import build_plan_pdf_task  # noqa: PLC0415

        pdf_id = pdf.pk
        transaction.on_commit(lambda: build_plan_pdf_task.delay(pdf_id))
    return pdf, True


__all__ = [
    "PermissionDenied",
    "add_problem",
    "add_project",
    "create_plan",
    "delete_problem",
    "endorse_plan",
    "refresh_data",
    "request_plan_pdf",
    "transition_project",
    "update_problem",
    "update_project",
]
