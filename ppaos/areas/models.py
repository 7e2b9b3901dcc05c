"""The Thai administrative hierarchy: province → district → subdistrict → village.

Codes nest by prefix (DOMAIN.md §4): province `49`, district `4901`, subdistrict `490101`,
village `49010105` (subdistrict + two-digit หมู่ที่). Every record that lives somewhere carries the
code of its village (or lowest known level), so "everything in district 4901" is one prefix match
(`LIKE '4901%'`) on an indexed column. On PostgreSQL Django gives every indexed CharField a second
`varchar_pattern_ops` index (`…_like`) which is what makes that prefix match an index range scan.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

CODE_LENGTHS = {"province": 2, "district": 4, "subdistrict": 6, "village": 8}


class AreaLevel(models.TextChoices):
    PROVINCE = "province", _("Province")  # จังหวัด, 2 digits
    DISTRICT = "district", _("District")  # อำเภอ / เขต, 4 digits
    SUBDISTRICT = "subdistrict", _("Subdistrict")  # ตำบล / แขวง, 6 digits
    VILLAGE = "village", _("Village")  # หมู่บ้าน, 8 digits


def ancestor_codes(code: str) -> list[str]:
    """Codes of the area `code` and every area above it, province first (`49010101` →
    `49`, `4901`, `490101`, `49010101`): the codes whose prefix match contains it."""
    return [code[:n] for n in CODE_LENGTHS.values() if n <= len(code)]


def level_for_code(code: str) -> str:
    """The level an official area code belongs to, from its length."""
    for level, length in CODE_LENGTHS.items():
        if len(code) == length:
            return level
    raise ValueError(f"not an area code: {code!r}")


class Area(models.Model):
    code = models.CharField(_("code"), max_length=8, primary_key=True)
    level = models.CharField(_("level"), max_length=12, choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    name_th = models.CharField(_("Thai name"), max_length=150)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        indexes = [models.Index(fields=["level", "code"], name="area_level_code_idx")]
        constraints = [
            models.CheckConstraint(
                name="area_code_digits_match_level",
                condition=(
                    Q(level="province", code__regex=r"^[0-9]{2}$")
                    | Q(level="district", code__regex=r"^[0-9]{4}$")
                    | Q(level="subdistrict", code__regex=r"^[0-9]{6}$")
                    | Q(level="village", code__regex=r"^[0-9]{8}$")
                ),
            ),
            models.CheckConstraint(
                name="area_parent_only_for_lower_levels",
                condition=Q(level="province", parent__isnull=True)
                | (~Q(level="province") & Q(parent__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_th}"

    @property
    def village_number(self) -> int | None:
        """หมู่ที่ of a village (the last two digits of its code)."""
        return int(self.code[6:]) if self.level == AreaLevel.VILLAGE else None

    def display_name(self, language: str = "th") -> str:
        if language == "en" and self.name_en:
            return self.name_en
        return self.name_th

    def ancestor_codes(self) -> list[str]:
        """Codes of this area and every area above it, province first."""
        return ancestor_codes(self.code)
