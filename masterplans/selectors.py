"""Reads for master plans: scoped querysets and the data section, computed by PostgreSQL."""

import datetime as dt
import hashlib
from decimal import Decimal

from django.db.models import (
    Avg,
    Count,
    DecimalField,
    Exists,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
from ppaos.core.background_jobs import STALLED_AFTER, is_stalled
from ppaos.core.display import format_amount
from ppaos.thai.thai_dates import be_to_ce

from .models import MasterPlan, PlanPdf, PlanStatus, Project, ProjectTransition
from .print_models import PdfStatus
from .transitions import EDITABLE_STATES, State

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


# --- Pages: lists, the overview, the household panel ---------------------------------------------

_MONEY_FIELD = DecimalField(max_digits=16, decimal_places=2)
ADOPTED_STATES = (State.IN_BUDGET, State.DONE)
STATE_LABELS = {
    State.DRAFT: gettext_lazy("Draft"),
    State.RANKED: gettext_lazy("Ranked at the village forum"),
    State.ENDORSED: gettext_lazy("Endorsed in the community plan"),
    State.SUBMITTED: gettext_lazy("Submitted to the local administrative organisation"),
    State.IN_LOCAL_PLAN: gettext_lazy("In the local development plan"),
    State.IN_BUDGET: gettext_lazy("In the budget ordinance"),
    State.DONE: gettext_lazy("Done"),
    State.NOT_ADOPTED: gettext_lazy("Not adopted"),
}


def project_is_editable(project: Project) -> bool:
    """A project's content may change while it is a draft or ranked and its plan is not
    endorsed (transitions.EDITABLE_STATES); after that it is the endorsed plan's."""
    return project.state in EDITABLE_STATES and not project.plan.is_frozen


def project_locked_message(project: Project) -> str:
    if project.plan.is_frozen:
        return _("The plan has been endorsed; its content can no longer change.")
    return _("The project has been endorsed; its content can no longer change.")


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


def with_budget(plans: QuerySet) -> QuerySet:
    """Plans with their project count and requested / adopted totals (one query)."""
    return plans.annotate(
        project_count=Count("projects", distinct=True),
        budget_requested=Coalesce(
            Sum("projects__budget_requested"), Value(0), output_field=_MONEY_FIELD
        ),
        budget_adopted=Coalesce(
            Sum("projects__budget_adopted", filter=Q(projects__state__in=ADOPTED_STATES)),
            Value(0),
            output_field=_MONEY_FIELD,
        ),
    )


def plans_to_endorse(user) -> QuerySet:
    """Draft plans with a project ranked at the forum, in areas where the user may endorse."""
    ranked = Project.objects.filter(plan=OuterRef("pk"), state=State.RANKED)
    return plans_visible_to(user, Action.ENDORSE_MASTER_PLAN).filter(
        Exists(ranked), status=PlanStatus.DRAFT
    )


PLAN_FILTERS = ("draft", "endorsed", "to_endorse")


def plan_list_for(user, *, status: str = "", fiscal_year: int | None = None) -> QuerySet:
    """The plans list page: visible plans, filtered, with budget totals; "to_endorse" is the
    home card's list (the same selector, so the card's number is the number of rows)."""
    if status == "to_endorse":
        plans = plans_to_endorse(user)
    else:
        plans = plans_visible_to(user)
        if status in (PlanStatus.DRAFT, PlanStatus.ENDORSED):
            plans = plans.filter(status=status)
    if fiscal_year:
        plans = plans.filter(fiscal_year=fiscal_year)
    return (
        with_budget(plans.select_related("area__parent__parent"))
        .defer("data")
        .order_by("-fiscal_year", "area_id")
    )


def plan_detail(user, public_id) -> MasterPlan:
    """One visible plan with its problems and projects (404 outside the user's scope)."""
    from django.shortcuts import get_object_or_404

    projects = Project.objects.select_related("lao", "problem").annotate(
        target_count=Count("target_households")
    )
    return get_object_or_404(
        plans_visible_to(user)
        .select_related("area__parent__parent", "created_by", "endorsed_by")
        .prefetch_related("problems", Prefetch("projects", queryset=projects)),
        public_id=public_id,
    )


def project_detail(user, public_id) -> Project:
    from django.shortcuts import get_object_or_404

    history = ProjectTransition.objects.select_related("actor").order_by("at", "id")
    return get_object_or_404(
        projects_visible_to(user)
        .select_related("plan__area", "problem")
        .prefetch_related(Prefetch("transitions", queryset=history)),
        public_id=public_id,
    )


def target_households_of(project: Project) -> list[dict]:
    """The project's target households: house number and level in the plan's round (no names)."""
    levels = dict(
        ClassificationResult.objects.filter(
            household__in=project.target_households.all(),
            fiscal_year=project.plan.survey_round,
        )
        .order_by("household_id", "id")
        .values_list("household_id", "level")
    )
    return [
        {
            "household": household,
            "level": levels.get(household.pk, ""),
            "level_label": level_label(levels.get(household.pk, "")),
        }
        for household in project.target_households.order_by("house_number", "id")
    ]


def village_households_for_targets(plan: MasterPlan) -> list[dict]:
    """The village's active households with their level in the plan's survey round, the choices
    for a project's target households (house numbers and levels only, no names)."""
    from households.models import Household

    levels = dict(
        ClassificationResult.objects.filter(area_id=plan.area_id, fiscal_year=plan.survey_round)
        .order_by("household_id", "id")
        .values_list("household_id", "level")
    )
    rows = Household.objects.filter(area_id=plan.area_id, status="active").order_by("id")
    return [
        {
            "id": household.pk,
            "house_number": household.house_number,
            "level": levels.get(household.pk, ""),
            "level_label": level_label(levels.get(household.pk, "")),
        }
        for household in rows.only("id", "house_number")
    ]


def evidence_choices(plan: MasterPlan, data: dict) -> list[tuple[str, str]]:
    """Figures of the data section a problem may point at: (key, label with the figure)."""
    choices = []
    capital_names = dict(Capital.choices)
    for row in data.get("capitals", []):
        label = _("%(capital)s: average score %(average)s of 4") % {
            "capital": capital_names.get(row["capital"], row["capital"]),
            "average": row["average"],
        }
        choices.append((f"capital:{row['capital']}", label))
    accounts = data.get("accounts", {})
    for key, text in (
        ("debt_informal", _("Informal debt")),
        ("debt_formal", _("Formal debt")),
        ("consumption", _("Consumption spending")),
        ("production", _("Production spending")),
        ("savings", _("Savings")),
    ):
        if key in accounts:
            label = _("%(figure)s: %(amount)s baht") % {
                "figure": text,
                "amount": format_amount(accounts[key]),
            }
            choices.append((f"accounts:{key}", label))
    for row in data.get("indicators_failed", []):
        label = _("Basic need %(number)s not met: %(households)s households") % {
            "number": row["number"],
            "households": row["households"],
        }
        choices.append((f"indicator:{row['code']}", f"{label} — {row['text_th']}"))
    return choices


def overview_for(user) -> dict:
    """The provincial officer's overview: every plan in scope by status, requested and adopted
    budget by district and by LAO (VIEW_DASHBOARD: figures, no names)."""
    plans = plans_visible_to(user, Action.VIEW_DASHBOARD)
    projects = projects_visible_to(user, Action.VIEW_DASHBOARD)
    adopted = Sum("budget_adopted", filter=Q(state__in=ADOPTED_STATES))
    by_district = list(
        projects.values(
            district=F("plan__area__parent__parent_id"),
            district_name=F("plan__area__parent__parent__name_th"),
        )
        .annotate(
            plans=Count("plan", distinct=True),
            projects=Count("id"),
            requested=Sum("budget_requested"),
            adopted=adopted,
        )
        .order_by("district")
    )
    by_lao = list(
        projects.values(lao_name=F("lao__name_th"), lao_code=F("lao__code"))
        .annotate(projects=Count("id"), requested=Sum("budget_requested"), adopted=adopted)
        .order_by("lao_code")
    )
    status_counts = dict(plans.values_list("status").annotate(n=Count("id")).order_by())
    state_counts = dict(projects.values_list("state").annotate(n=Count("id")).order_by())
    totals = projects.aggregate(requested=Sum("budget_requested"), adopted=adopted)
    return {
        "plans": with_budget(plans.select_related("area__parent__parent"))
        .defer("data")
        .order_by("area_id", "-fiscal_year"),
        "by_district": by_district,
        "by_lao": by_lao,
        "status_counts": [
            (value, label, status_counts.get(value, 0)) for value, label in PlanStatus.choices
        ],
        "state_counts": [(s.value, state_label(s), state_counts.get(s.value, 0)) for s in State],
        "requested": totals["requested"] or Decimal(0),
        "adopted": totals["adopted"] or Decimal(0),
    }


def export_rows(user):
    """The plans and the projects the xlsx export writes, scoped like the lists, as plain dicts
    (`.values()`: building ~5 model instances per project row cost more than the SQL)."""
    plans = plan_list_for(user).values(
        "area_id",
        "area__name_th",
        "fiscal_year",
        "survey_round",
        "status",
        "endorsed_at",
        "project_count",
        "budget_requested",
        "budget_adopted",
    )
    projects = (
        projects_visible_to(user)
        .annotate(target_count=Count("target_households"))
        .order_by("plan__area_id", "-plan__fiscal_year", "id")
        .values(
            "plan__area_id",
            "plan__area__name_th",
            "plan__fiscal_year",
            "title",
            "problem__title",
            "objective",
            "carrier",
            "lao__name_th",
            "state",
            "target_count",
            "budget_requested",
            "local_plan_edition",
            "local_plan_first_year",
            "local_plan_last_year",
            "ordinance_fiscal_year",
            "budget_adopted",
            "not_adopted_reason",
        )
    )
    return plans, projects


def help_received(household) -> list[dict]:
    """A household's "help received" record: its referrals and the master-plan projects that
    target it, newest first (see `help_received_for`)."""
    return help_received_for([household.pk]).get(household.pk, [])


def help_received_for(household_ids) -> dict[int, list[dict]]:
    """The "help received" record of many households in two queries, for the household page
    and monitoring's evaluation: {household id: [item, …]}, newest first. Each item is a plain
    dict: kind ("referral" / "project"), title, state, state_label, since (date), amount (help
    value or adopted budget, else None), received (the help was delivered), object."""
    from referrals.models import Referral

    ids = list(household_ids)
    record: dict[int, list[dict]] = {pk: [] for pk in ids}
    referrals = Referral.objects.filter(household_id__in=ids).select_related("service")
    for referral in referrals:
        record[referral.household_id].append(
            {
                "kind": "referral",
                "title": referral.service.name_th,
                "state": referral.status,
                "state_label": referral.get_status_display(),
                "since": referral.created_at.date(),
                "amount": referral.help_value,
                "received": referral.status == "completed",
                "object": referral,
            }
        )
    targets = Project.target_households.through.objects.filter(household_id__in=ids)
    for link in targets.select_related("project__plan").order_by("project_id"):
        project = link.project
        record[link.household_id].append(
            {
                "kind": "project",
                "title": project.title,
                "state": project.state,
                "state_label": state_label(project.state),
                "since": project.created_at.date(),
                "amount": project.budget_adopted if project.state in ADOPTED_STATES else None,
                "received": project.state == State.DONE,
                "object": project,
            }
        )
    for items in record.values():
        items.sort(key=lambda item: item["since"], reverse=True)
    return record


def laos_serving(area_code: str) -> QuerySet:
    """The local administrative organisations whose areas contain `area_code` (PAO, TAO, …)."""
    from .models import LocalAdministrativeOrganisation

    prefixes = [area_code[:n] for n in (2, 4, 6, 8) if len(area_code) >= n]
    return (
        LocalAdministrativeOrganisation.objects.filter(areas__code__in=prefixes)
        .distinct()
        .order_by("kind", "code")
    )


PERSON_GROUPS = (
    ("elderly", gettext_lazy("Elderly (60 and over)")),
    ("disabled", gettext_lazy("Persons with a disability")),
    ("bedridden", gettext_lazy("Bedridden")),
    ("children", gettext_lazy("Children (under 18)")),
    ("chronically_ill", gettext_lazy("Chronically ill")),
)


def data_section_rows(data: dict) -> dict:
    """The data section as labelled rows for the page (figures as stored or masked)."""
    from households.surveys.models import SurveyAccounts

    levels = data.get("levels", {})
    level_names = dict(Level.choices)
    capital_names = dict(Capital.choices)
    accounts = data.get("accounts", {})
    field_label = {f.name: f.verbose_name for f in SurveyAccounts._meta.get_fields() if f.concrete}
    return {
        "levels": [
            {"level": value, "label": level_names[value], "count": levels.get(value, 0)}
            for value in Level.values
        ],
        "persons": [
            {"key": key, "label": label, "count": data.get("persons", {}).get(key, 0)}
            for key, label in PERSON_GROUPS
        ],
        "persons_total": data.get("persons", {}).get("total", 0),
        "income": [
            {"label": field_label[name], "amount": accounts.get("income", {}).get(key)}
            for name in SurveyAccounts.INCOME_FIELDS
            if (key := name.removeprefix("income_")) in accounts.get("income", {})
        ],
        "capitals": [
            {**row, "label": capital_names.get(row["capital"], row["capital"])}
            for row in data.get("capitals", [])
        ],
    }


def steps_for(user, project: Project) -> list:
    """The transitions the user may record for the project now (from transitions.TRANSITIONS):
    none without DRAFT_MASTER_PLAN in its area; "endorse" never (projects are endorsed with
    their plan); "submit"/"complete" from endorsed only once the plan is endorsed, and
    "complete" straight from endorsed only for a project the community carries itself."""
    from .models import Carrier
    from .transitions import transitions_from

    if not can(user, Action.DRAFT_MASTER_PLAN, project):
        return []
    steps = []
    for transition in transitions_from(project.state):
        if transition.name == "endorse":
            continue
        if transition.source == State.ENDORSED and not project.plan.is_frozen:
            continue
        if (
            transition.name == "complete"
            and transition.source == State.ENDORSED
            and project.carrier != Carrier.COMMUNITY
        ):
            continue
        steps.append(transition)
    return steps


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
            "label": state_label(row["state"]),
            "count": row["count"],
            "requested": row["requested"] or Decimal(0),
            "adopted": row["adopted"] or Decimal(0),
        }
        for row in sorted(rows, key=lambda r: list(STATE_LABELS).index(r["state"]))
    ]


# --- The printed plan's PDFs ----------------------------------------------------------------------

# A PDF still waiting or being made after STALLED_AFTER lost its worker (a broker restart can
# drop the message): it is not handed out again, and the page offers to make a new one.


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
        pdf.stalled = is_stalled(pdf.in_progress, pdf.updated_at)
        pdf.out_of_date = pdf.fingerprint != plan_fingerprint(plan)
    return pdf
