"""Reads for master plans: scoped querysets and the data section, computed by PostgreSQL."""

import datetime as dt
import hashlib
from decimal import Decimal

from django.db.models import Avg, Count, Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.selectors import current_memberships
from households.surveys.models import (
    LEVEL_THAI,
    Capital,
    ClassificationResult,
    IndicatorAnswer,
    IndicatorResult,
    Level,
    Survey,
    SurveyAccounts,
    SurveyStatus,
)
from ppaos.accounts.policy import Action, can, scope_q, scope_queryset
from ppaos.thai.thai_dates import be_to_ce

from .models import MasterPlan, PlanPdf, Project
from .print_models import PdfStatus

SMALL_GROUP = 5  # fewer households than this are shown as "<5" outside the village's workers
TOP_INDICATORS = 10
ELDERLY_AGE = 60
ADULT_AGE = 18
HIGHEST_SCORE = Decimal(4)


def plans_visible_to(user, action: Action = Action.VIEW_HOUSEHOLD) -> QuerySet:
    return scope_queryset(user, MasterPlan.objects.select_related("area"), action)


def plans_editable_by(user) -> QuerySet:
    return plans_visible_to(user, Action.DRAFT_MASTER_PLAN)


def plan_pdfs_visible_to(user) -> QuerySet:
    """The printed plans' PDFs the user may fetch: those of the plans they see, and a PDF made
    with exact small counts only for the village's own workers (DRAFT_MASTER_PLAN there)."""
    exact_allowed = scope_q(user, Action.DRAFT_MASTER_PLAN, area_field="plan__area_id")
    return scope_queryset(
        user,
        PlanPdf.objects.select_related("plan"),
        Action.VIEW_HOUSEHOLD,
        area_field="plan__area_id",
    ).filter(Q(exact_counts=False) | exact_allowed)


def projects_visible_to(user, action: Action = Action.VIEW_HOUSEHOLD) -> QuerySet:
    return scope_queryset(
        user, Project.objects.select_related("plan", "lao"), action, area_field="plan__area_id"
    )


def projects_serving(user, household) -> QuerySet:
    """The master-plan projects that target `household`, as the user may see them."""
    return (
        projects_visible_to(user).filter(target_households=household).order_by("-plan__fiscal_year")
    )


def is_village_worker(user, area_code: str) -> bool:
    """The village's own workers (facilitators, area managers covering it) see exact counts."""
    return can(user, Action.DRAFT_MASTER_PLAN, area_code=area_code)


def shown_count(count: int, *, exact: bool) -> int | str:
    """A count of households or persons as a reader may see it: "<5" for a small group outside
    the village's own workers (a group of 1–4 can point at a family)."""
    if exact or count == 0 or count >= SMALL_GROUP:
        return count
    return f"<{SMALL_GROUP}"


def _money(value) -> str:
    return str((value or Decimal(0)).quantize(Decimal("0.01")))


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def verified_surveys(area_code: str, survey_round: int) -> QuerySet:
    return Survey.objects.filter(
        household__area_id=area_code, fiscal_year=survey_round, status=SurveyStatus.VERIFIED
    )


