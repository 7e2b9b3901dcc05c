"""The printed community master plan: what it holds (reads only) and its HTML.

One template (templates/masterplans/print/plan.html) serves the page a facilitator prints from
the browser and the PDF the Celery worker makes with Chromium. The PDF's HTML is rendered
here, server-side; Chromium loads it without a session and without the network, its stylesheet
and fonts served from the static files on disk (PDF_STATIC, static_file_for).

The printed plan names no household and no person: projects show how many households they
target. It goes to the village forum, the LAO and the district, and a paper copy cannot be
recalled; the names stay in the application, behind the access policy. Readers outside the
village's own workers see groups of fewer than five households as "<5" (selectors.SMALL_GROUP).
"""

from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.contrib.staticfiles import finders
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone

from households.person_groups import PERSON_GROUPS
from households.surveys.models import Capital, Level, SurveyAccounts
from ppaos.thai.thai_money import baht_text

from .models import LocalAdministrativeOrganisation, MasterPlan, Project
from .selectors import HIGHEST_SCORE, masked_data_section, shown_count, state_label

TEMPLATE = "masterplans/print/plan.html"
STYLESHEET = "css/plan_print.css"

# The keys of the groups in a plan's data section (masterplans.selectors), by group.
PLAN_DATA_KEYS = {
    "child": "children",
    "disability": "disabled",
    "chronic_illness": "chronically_ill",
}


def _number(value) -> Decimal | None:
    """A figure of the data section as a number; None for a masked "<5" or a missing figure."""
    if value is None or isinstance(value, str) and value.startswith("<"):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def bars(rows: list[dict], key: str = "value", top=None) -> list[dict]:
    """Each row with `pct`: its bar's length in percent of the largest value (or of `top`),
    for the small SVG bar charts. A masked or missing value draws no bar."""
    numbers = [_number(row[key]) for row in rows]
    largest = Decimal(top) if top is not None else max((n for n in numbers if n), default=None)
    for row, number in zip(rows, numbers, strict=True):
        pct = number * 100 / largest if number and largest else Decimal(0)
        row["pct"] = str(max(Decimal(0), min(Decimal(100), pct)).quantize(Decimal("0.1")))
    return rows


def _share(part, whole) -> str | None:
    part, whole = _number(part), _number(whole)
    if part is None or not whole:
        return None
    return str((part * 100 / whole).quantize(Decimal("0.1")))


def _places(plan: MasterPlan) -> dict:
    village = plan.area
    subdistrict = village.parent
    district = subdistrict.parent if subdistrict else None
    province = district.parent if district else None
    return {
        "village": village.name_th,
        "village_number": int(village.code[6:8]) if len(village.code) == 8 else None,
        "subdistrict": subdistrict.name_th if subdistrict else "",
        "district": district.name_th if district else "",
        "province": province.name_th if province else "",
        "code": village.code,
    }


