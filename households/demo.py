"""Demo households for the demo province (`seed_demo --households N`).

Creates N households in the province's villages, each with members (Thai names, valid national
IDs, ages that make sense for their relation), and a verified survey in each of two rounds (the
previous and the current fiscal year) whose answers follow one hidden "wellbeing" per household,
so the classification spreads over the four levels roughly as field data does (more households
struggling than in hardship or doing well), varies by village, and mostly improves between rounds.
The classification itself is the real one (households/surveys/classification.py).

It also writes the welfare-registry rows behind them: each welfare-card holder of a demo
household is a registrant already found in the field, and a fifth as many new leads (not yet
reviewed) wait in the villages — half of them in the demo facilitator's subdistrict, so the work
list of the demo has something to do.

Deterministic for a seed; everything is written with bulk_create or COPY, so 2,000 households
take seconds. `count` is the number of demo households the province should have: running again
with the same count adds nothing.
"""

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from ppaos.accounts.models import User
from ppaos.areas.models import Area, AreaLevel
from ppaos.audit.services import record_audit_event
from ppaos.thai.thai_dates import fiscal_year_be
from ppaos.thai.thai_id import national_id_check_digit

from .models import (
    CapitalAnswer,
    ClassificationResult,
    Finding,
    Household,
    IndicatorAnswer,
    LawfulBasis,
    Membership,
    Person,
    ProgrammeEvent,
    ProgrammeEventKind,
    RegistrantFinding,
    Survey,
    SurveyAccounts,
    SurveyNeed,
    SurveyStatus,
    SurveyTransition,
    WelfareRegistrant,
)
from .surveys import classification
from .surveys.selectors import current_instrument, instrument_parts
from .surveys.services import add_on_reason, current_rule_set

MALE_NAMES = [
    "สมชาย", "สมศักดิ์", "บุญมี", "ประสิทธิ์", "วิชัย", "สุริยา", "ทองดี", "คำพันธ์", "บุญเลิศ",
    "สมบัติ", "อนันต์", "ไพโรจน์", "ศักดิ์ชัย", "ธนากร", "กิตติพงษ์", "อภิชาติ", "วีระพงษ์", "ชาตรี",
    "ภูมิ", "ณัฐวุฒิ", "ปิยะ", "เอกชัย", "สุเทพ", "คำปุ่น", "บัวลอง", "ทองใบ",
]  # fmt: skip
FEMALE_NAMES = [
    "สมศรี", "บุญเรือน", "คำปุน", "มาลัย", "สุดารัตน์", "วันเพ็ญ", "นงลักษณ์", "ทองใส", "บัวผัน",
    "จันทร์เพ็ญ", "อรุณี", "พิมพ์ใจ", "สุภาพร", "กาญจนา", "ลำดวน", "ประภา", "อัมพร", "ศิริพร",
    "นภัสสร", "ปวีณา", "ณัฐธิดา", "คำแพง", "บุญหลาย", "ทองม้วน", "สายทอง", "รัตนา",
]  # fmt: skip
SURNAMES = [
    "ศรีสุข", "ใจดี", "พรมมา", "แสนสุข", "บุญมา", "จันทร์แก้ว", "ทองคำ", "ไชยวงศ์", "พิมพ์ทอง",
    "สีหามาตย์", "โคตรพันธ์", "ภูมิชัย", "วงศ์ษา", "แก้วมณี", "ศรีบุญเรือง", "คำหอม", "พันธ์ศรี",
    "ผิวขำ", "นามวงศ์", "สุวรรณชาติ", "มุกดาสนิท", "ชาวนา", "อุปถัมภ์", "ไชยสาร", "บุตรดี",
    "ศรีวงษ์", "คำมุงคุณ", "เหล่าลือชา", "พลซา", "แสงสว่าง",
]  # fmt: skip
OCCUPATIONS = ["เกษตรกร", "รับจ้างทั่วไป", "ค้าขาย", "ไม่ได้ทำงาน", "ทอผ้า", "เลี้ยงสัตว์"]
EDUCATION = ["ไม่ได้เรียน", "ประถมศึกษา", "มัธยมศึกษาตอนต้น", "มัธยมศึกษาตอนปลาย", "ปวช.", "ปริญญาตรี"]
CAPITAL_OFFSET = {
    "human": 0.0,
    "physical": 0.25,
    "financial": -0.35,
    "natural": 0.1,
    "social": 0.05,
}
NEEDS_BY_CAPITAL = {
    "human": "occupation",
    "physical": "housing",
    "financial": "debt",
    "natural": "water",
    "social": "allowance",
}