def compute_data_section(area_code: str, survey_round: int) -> dict:
    """The plan's data section from the village's VERIFIED surveys of `survey_round` (BE).

    Every figure is one aggregate query; the result is plain JSON (money as strings, baht with
    two decimals, per month as the household accounts record it)."""
    surveys = verified_surveys(area_code, survey_round)
    results = ClassificationResult.objects.filter(survey__in=surveys)

    level_counts = dict(results.values_list("level").annotate(n=Count("id")).order_by())
    totals = results.aggregate(
        households=Count("id"),
        target_poor=Count("id", filter=Q(target_poor=True)),
        **{f"avg_{c.value}": Avg(f"score_{c.value}") for c in Capital},
        **{
            f"answered_{c.value}": Count("id", filter=Q(**{f"score_{c.value}__isnull": False}))
            for c in Capital
        },
    )

    # Persons now living in the surveyed households, by vulnerable group; ages on the first day
    # of the plan's survey round (1 October of the year before the fiscal year ends).
    reference = dt.date(be_to_ce(survey_round) - 1, 10, 1)
    elderly_born_by = _years_before(reference, ELDERLY_AGE)
    adult_born_by = _years_before(reference, ADULT_AGE)
    members = current_memberships().filter(household__surveys__in=surveys)
    persons = members.aggregate(
        total=Count("person", distinct=True),
        elderly=Count("person", distinct=True, filter=Q(person__birth_date__lte=elderly_born_by)),
        children=Count("person", distinct=True, filter=Q(person__birth_date__gt=adult_born_by)),
        disabled=Count("person", distinct=True, filter=Q(person__has_disability=True)),
        bedridden=Count("person", distinct=True, filter=Q(person__is_bedridden=True)),
        chronically_ill=Count("person", distinct=True, filter=Q(person__has_chronic_illness=True)),
    )

    account_fields = SurveyAccounts.FIELDS
    accounts = SurveyAccounts.objects.filter(survey__in=surveys).aggregate(
        households=Count("id"), **{name: Sum(name) for name in account_fields}
    )
    income_total = sum((accounts[n] or Decimal(0)) for n in SurveyAccounts.INCOME_FIELDS)
    consumption = accounts["expense_consumption"] or Decimal(0)
    production = accounts["expense_production"] or Decimal(0)
    spending = consumption + production

    capitals = []
    for capital in Capital:
        average = totals[f"avg_{capital.value}"]
        if average is None:
            continue
        average = Decimal(average).quantize(Decimal("0.01"))
        capitals.append(
            {
                "capital": capital.value,
                "average": str(average),
                "deficit": str(HIGHEST_SCORE - average),
                "households": totals[f"answered_{capital.value}"],
            }
        )
    capitals.sort(key=lambda row: (-Decimal(row["deficit"]), row["capital"]))

    failed = (
        IndicatorAnswer.objects.filter(survey__in=surveys, result=IndicatorResult.FAIL)
        .values("indicator__code", "indicator__number", "indicator__text_th", "indicator__text_en")
        .annotate(households=Count("survey", distinct=True))
        .order_by("-households", "indicator__number")[:TOP_INDICATORS]
    )

    return {
        "survey_round": survey_round,
        "households": totals["households"],
        "target_poor": totals["target_poor"],
        "levels": {level.value: level_counts.get(level.value, 0) for level in Level},
        "persons": persons,
        "accounts": {
            "households": accounts["households"],
            "income": {
                n.removeprefix("income_"): _money(accounts[n]) for n in SurveyAccounts.INCOME_FIELDS
            },
            "income_total": _money(income_total),
            "consumption": _money(consumption),
            "production": _money(production),
            "consumption_share": (
                str((consumption * 100 / spending).quantize(Decimal("0.1"))) if spending else None
            ),
            "debt_formal": _money(accounts["debt_formal"]),
            "debt_informal": _money(accounts["debt_informal"]),
            "savings": _money(accounts["savings"]),
        },
        "capitals": capitals,
        "indicators_failed": [
            {
                "code": row["indicator__code"],
                "number": row["indicator__number"],
                "text_th": row["indicator__text_th"],
                "text_en": row["indicator__text_en"],
                "households": row["households"],
            }
            for row in failed
        ],
    }


def data_for_reader(user, plan: MasterPlan) -> dict:
    """The plan's data section with small groups masked for readers outside the village."""
    return masked_data_section(plan.data or {}, exact=is_village_worker(user, plan.area_id))


def masked_data_section(data: dict, *, exact: bool) -> dict:
    """A data section as a reader sees it: as computed for the village's own workers (`exact`),
    small groups as "<5" for everyone else."""
    if exact or not data:
        return data
    masked = dict(data)
    masked["households"] = shown_count(data.get("households", 0), exact=False)
    masked["target_poor"] = shown_count(data.get("target_poor", 0), exact=False)
    masked["levels"] = {k: shown_count(v, exact=False) for k, v in data.get("levels", {}).items()}
    masked["persons"] = {k: shown_count(v, exact=False) for k, v in data.get("persons", {}).items()}
    masked["indicators_failed"] = [
        {**row, "households": shown_count(row["households"], exact=False)}
        for row in data.get("indicators_failed", [])
    ]
    return masked


def level_label(level: str) -> str:
    return LEVEL_THAI.get(level, level)


