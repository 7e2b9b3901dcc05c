"""The demo province's master plans: the local administrative organisations of Mukdahan (a
provincial administrative organisation, the town municipality of Mukdahan, a TAO for every other
subdistrict) and plans in every district of the province with projects in every state: two in
เมืองมุกดาหาร (the demo area manager's district: one still a draft with a project ranked, one
endorsed) and one in each other district, drafted and endorsed by that district's area manager
(a demo account without a password, created here).

The villages that get a plan are first brought to MIN_SURVEYED households with a verified survey
of the plan's round (households.demo.seed_demo_village_households, the demo households' own
path), so the data section shows real figures to the provincial officer rather than "<5".

Built through the services (policy, audit and history as in real use). Deterministic for a seed;
running it again adds nothing."""

import random
from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from households.demo import seed_demo_village_households
from households.surveys.models import Survey, SurveyStatus
from ppaos.accounts.models import Role, RoleAssignment, User
from ppaos.areas.models import Area, AreaLevel
from ppaos.thai.thai_dates import fiscal_year_be

from . import services
from .models import LaoKind, LocalAdministrativeOrganisation, MasterPlan

PROVINCE = "49"
DISTRICT = "4901"  # the demo area manager's district
TOWN_SUBDISTRICT = "490101"  # ตำบลมุกดาหาร: เทศบาลเมืองมุกดาหาร
PLANS_IN_DISTRICT = 2  # in the demo area manager's district; one in every other district
MIN_SURVEYED = 8  # households with a verified survey in each planned village (masking is < 5)

# (problem, capital, project, objective, carrier, budget, targets by level, path of steps)
_PROJECTS = [
    ("หนี้นอกระบบสูง", "financial", "กองทุนแก้หนี้นอกระบบหมู่บ้าน", "ลดหนี้นอกระบบของครัวเรือนยากจน",
     "lao", 150000, ["in_hardship", "struggling"]),
    ("ขาดน้ำทำการเกษตรหน้าแล้ง", "natural", "ธนาคารน้ำใต้ดิน", "มีน้ำใช้ทำการเกษตรตลอดปี",
     "lao", 320000, ["in_hardship", "struggling", "getting_by"]),
    ("รายได้ไม่พอรายจ่าย", "financial", "กลุ่มอาชีพทอผ้าและแปรรูปผลผลิต", "เพิ่มรายได้เสริมให้ครัวเรือน",
     "joint", 85000, ["in_hardship"]),
    ("ผู้สูงอายุติดบ้านขาดคนดูแล", "human", "อาสาดูแลผู้สูงอายุในชุมชน", "ผู้สูงอายุติดบ้านได้รับการเยี่ยมทุกเดือน",
     "community", 20000, ["in_hardship"]),
    ("ถนนเข้าพื้นที่เกษตรชำรุด", "physical", "ปรับปรุงถนนเข้าพื้นที่การเกษตร", "ขนส่งผลผลิตได้ทุกฤดู",
     "lao", 450000, []),
]  # fmt: skip

# The steps each plan's projects take after endorsement, so that every state is shown.
_PATHS = [
    ["submit", "record_local_plan", "record_ordinance", "complete"],
    ["submit", "record_local_plan", "record_ordinance"],
    ["submit", "record_local_plan"],
    ["submit"],
    ["submit", "not_adopted"],
    [],  # endorsed, waiting to be submitted
    ["complete"],  # the community carries it itself
]


def seed_demo_laos() -> int:
    """The LAOs of Mukdahan and the areas they cover (idempotent). Returns how many exist."""
    subdistricts = Area.objects.filter(level=AreaLevel.SUBDISTRICT, code__startswith=PROVINCE)
    pao, _ = LocalAdministrativeOrganisation.objects.get_or_create(
        code="pao-49", defaults={"name_th": "องค์การบริหารส่วนจังหวัดมุกดาหาร", "kind": LaoKind.PAO}
    )
    pao.areas.add(PROVINCE)
    for subdistrict in subdistricts.order_by("code"):
        if subdistrict.code == TOWN_SUBDISTRICT:
            code, name, kind = "town-490101", "เทศบาลเมืองมุกดาหาร", LaoKind.TOWN
        else:
            code = f"tao-{subdistrict.code}"
            name, kind = f"องค์การบริหารส่วนตำบล{subdistrict.name_th}", LaoKind.TAO
        lao, _ = LocalAdministrativeOrganisation.objects.get_or_create(
            code=code, defaults={"name_th": name, "kind": kind}
        )
        lao.areas.add(subdistrict.code)
    return LocalAdministrativeOrganisation.objects.filter(code__in=_demo_codes()).count()


def _demo_codes() -> list[str]:
    codes = ["pao-49", "town-490101"]
    codes += [
        f"tao-{code}"
        for code in Area.objects.filter(
            level=AreaLevel.SUBDISTRICT, code__startswith=PROVINCE
        ).values_list("code", flat=True)
    ]
    return codes


def _local_lao(village: str):
    return (
        LocalAdministrativeOrganisation.objects.filter(areas__code=village[:6])
        .exclude(kind=LaoKind.PAO)
        .first()
    )


