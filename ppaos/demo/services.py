"""The demo province: Mukdahan (49), its real districts and subdistricts, invented villages and
one user for each role. Deterministic for a seed; running it again changes nothing."""

import random
from dataclasses import dataclass

from django.db import transaction

from ppaos.accounts.models import Role, RoleAssignment, User
from ppaos.areas.models import Area, AreaLevel
from ppaos.audit.services import record_audit_event
from referrals.demo_catalogue import seed_demo_catalogue

from .villages import VILLAGES_PER_DISTRICT, split_total, village_name

DEMO_PROVINCE = "49"
DEMO_PASSWORD = "ppaos-demo"
DEMO_AGENCY_CODE = "pmj-mukdahan"  # the demo `agency` user works at พมจ.มุกดาหาร


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    area_code: str | None
    first_name: str
    last_name: str


DEMO_USERS = [
    DemoUser("facilitator", Role.FACILITATOR, "490101", "สมศรี", "ใจดี"),
    DemoUser("manager", Role.AREA_MANAGER, "4901", "ประเสริฐ", "มั่นคง"),
    DemoUser("officer", Role.PROVINCIAL_OFFICER, "49", "วิไลวรรณ", "ศรีสุข"),
    DemoUser("agency", Role.AGENCY_STAFF, None, "อนุชา", "พึ่งได้"),
    DemoUser("executive", Role.EXECUTIVE, "49", "ธีระ", "ปกครอง"),
    DemoUser("admin", Role.ADMIN, None, "ผู้ดูแล", "ระบบ"),
]


def seed_demo_villages(*, seed: int) -> int:
    """Create the province's 493 villages (idempotent). Returns how many were created."""
    rng = random.Random(seed)
    subdistricts = list(
        Area.objects.filter(level=AreaLevel.SUBDISTRICT, code__startswith=DEMO_PROVINCE)
    )
    by_district: dict[str, list[Area]] = {}
    for sub in subdistricts:
        by_district.setdefault(sub.code[:4], []).append(sub)
    existing = set(
        Area.objects.filter(level=AreaLevel.VILLAGE, code__startswith=DEMO_PROVINCE).values_list(
            "code", flat=True
        )
    )
    new_villages = []
    for district_code in sorted(by_district):
        subs = sorted(by_district[district_code], key=lambda a: a.code)
        total = VILLAGES_PER_DISTRICT.get(district_code, 8 * len(subs))
        for sub, count in zip(subs, split_total(total, len(subs), rng), strict=True):
            used: set[str] = set()
            for number in range(1, count + 1):
                name_th, name_en = village_name(rng, used)
                code = f"{sub.code}{number:02d}"
                if code in existing:
                    continue
                new_villages.append(
                    Area(
                        code=code,
                        level=AreaLevel.VILLAGE,
                        parent=sub,
                        name_th=name_th,
                        name_en=name_en,
                        postal_code=sub.postal_code,
                    )
                )
    Area.objects.bulk_create(new_villages, batch_size=1000)
    return len(new_villages)


def seed_demo_users() -> list[DemoUser]:
    """One user per role with the documented password (reset on every run)."""
    for demo in DEMO_USERS:
        user, _ = User.objects.update_or_create(
            username=demo.username,
            defaults={
                "first_name": demo.first_name,
                "last_name": demo.last_name,
                "is_staff": demo.role == Role.ADMIN,
                "is_superuser": demo.role == Role.ADMIN,
                "is_active": True,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        agency = None
        if demo.role == Role.AGENCY_STAFF:
            # Agency staff belong to an agency of the demo catalogue (seeded before the users).
            from referrals.models import Agency

            agency = Agency.objects.get(code=DEMO_AGENCY_CODE)
        RoleAssignment.objects.get_or_create(
            user=user, role=demo.role, area_id=demo.area_code, defaults={"agency": agency}
        )
    return DEMO_USERS


def seed_demo(*, seed: int = 1) -> dict[str, int]:
    """Build the demo province. Needs the official areas (migrations load them)."""
    with transaction.atomic():
        villages = seed_demo_villages(seed=seed)
        catalogue = seed_demo_catalogue()
        users = seed_demo_users()
        record_audit_event(
            actor=None, action="demo.seeded", area_code=DEMO_PROVINCE, details={"seed": seed}
        )
    return {"villages_created": villages, "users": len(users), **catalogue}