@dataclass
class _Member:
    person: Person
    relation: str
    age: int


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


class _Ids:
    """Unique, checksum-valid national IDs, drawn from the random generator."""

    def __init__(self, rng: random.Random, taken: set[str]):
        self.rng = rng
        self.taken = taken

    def next(self, birth_year_ce: int) -> str:
        while True:
            first = "1" if birth_year_ce >= 1984 else "3"
            first12 = f"{first}49{self.rng.randrange(10):01d}{self.rng.randrange(10**8):08d}"
            national_id = first12 + str(national_id_check_digit(first12))
            if national_id not in self.taken:
                self.taken.add(national_id)
                return national_id


def _birth_date(rng: random.Random, age: int, on: date) -> date:
    return date(on.year - age, 1, 1) - timedelta(days=rng.randrange(365))


def _title(sex: str, age: int, married: bool) -> str:
    if age < 15:
        return "ด.ช." if sex == "male" else "ด.ญ."
    if sex == "male":
        return "นาย"
    return "นาง" if married else "นางสาว"


def _household_members(rng, ids: _Ids, wellbeing: float, today: date) -> list[_Member]:
    surname = rng.choice(SURNAMES)
    members: list[_Member] = []

    def person(sex: str, age: int, relation: str, married: bool = False) -> _Member:
        born = _birth_date(rng, age, today)
        first = rng.choice(MALE_NAMES if sex == "male" else FEMALE_NAMES)
        poor = wellbeing < 2.2
        return _Member(
            Person(
                national_id=ids.next(born.year),
                title=_title(sex, age, married),
                first_name=first,
                last_name=surname,
                birth_date=born,
                sex=sex,
                education=rng.choice(EDUCATION[:3] if poor else EDUCATION[1:]) if age >= 7 else "",
                occupation=rng.choice(OCCUPATIONS) if age >= 15 else "",
                welfare_card_holder=age >= 18 and rng.random() < (0.75 if poor else 0.3),
                has_disability=rng.random() < (0.06 if poor else 0.02),
                has_chronic_illness=age >= 40 and rng.random() < 0.15,
                is_bedridden=age >= 75 and rng.random() < 0.15,
            ),
            relation,
            age,
        )

    head_sex = rng.choice(["male", "male", "female"])
    head_age = rng.randint(28, 78)
    size = rng.choices([1, 2, 3, 4, 5, 6], weights=[8, 18, 26, 25, 15, 8])[0]
    members.append(person(head_sex, head_age, "head", married=size > 1))
    if size > 1 and rng.random() < 0.8:
        spouse_sex = "female" if head_sex == "male" else "male"
        members.append(
            person(spouse_sex, _clamp(head_age + rng.randint(-6, 4), 20, 90), "spouse", True)
        )
    while len(members) < size:
        roll = rng.random()
        if roll < 0.6 and head_age >= 22:
            child_age = rng.randint(0, min(head_age - 18, 30))
            members.append(person(rng.choice(["male", "female"]), child_age, "child"))
        elif roll < 0.8 and head_age >= 45:
            members.append(person(rng.choice(["male", "female"]), rng.randint(0, 12), "grandchild"))
        else:
            parent_age = min(head_age + rng.randint(20, 30), 98)
            members.append(person(rng.choice(["male", "female"]), parent_age, "parent"))
    for member in members:
        member.age = int(member.age)
    return members


def _result(rng, wellbeing: float) -> str:
    p_fail = 0.08 * ((4 - wellbeing) / 3) ** 2 + 0.003
    return "fail" if rng.random() < p_fail else "pass"


DEMO_FACILITATOR_SUBDISTRICT = "490101"


def seed_demo_households(*, count: int, seed: int = 1, province: str = "49") -> dict[str, int]:
    """Bring the province to `count` demo households with members, two verified survey rounds and
    the welfare-registry rows behind them (found registrants and new leads)."""
    count -= Household.objects.filter(area__code__startswith=province).count()
    if count <= 0:
        return {"households": 0, "persons": 0, "surveys": 0, "registrants": 0}
    return _seed_households(count=count, seed=seed, province=province)