def demo_plan_villages(fiscal_year: int) -> list[str]:
    """Two villages of the demo manager's district and one of every other district of the
    province: in each, the villages with the most verified surveys of the plan's round, one per
    subdistrict first, then by code (deterministic)."""
    counts = dict(
        Survey.objects.filter(
            household__area__code__startswith=PROVINCE,
            fiscal_year=fiscal_year - 1,
            status=SurveyStatus.VERIFIED,
        )
        .values_list("household__area_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    villages = Area.objects.filter(level=AreaLevel.VILLAGE, code__startswith=PROVINCE)
    by_district: dict[str, list[str]] = {}
    for code in villages.order_by("code").values_list("code", flat=True):
        by_district.setdefault(code[:4], []).append(code)
    chosen = []
    for district, codes in sorted(by_district.items()):
        wanted = PLANS_IN_DISTRICT if district == DISTRICT else 1
        picked, subdistricts = [], set()
        for code in sorted(codes, key=lambda c: (-counts.get(c, 0), c)):
            if code[:6] in subdistricts:
                continue
            picked.append(code)
            subdistricts.add(code[:6])
            if len(picked) == wanted:
                break
        chosen += picked
    return sorted(chosen)


def district_manager(district: str) -> User:
    """The area manager who drafts and endorses the demo plans of a district: the demo manager
    for theirs, else a demo account without a password (idempotent)."""
    if district == DISTRICT:
        return User.objects.get(username="manager")
    name = Area.objects.get(code=district).name_th
    user, created = User.objects.get_or_create(
        username=f"manager_{district}",
        defaults={"first_name": "หัวหน้าพื้นที่", "last_name": name},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    RoleAssignment.objects.get_or_create(user=user, role=Role.AREA_MANAGER, area_id=district)
    return user


def seed_demo_plans(*, seed: int = 1) -> dict[str, int]:
    """LAOs and plans across the province with projects in every state. Needs the demo
    households (seed_demo_households); adds households to the planned villages that have fewer
    than MIN_SURVEYED surveyed ones."""
    laos = seed_demo_laos()
    if not User.objects.filter(username="manager").exists():
        raise ValueError("The demo users are missing: run seed_demo first.")
    rng = random.Random(seed)
    fiscal_year = fiscal_year_be(timezone.localdate())
    made = projects = 0
    if MasterPlan.objects.filter(
        fiscal_year=fiscal_year, created_by__username__startswith="manager"
    ).exists():
        return {"laos": laos, "plans": 0, "projects": 0, "households": 0}  # seeded before
    villages = [
        v
        for v in demo_plan_villages(fiscal_year)
        if not MasterPlan.objects.filter(area_id=v, fiscal_year=fiscal_year).exists()
    ]
    added = seed_demo_village_households(
        wanted=dict.fromkeys(villages, MIN_SURVEYED), seed=seed, province=PROVINCE
    )
    for village in villages:  # by code: the demo manager's district (4901) comes first
        with transaction.atomic():
            manager = district_manager(village[:4])
            projects += _seed_plan(manager, village, fiscal_year, made, rng)
        made += 1
    return {"laos": laos, "plans": made, "projects": projects, "households": added["households"]}


def _seed_plan(manager, village: str, fiscal_year: int, index: int, rng) -> int:
    plan = services.create_plan(actor=manager, area_code=village, fiscal_year=fiscal_year)
    services.update_plan(
        actor=manager,
        plan=plan,
        vision="ชุมชนพึ่งตนเอง ปลอดหนี้นอกระบบ มีน้ำ มีอาชีพ",
        forum_date=timezone.localdate().replace(day=1),
    )
    lao = _local_lao(village)
    rows = _PROJECTS[: 3 + index % 3]
    made = []
    for rank, (problem_title, capital, title, objective, carrier, budget, levels) in enumerate(
        rows, start=1
    ):
        problem = services.add_problem(
            actor=manager, plan=plan, title=problem_title, capital=capital, rank=rank
        )
        targets = services.households_by_level(plan, levels) if levels else []
        project = services.add_project(
            actor=manager,
            plan=plan,
            problem=problem,
            title=title,
            objective=objective,
            activities="ประชุมกลุ่ม วางแผน ลงมือทำ และติดตามผล",
            indicators="จำนวนครัวเรือนเป้าหมายที่ได้รับประโยชน์",
            budget_requested=Decimal(budget),
            carrier=carrier,
            lao=lao if carrier in ("lao", "joint") else None,
            target_households=targets[:12],
        )
        made.append(project)
    if index == 0:
        # The first plan is still being drafted: one project ranked at the forum, one a draft.
        services.transition_project(actor=manager, project=made[0], name="rank")
        return len(made)
    for project in made:
        services.transition_project(actor=manager, project=project, name="rank")
    services.endorse_plan(actor=manager, plan=plan)
    for number, project in enumerate(made):
        path = _PATHS[(index + number) % len(_PATHS)]
        if project.carrier == "community":
            path = ["complete"]
        elif path == ["complete"]:
            path = ["submit", "record_local_plan", "record_ordinance", "complete"]
        for name in path:
            services.transition_project(
                actor=manager, project=project, name=name, **_step_details(name, project, rng)
            )
    return len(made)


def _step_details(name: str, project, rng) -> dict:
    fiscal_year = project.plan.fiscal_year
    if name == "record_local_plan":
        return {
            "edition": f"เพิ่มเติม ฉบับที่ {rng.randint(1, 5)}",
            "first_year": fiscal_year,
            "last_year": fiscal_year + 4,
        }
    if name == "record_ordinance":
        share = Decimal(rng.choice([60, 75, 80, 100])) / 100
        return {"fiscal_year": fiscal_year, "amount": project.budget_requested * share}
    if name == "not_adopted":
        return {"reason": "งบประมาณไม่เพียงพอในปีนี้ ให้เสนอใหม่ในแผนฉบับเพิ่มเติม"}
    return {}
