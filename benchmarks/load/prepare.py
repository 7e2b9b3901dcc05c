"""The data the load scenario works on, built through the real services in the database Django
is configured for (the demo province must be seeded first: `manage.py seed_demo --households N`):

- `drafts`: surveys a facilitator has started (the facilitators save their steps again and again),
- `submitted`: complete surveys waiting for the area manager (the managers verify them, one each),
- `referrals`: submitted referrals waiting for a provincial officer (the officers approve them),
- `households` and `names`: households and first names of the facilitator's subdistrict to open
  and search.

`prepare(...)` returns these ids as a dict (JSON-able) for locustfile.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

FACILITATOR_AREA = "490101"  # the demo facilitator's subdistrict


def _head(n: int) -> dict:
    from ppaos.thai.thai_id import national_id_check_digit

    first12 = f"8{49_0000_000 + n:011d}"[:12]
    return {
        "national_id": first12 + str(national_id_check_digit(first12)),
        "title": "นาย",
        "first_name": f"ทดสอบโหลด{n}",
        "last_name": "ภาระงาน",
        "birth_date": dt.date(1975, 1, 1) + dt.timedelta(days=n),
        "sex": "male",
    }


def _fill(actor, survey) -> None:
    from households.surveys.selectors import instrument_parts, survey_members
    from households.surveys.services import save_survey_draft

    parts = instrument_parts(survey.instrument)
    save_survey_draft(
        actor=actor,
        survey=survey,
        step="consent",
        consent={"notice_given": True, "lawful_basis": "public_task"},
    )
    results = {(i.code, None): "pass" for i in parts.household_indicators}
    for member in survey_members(survey, parts):
        for indicator in member.indicators:
            results[(indicator.code, member.person.pk)] = "pass"
    money = dict.fromkeys(
        ["income_farming", "income_wages", "income_business", "income_welfare",
         "income_remittances", "income_other", "expense_consumption", "expense_production",
         "debt_formal", "debt_informal", "savings"],
        Decimal("1000"),
    )  # fmt: skip
    save_survey_draft(
        actor=actor,
        survey=survey,
        indicator_results=results,
        capital_scores={item.code: 2 for item in parts.items},
        accounts=money,
        needs=["occupation"],
        need_details={"occupation": "อยากได้ความรู้เลี้ยงไก่"},
    )


def prepare(*, drafts: int, submitted: int, referrals: int, start: int = 0) -> dict:
    from django.contrib.auth import get_user_model

    from households.models import Household
    from households.services import create_household
    from households.surveys.services import start_survey, submit_survey
    from ppaos.areas.models import Area, AreaLevel
    from referrals.models import Service
    from referrals.services import propose_referral

    users = get_user_model().objects
    facilitator = users.get(username="facilitator")
    villages = list(
        Area.objects.filter(level=AreaLevel.VILLAGE, code__startswith=FACILITATOR_AREA).order_by(
            "code"
        )
    )
    made = {"drafts": [], "submitted": [], "referrals": []}
    serving = [FACILITATOR_AREA[:2], FACILITATOR_AREA[:4], FACILITATOR_AREA]
    service = (
        Service.objects.filter(
            is_active=True, agency__is_active=True, agency__areas_served__code__in=serving
        )
        .order_by("id")
        .first()
    )
    wanted = drafts + submitted + referrals
    for n in range(start, start + wanted):
        village = villages[n % len(villages)]
        household = create_household(
            actor=facilitator, area=village, head=_head(n), house_number=f"L{n}"
        )
        index = n - start
        if index < drafts + submitted:
            survey = start_survey(actor=facilitator, household=household)
            if index < drafts:
                made["drafts"].append(str(survey.public_id))
                continue
            _fill(facilitator, survey)
            made["submitted"].append(str(submit_survey(actor=facilitator, survey=survey).public_id))
        elif service is not None:
            referral = propose_referral(
                facilitator,
                household=household,
                service=service,
                need="ต้องการความช่วยเหลือด้านอาชีพ",
                reason="ครัวเรือนมีรายได้ไม่พอ",
                submit=True,
            )
            made["referrals"].append(str(referral.public_id))
    homes = Household.objects.filter(area__code__startswith=FACILITATOR_AREA).order_by("id")[:300]
    made["households"] = [str(h.public_id) for h in homes]
    made["names"] = sorted(
        {m.person.first_name for h in homes.prefetch_related("memberships__person")
         for m in h.memberships.all()}
    )[:100]  # fmt: skip
    return made


def open_sessions(per_user: int) -> dict[str, list[str]]:
    """Signed-in sessions of the demo users, `per_user` each, as a browser holds them after the
    morning's login: the measured minute is the work, not fifty password hashes at once (the
    login itself is measured by the import user, who signs in through the page)."""
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    sessions = {}
    for username in ("facilitator", "manager", "officer", "executive"):
        user = get_user_model().objects.get(username=username)
        keys = []
        for _ in range(per_user):
            store = SessionStore()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            store.create()
            keys.append(store.session_key)
        sessions[username] = keys
    return sessions


def still_open(data: dict) -> dict:
    """`data` with only the surveys still submitted and the referrals still waiting (a kept
    data file, after some were used)."""
    from households.models import Survey
    from referrals.models import Referral

    data = dict(data)
    data["submitted"] = [
        str(i)
        for i in Survey.objects.filter(public_id__in=data["submitted"], status="submitted")
        .order_by("id")
        .values_list("public_id", flat=True)
    ]
    data["referrals"] = [
        str(i)
        for i in Referral.objects.filter(public_id__in=data["referrals"], status="submitted")
        .order_by("id")
        .values_list("public_id", flat=True)
    ]
    return data