def seed_demo_village_households(
    *, wanted: dict[str, int], seed: int = 1, province: str = "49"
) -> dict[str, int]:
    """Add demo households (same path: members, two verified rounds, registry rows) to named
    villages until each has `wanted[code]` households with a verified survey in the current
    round's previous round (the round a plan of this fiscal year is built from). Running again
    adds nothing. For the demo master plans, whose data section needs five households or more."""
    round_ = fiscal_year_be(timezone.localdate()) - 1
    have = dict(
        Survey.objects.filter(
            household__area_id__in=list(wanted), fiscal_year=round_, status=SurveyStatus.VERIFIED
        )
        .values_list("household__area_id")
        .annotate(n=Count("household", distinct=True))
        .order_by()
    )
    picks = [
        code for code in sorted(wanted) for _ in range(max(0, wanted[code] - have.get(code, 0)))
    ]
    if not picks:
        return {"households": 0, "persons": 0, "surveys": 0, "registrants": 0}
    return _seed_households(count=len(picks), seed=seed, province=province, picks=picks)


def _seed_households(
    *, count: int, seed: int, province: str, picks: list[str] | None = None
) -> dict[str, int]:
    """`count` demo households, in random villages of the province or, given `picks`, one in
    each listed village."""
    rng = random.Random(seed if picks is None else f"{seed}:{','.join(picks)}")
    villages = list(
        Area.objects.filter(level=AreaLevel.VILLAGE, code__startswith=province)
        .order_by("code")
        .values_list("code", flat=True)
    )
    if not villages:
        raise ValueError("The demo province has no villages: run seed_demo first.")
    facilitator = User.objects.filter(username="facilitator").first()
    manager = User.objects.filter(username="manager").first()
    if facilitator is None or manager is None:
        raise ValueError("The demo users are missing: run seed_demo first.")
    instrument = current_instrument()
    parts = instrument_parts(instrument)
    rules = current_rule_set()
    rule = rules.as_rule()
    items = [
        classification.Item(i.code, i.capital, i.position, i.low_reason_th, i.low_reason_en)
        for i in parts.items
    ]
    today = timezone.localdate()
    current_round = fiscal_year_be(today)
    rounds = (current_round - 1, current_round)
    village_mood = {code: rng.gauss(0, 0.3) for code in villages}
    ids = _Ids(rng, set(Person.objects.values_list("national_id", flat=True)))
    next_house = {code: n + 1 for code, n in _house_counts(villages).items()}

    with transaction.atomic():
        households, members_of, wellbeing_of = [], [], []
        for index in range(count):
            village = rng.choice(villages) if picks is None else picks[index]
            wellbeing = _clamp(rng.gauss(2.5, 0.5) + village_mood[village], 1.0, 4.0)
            number = next_house.get(village, 1)
            next_house[village] = number + 1
            households.append(Household(area_id=village, house_number=f"{number}", status="active"))
            members_of.append(_household_members(rng, ids, wellbeing, today))
            wellbeing_of.append(wellbeing)
        Household.objects.bulk_create(households, batch_size=2000)
        persons = [m.person for members in members_of for m in members]
        Person.objects.bulk_create(persons, batch_size=5000)
        Membership.objects.bulk_create(
            [
                Membership(
                    household=household,
                    person=member.person,
                    relation=member.relation,
                    joined_on=date(2015, 1, 1),
                )
                for household, members in zip(households, members_of, strict=True)
                for member in members
            ],
            batch_size=5000,
        )

        surveys, plans = [], []
        for household, members, wellbeing in zip(households, members_of, wellbeing_of, strict=True):
            earlier = _clamp(wellbeing - rng.gauss(0.2, 0.3), 1.0, 4.0)
            for fiscal_year, level in zip(rounds, (earlier, wellbeing), strict=True):
                surveyed_on = date(fiscal_year - 543 - 1, 11, 1) + timedelta(
                    days=rng.randrange(150)
                )
                sensitive = any(
                    m.person.has_disability or m.person.has_chronic_illness or m.person.is_bedridden
                    for m in members
                )
                surveys.append(
                    Survey(
                        household=household,
                        instrument=instrument,
                        fiscal_year=fiscal_year,
                        status=SurveyStatus.VERIFIED,
                        surveyed_by=facilitator,
                        surveyed_on=surveyed_on,
                        notice_given=True,
                        lawful_basis=LawfulBasis.PUBLIC_TASK,
                        sensitive_consent=sensitive,
                        consent_given_by=str(members[0].person) if sensitive else "",
                        welfare_card_in_household=any(
                            m.person.welfare_card_holder for m in members
                        ),
                        last_step="review",
                        submitted_at=timezone.now(),
                        reviewed_by=manager,
                        reviewed_at=timezone.now(),
                    )
                )
                plans.append((household, members, level))
        Survey.objects.bulk_create(surveys, batch_size=2000)

        now = timezone.now()
        capital_rows, indicator_rows, accounts_rows, need_rows = [], [], [], []
        results, transitions, events = [], [], []
        for survey, (household, members, level) in zip(surveys, plans, strict=True):
            scores = {
                item.code: int(
                    _clamp(round(level + CAPITAL_OFFSET[item.capital] + rng.gauss(0, 0.55)), 1, 4)
                )
                for item in parts.items
            }
            capital_rows += [(survey.pk, item.pk, scores[item.code]) for item in parts.items]
            answered: list[tuple[str, str]] = []
            for indicator in parts.household_indicators:
                result = _result(rng, level)
                answered.append((indicator.dimension, result))
                indicator_rows.append((survey.pk, indicator.pk, None, result))
            for member in members:
                flags = {"disability": member.person.has_disability}
                for indicator in parts.member_indicators:
                    if classification.indicator_applies(
                        min_age=indicator.min_age,
                        max_age=indicator.max_age,
                        condition=indicator.condition,
                        age=member.age,
                        flags=flags,
                    ):
                        result = _result(rng, level)
                        answered.append((indicator.dimension, result))
                        indicator_rows.append((survey.pk, indicator.pk, member.person.pk, result))
            accounts = _accounts(rng, level, len(members))
            accounts_rows.append(SurveyAccounts(survey=survey, **accounts))
            monthly = sum(accounts[name] for name in SurveyAccounts.INCOME_FIELDS)
            for indicator in parts.derived_indicators:
                result = classification.income_indicator_result(
                    monthly, len(members), rules.income_threshold
                )
                answered.append((indicator.dimension, result))
                indicator_rows.append((survey.pk, indicator.pk, None, result))
            outcome = classification.classify(
                items=items,
                scores=scores,
                indicator_results=answered,
                welfare_card_holder=survey.welfare_card_in_household,
                rule_set=rule,
            )
            weakest = sorted((s, c) for c, s in outcome.capital_scores.items() if s is not None)[
                : rng.randint(1, 2)
            ]
            need_rows += [
                SurveyNeed(survey=survey, category=NEEDS_BY_CAPITAL[capital])
                for _, capital in weakest
            ]
            results.append(
                ClassificationResult(
                    survey=survey,
                    household=household,
                    area_id=household.area_id,
                    fiscal_year=survey.fiscal_year,
                    rule_set=rules,
                    rule_set_version=rules.version,
                    **{f"score_{c}": outcome.capital_scores[c] for c in classification.CAPITALS},
                    overall_score=outcome.overall_score,
                    level=outcome.level,
                    failed_dimensions=list(outcome.failed_dimensions),
                    welfare_card_holder=outcome.welfare_card_holder,
                    target_poor=outcome.target_poor,
                    low_items=[i.as_dict() for i in outcome.low_items],
                )
            )
            for from_status, to_status, actor in (
                ("", SurveyStatus.DRAFT, facilitator),
                (SurveyStatus.DRAFT, SurveyStatus.SUBMITTED, facilitator),
                (SurveyStatus.SUBMITTED, SurveyStatus.VERIFIED, manager),
            ):
                transitions.append((survey.pk, from_status, to_status, actor.pk, "", now))
            if survey.fiscal_year == rounds[0] and outcome.level != "doing_well":
                events.append(
                    ProgrammeEvent(
                        household=household,
                        kind=ProgrammeEventKind.ADD_ON,
                        reason=add_on_reason(outcome.level, survey.fiscal_year),
                        occurred_on=survey.surveyed_on,
                        survey=survey,
                        recorded_by=manager,
                    )
                )
        _copy(CapitalAnswer, ["survey_id", "item_id", "score"], capital_rows)
        _copy(IndicatorAnswer, ["survey_id", "indicator_id", "person_id", "result"], indicator_rows)
        SurveyAccounts.objects.bulk_create(accounts_rows, batch_size=5000)
        SurveyNeed.objects.bulk_create(need_rows, batch_size=10000)
        ClassificationResult.objects.bulk_create(results, batch_size=5000)
        _copy(
            SurveyTransition,
            ["survey_id", "from_status", "to_status", "actor_id", "comment", "at"],
            transitions,
        )
        ProgrammeEvent.objects.bulk_create(events, batch_size=5000)
        registrants = _seed_registrants(
            rng, ids, households, members_of, villages, facilitator, leads=count // 5
        )
        record_audit_event(
            actor=None,
            action="demo.households_seeded",
            area_code=province,
            details={"households": count, "seed": seed},
        )
    return {
        "households": len(households),
        "persons": len(persons),
        "surveys": len(surveys),
        "registrants": registrants,
    }


