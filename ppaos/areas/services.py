"""Writes to the area hierarchy."""

from django.db import transaction
from django.utils.translation import gettext as _

from ppaos.audit.services import record_audit_event

from .geodata import official_areas
from .models import Area, AreaLevel


def load_official_areas(*, area_model=Area) -> dict[str, int]:
    """Insert or refresh every official province, district and subdistrict.

    Idempotent: names and postal codes are updated in place; villages are never touched. Takes
    the model as an argument so the data migration can pass its historical model.
    Returns counts of areas created and updated.
    """
    existing = {
        a.code: a
        for a in area_model.objects.exclude(level=AreaLevel.VILLAGE).only(
            "code", "name_th", "name_en", "postal_code", "parent_id"
        )
    }
    to_create, to_update = [], []
    for row in official_areas():
        current = existing.get(row.code)
        if current is None:
            to_create.append(
                area_model(
                    code=row.code,
                    level=row.level,
                    parent_id=row.parent_code,
                    name_th=row.name_th,
                    name_en=row.name_en,
                    postal_code=row.postal_code,
                )
            )
        elif (current.name_th, current.name_en, current.postal_code, current.parent_id) != (
            row.name_th,
            row.name_en,
            row.postal_code,
            row.parent_code,
        ):
            current.name_th, current.name_en = row.name_th, row.name_en
            current.postal_code, current.parent_id = row.postal_code, row.parent_code
            to_update.append(current)
    with transaction.atomic():
        # Parents are yielded first, so one ordered bulk insert satisfies the foreign keys.
        area_model.objects.bulk_create(to_create, batch_size=2000)
        area_model.objects.bulk_update(
            to_update, ["name_th", "name_en", "postal_code", "parent_id"], batch_size=2000
        )
    return {"created": len(to_create), "updated": len(to_update)}


class VillageError(ValueError):
    pass


def village_code(subdistrict_code: str, number: int) -> str:
    """The 8-digit code of หมู่ที่ `number` in a subdistrict."""
    if not 1 <= number <= 99:
        raise VillageError(_("A village number is between 1 and 99."))
    return f"{subdistrict_code}{number:02d}"


def get_or_create_village(
    *, actor, subdistrict_code: str, number: int, name_th: str = "", name_en: str = ""
) -> tuple[Area, bool]:
    """The village หมู่ที่ `number` of a subdistrict, created (and audited) when first seen.

    Who may call: admins, importers and the demo builder; the caller checks the permission.
    """
    code = village_code(subdistrict_code, number)
    with transaction.atomic():
        try:
            subdistrict = Area.objects.get(code=subdistrict_code, level=AreaLevel.SUBDISTRICT)
        except Area.DoesNotExist as exc:
            raise VillageError(
                _("Subdistrict %(code)s does not exist.") % {"code": subdistrict_code}
            ) from exc
        village, created = Area.objects.get_or_create(
            code=code,
            defaults={
                "level": AreaLevel.VILLAGE,
                "parent": subdistrict,
                "name_th": name_th or f"หมู่ที่ {number}",
                "name_en": name_en or f"Village No. {number}",
            },
        )
        if created:
            record_audit_event(
                actor=actor, action="area.village_created", target=village, area_code=code
            )
    return village, created