def _data_rows(data: dict) -> dict:
    """The data section arranged for the printed tables and charts."""
    if not data:
        return {}
    households = data.get("households", 0)
    levels = bars(
        [
            {
                "level": level.value,
                "label": level.label,
                "value": data.get("levels", {}).get(level.value, 0),
            }
            for level in Level
        ]
    )
    for row in levels:
        row["share"] = _share(row["value"], households)
    persons = data.get("persons", {})
    groups = bars(
        [
            {"label": label, "value": persons.get(PLAN_DATA_KEYS.get(key, key), 0)}
            for key, label in PERSON_GROUPS
        ]
    )
    accounts = data.get("accounts", {})
    income = bars(
        [
            {
                "label": SurveyAccounts._meta.get_field(f"income_{source}").verbose_name,
                "value": accounts.get("income", {}).get(source, "0"),
            }
            # In the order of the household account book (JSON keeps no order of its own).
            for source in (name.removeprefix("income_") for name in SurveyAccounts.INCOME_FIELDS)
        ]
    )
    for row in income:
        row["share"] = _share(row["value"], accounts.get("income_total"))
    spending = [
        {
            "kind": "consumption",
            "label": SurveyAccounts._meta.get_field("expense_consumption").verbose_name,
            "value": accounts.get("consumption", "0"),
        },
        {
            "kind": "production",
            "label": SurveyAccounts._meta.get_field("expense_production").verbose_name,
            "value": accounts.get("production", "0"),
        },
    ]
    spending_total = sum((_number(r["value"]) or Decimal(0)) for r in spending)
    for row in spending:
        row["share"] = _share(row["value"], spending_total)
        row["pct"] = row["share"] or "0"
    debt_formal = _number(accounts.get("debt_formal")) or Decimal(0)
    debt_informal = _number(accounts.get("debt_informal")) or Decimal(0)
    money = bars(
        [
            {
                "label": SurveyAccounts._meta.get_field("debt_formal").verbose_name,
                "value": str(debt_formal),
            },
            {
                "label": SurveyAccounts._meta.get_field("debt_informal").verbose_name,
                "value": str(debt_informal),
            },
            {
                "label": SurveyAccounts._meta.get_field("savings").verbose_name,
                "value": accounts.get("savings", "0"),
            },
        ]
    )
    capitals = bars(
        [
            {
                "label": Capital(row["capital"]).label,
                "value": row["average"],
                "deficit": row["deficit"],
                "households": row["households"],
            }
            for row in data.get("capitals", [])
        ],
        top=HIGHEST_SCORE,
    )
    indicators = bars(
        [
            {**row, "value": row["households"], "share": _share(row["households"], households)}
            for row in data.get("indicators_failed", [])
        ]
    )
    return {
        "households": households,
        "target_poor": data.get("target_poor", 0),
        "target_poor_share": _share(data.get("target_poor", 0), households),
        "persons_total": persons.get("total", 0),
        "levels": levels,
        "groups": groups,
        "accounts_households": accounts.get("households", 0),
        "income": income,
        "income_total": accounts.get("income_total", "0"),
        "spending": spending,
        "spending_total": str(spending_total),
        "money": money,
        "debt_total": str(debt_formal + debt_informal),
        "capitals": capitals,
        "indicators": indicators,
        "survey_round": data.get("survey_round"),
    }


def _projects(plan: MasterPlan, *, exact: bool) -> list[Project]:
    projects = list(
        Project.objects.filter(plan=plan)
        .select_related("problem", "lao")
        .annotate(target_count=Count("target_households"))
        .order_by("problem__rank", "id")
    )
    for project in projects:
        project.targets_shown = shown_count(project.target_count, exact=exact)
        project.state_label = state_label(project.state)
    return projects


def print_context(plan: MasterPlan, *, exact: bool) -> dict:
    """Everything the printed plan shows. `exact`: made for the village's own workers."""
    problems = list(plan.problems.order_by("rank", "id"))
    for problem in problems:
        problem.capital_label = Capital(problem.capital).label if problem.capital else ""
    projects = _projects(plan, exact=exact)
    requested = sum((p.budget_requested for p in projects), Decimal(0))
    adopted = sum((p.budget_adopted or Decimal(0) for p in projects), Decimal(0))
    laos = LocalAdministrativeOrganisation.objects.filter(
        areas__code__in=_prefixes(plan.area_id)
    ).distinct()
    return {
        "plan": plan,
        "places": _places(plan),
        "laos": list(laos),
        "data": _data_rows(masked_data_section(plan.data or {}, exact=exact)),
        "problems": problems,
        "projects": projects,
        "budget_requested": requested,
        "budget_requested_words": baht_text(requested),
        "budget_adopted": adopted,
        "budget_adopted_words": baht_text(adopted),
        "adopted_count": sum(1 for p in projects if p.budget_adopted is not None),
        "exact_counts": exact,
        "printed_at": timezone.now(),
        "stylesheet": STYLESHEET,
    }


def _prefixes(code: str) -> list[str]:
    return [code[:n] for n in (2, 4, 6, 8) if len(code) >= n]


# The origin the PDF's page asks its stylesheet and fonts from. Nothing answers it on the
# network: print_pdf.html_to_pdf serves these requests from the static files on disk.
PDF_ORIGIN = "https://plan-print.invalid"
PDF_STATIC = f"{PDF_ORIGIN}/static/"


def static_file_for(url: str) -> Path | None:
    """The local static file a PDF page's request for `url` asks for (None: refuse it)."""
    if not url.startswith(PDF_STATIC):
        return None
    relative = url.removeprefix(PDF_STATIC).split("?")[0]
    if ".." in relative.split("/"):
        return None
    found = finders.find(relative)
    return Path(found) if found else None


def render_plan_html(plan: MasterPlan, *, exact: bool) -> str:
    """The printed plan as one HTML document for Chromium's PDF (its assets: PDF_STATIC)."""
    context = print_context(plan, exact=exact)
    context.update(for_pdf=True, pdf_static=PDF_STATIC)
    return render_to_string(TEMPLATE, context)