def _seed_registrants(rng, ids: _Ids, households, members_of, villages, facilitator, *, leads):
    """Registry rows: card holders already found in their households, and unreviewed new leads."""
    found, findings = [], []
    for household, members in zip(households, members_of, strict=True):
        for member in members:
            person = member.person
            if not person.welfare_card_holder:
                continue
            found.append(_registrant_from(rng, person, household.area_id, household.house_number))
            findings.append((found[-1], household, person))
    home = [v for v in villages if v.startswith(DEMO_FACILITATOR_SUBDISTRICT)] or villages
    new_leads = []
    today = timezone.localdate()
    for index in range(leads):
        village = rng.choice(home if index % 2 == 0 else villages)
        sex = rng.choice(["male", "female"])
        age = rng.randint(20, 85)
        born = _birth_date(rng, age, today)
        lead = Person(
            national_id=ids.next(born.year),
            title=_title(sex, age, married=rng.random() < 0.6),
            first_name=rng.choice(MALE_NAMES if sex == "male" else FEMALE_NAMES),
            last_name=rng.choice(SURNAMES),
            birth_date=born,
            sex=sex,
        )
        new_leads.append(_registrant_from(rng, lead, village, str(rng.randint(1, 250))))
    WelfareRegistrant.objects.bulk_create(found + new_leads, batch_size=5000)
    RegistrantFinding.objects.bulk_create(
        [
            RegistrantFinding(
                registrant=registrant,
                finding=Finding.FOUND,
                household=household,
                person=person,
                recorded_by=facilitator,
                note="",
            )
            for registrant, household, person in findings
        ],
        batch_size=5000,
    )
    return len(found) + len(new_leads)