def budget_totals(user) -> list[dict]:
    """Requested and adopted budget by district and LAO over the plans the user may see."""
    projects = projects_visible_to(user, Action.VIEW_DASHBOARD)
    return list(
        projects.values("plan__area__parent__parent_id", "lao__name_th")
        .annotate(
            projects=Count("id"),
            requested=Sum("budget_requested"),
            adopted=Sum("budget_adopted"),
        )
        .order_by("plan__area__parent__parent_id", "lao__name_th")
    )


PROJECT_STATE_LABELS = {
    "draft": _("Being drafted"),
    "ranked": _("Ranked at the forum"),
    "endorsed": _("Endorsed by the community"),
    "submitted": _("Submitted to the local organisation"),
    "in_local_plan": _("In the local development plan"),
    "in_budget": _("In the budget ordinance"),
    "done": _("Done"),
    "not_adopted": _("Not adopted"),
}


def project_figures(area_code: str, survey_round: int) -> list[dict]:
    """Master-plan projects of the villages under `area_code` whose plans were drawn from the
    survey round `survey_round`, by state: how many, the budget requested and the budget adopted
    (an LAO ordinance's amount). Projects are public plans, not households: no small cells."""
    rows = (
        Project.objects.filter(
            plan__area__code__startswith=area_code, plan__survey_round=survey_round
        )
        .values("state")
        .annotate(
            count=Count("id"),
            requested=Sum("budget_requested"),
            adopted=Sum("budget_adopted"),
        )
    )
    return [
        {
            "state": row["state"],
            "label": PROJECT_STATE_LABELS.get(row["state"], row["state"]),
            "count": row["count"],
            "requested": row["requested"] or Decimal(0),
            "adopted": row["adopted"] or Decimal(0),
        }
        for row in sorted(rows, key=lambda r: list(PROJECT_STATE_LABELS).index(r["state"]))
    ]


# --- The printed plan's PDFs ----------------------------------------------------------------------

# A PDF still waiting or being made after this long lost its worker (a broker restart can drop
# the message): it is not handed out again, and the page offers to make a new one.
STALLED_AFTER = dt.timedelta(minutes=10)


def plan_fingerprint(plan: MasterPlan) -> str:
    """Names the content a printed plan is made from: the plan, its problems and projects
    (a project's step into the LAO's plan or budget changes it), and their target counts."""
    projects = Project.objects.filter(plan=plan).aggregate(
        n=Count("id", distinct=True),
        last=Max("updated_at"),
        targets=Count("target_households"),
        budget=Sum("budget_requested"),
    )
    problems = plan.problems.aggregate(n=Count("id"), last=Max("updated_at"))
    parts = [
        plan.status,
        plan.updated_at.isoformat(),
        str(projects["n"]),
        str(projects["last"]),
        str(projects["targets"]),
        str(projects["budget"]),
        str(problems["n"]),
        str(problems["last"]),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def reusable_pdf(plan: MasterPlan, *, exact: bool, fingerprint: str) -> PlanPdf | None:
    """A PDF that may be handed out again: one being made for the same content and reader, or,
    for an endorsed plan, one made from the same content (the plan is frozen)."""
    same = PlanPdf.objects.filter(plan=plan, exact_counts=exact, fingerprint=fingerprint)
    waiting = same.filter(
        status__in=[PdfStatus.PENDING, PdfStatus.RUNNING],
        updated_at__gte=timezone.now() - STALLED_AFTER,
    ).first()
    if waiting:
        return waiting
    if plan.is_frozen:
        return same.filter(status=PdfStatus.READY, plan_endorsed=True).first()
    return None


def latest_pdf(plan: MasterPlan, *, exact: bool) -> PlanPdf | None:
    """The newest PDF of `plan` for this kind of reader, `stalled` set when its worker is gone and
    `out_of_date` when the plan has changed since it was made from it (its fingerprint differs):
    the panel then offers to make a new one, not the old file."""
    pdf = PlanPdf.objects.filter(plan=plan, exact_counts=exact).order_by("-created_at").first()
    if pdf is not None:
        pdf.stalled = pdf.in_progress and pdf.updated_at < timezone.now() - STALLED_AFTER
        pdf.out_of_date = pdf.fingerprint != plan_fingerprint(plan)
    return pdf