def _registrant_from(rng, person: Person, village: str, house_number: str) -> WelfareRegistrant:
    return WelfareRegistrant(
        national_id=person.national_id,
        title=person.title,
        first_name=person.first_name,
        last_name=person.last_name,
        birth_date=person.birth_date,
        sex=person.sex,
        house_number=house_number,
        village_number=int(village[6:]),
        area_id=village,
        annual_income=Decimal(rng.randrange(12, 100) * 1000),
        card_status="ผ่านเกณฑ์",
        registration_date=date(2022, 10, rng.randint(1, 31)),
    )


def _copy(model, columns: list[str], rows: list[tuple]) -> None:
    """Write many rows with PostgreSQL COPY (the ORM's per-object cost dominates otherwise)."""
    buffer = io.StringIO()
    # NULL is written as \N, so an empty string stays an empty string.
    csv.writer(buffer).writerows(
        [r"\N" if value is None else value for value in row] for row in rows
    )
    buffer.seek(0)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
        )


def _house_counts(villages: list[str]) -> dict[str, int]:
    """The highest numeric house number already used in each village (0 when none)."""
    counts = dict.fromkeys(villages, 0)
    for area_id, number in Household.objects.filter(area_id__in=villages).values_list(
        "area_id", "house_number"
    ):
        if number.isdigit():
            counts[area_id] = max(counts[area_id], int(number))
    return counts


def _accounts(rng, level: float, size: int) -> dict[str, Decimal]:
    """Monthly amounts (baht) that fit the household's wellbeing."""
    scale = 1500 * level**1.6 * (0.6 + 0.4 * size) * rng.uniform(0.7, 1.3)

    def baht(value: float) -> Decimal:
        return Decimal(int(round(max(value, 0), -1)))

    farming = scale * rng.uniform(0.2, 0.7)
    wages = scale * rng.uniform(0.1, 0.6)
    return {
        "income_farming": baht(farming),
        "income_wages": baht(wages),
        "income_business": baht(scale * 0.3 if rng.random() < 0.25 * level else 0),
        "income_welfare": baht(rng.choice([0, 300, 600, 900, 1200])),
        "income_remittances": baht(rng.choice([0, 0, 1000, 2000, 3000])),
        "income_other": baht(0),
        "expense_consumption": baht(scale * rng.uniform(0.6, 1.0)),
        "expense_production": baht(farming * rng.uniform(0.2, 0.5)),
        "debt_formal": baht(rng.choice([0, 20000, 50000, 80000, 150000]) * rng.uniform(0.5, 1.5)),
        "debt_informal": baht(
            rng.choice([0, 0, 5000, 20000]) * (2.5 - level if level < 2.5 else 0)
        ),
        "savings": baht(rng.uniform(0, 3000) * level**2),
    }
