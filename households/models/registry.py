"""The household registry (DESIGN.md §2 households/): households, persons, registrants.

Status values carry a comment each. Every record that lives somewhere carries `area` (the code of
its village, or the lowest level known) so the access policy scopes it by prefix.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ppaos.areas.models import Area
from ppaos.core.models import PublicIdModel, TimeStampedModel

__all__ = [
    "NATIONAL_ID_REGEX",
    "Sex",
    "HouseholdStatus",
    "Household",
    "Person",
    "Relation",
    "Membership",
    "WelfareRegistrant",
    "Finding",
    "RegistrantFinding",
]

NATIONAL_ID_REGEX = r"^[0-9]{13}$"


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
    UNKNOWN = "", _("Not recorded")


class HouseholdStatus(models.TextChoices):
    ACTIVE = "active", _("Active")  # lives at this address
    MOVED = "moved", _("Moved")  # the whole household left the address
    DISSOLVED = "dissolved", _("Dissolved")  # no members remain (deaths, merged into another)


class Household(PublicIdModel):
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="households", verbose_name=_("village")
    )
    house_number = models.CharField(_("house number"), max_length=20, blank=True)
    # รหัสประจำบ้าน: 11 digits, the first 4 the registration office.
    house_registration_code = models.CharField(
        _("house registration code"), max_length=11, blank=True
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=HouseholdStatus.choices, default=HouseholdStatus.ACTIVE
    )

    class Meta:
        ordering = ["area_id", "house_number", "id"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [models.Index(fields=["area", "house_number"], name="household_area_house_idx")]
        constraints = [
            models.CheckConstraint(
                name="household_registration_code_digits",
                condition=Q(house_registration_code="")
                | Q(house_registration_code__regex=r"^[0-9]{11}$"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.house_number or '—'} · {self.area_id}"


class Person(PublicIdModel):
    """One person, once in the whole system: the national ID is unique and passes its checksum
    (checked in services and by the database: migration 0002 adds a CHECK with the checksum)."""

    national_id = models.CharField(_("national ID"), max_length=13, unique=True)
    title = models.CharField(_("title"), max_length=30, blank=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices, blank=True)
    education = models.CharField(_("education"), max_length=100, blank=True)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    welfare_card_holder = models.BooleanField(_("welfare card holder"), default=False)
    # Sensitive data (PDPA s.26): recorded only with explicit consent on the survey.
    has_disability = models.BooleanField(_("disability"), default=False)
    has_chronic_illness = models.BooleanField(_("chronic illness"), default=False)
    is_bedridden = models.BooleanField(_("bedridden"), default=False)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        constraints = [
            models.CheckConstraint(
                name="person_national_id_13_digits",
                condition=Q(national_id__regex=NATIONAL_ID_REGEX),
            )
        ]

    def __str__(self) -> str:
        return f"{self.title}{self.first_name} {self.last_name}".strip()


class Relation(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    SIBLING = "sibling", _("Sibling")
    RELATIVE = "relative", _("Other relative")
    OTHER = "other", _("Not related")


class Membership(TimeStampedModel):
    """A person living in a household, from `joined_on` until `left_on`.

    A person who moves keeps their history: the old membership gets `left_on`, a new one starts.
    At most one current membership per person, and at most one current head per household (the
    database enforces both; services keep exactly one head).
    """

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("household")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("person")
    )
    relation = models.CharField(_("relation to head"), max_length=12, choices=Relation.choices)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    left_reason = models.CharField(_("reason for leaving"), max_length=200, blank=True)

    class Meta:
        ordering = ["household_id", "joined_on", "id"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(left_on__isnull=True),
                name="membership_one_current_household_per_person",
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(left_on__isnull=True, relation="head"),
                name="membership_one_current_head_per_household",
            ),
            models.CheckConstraint(
                name="membership_left_after_joined",
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.household_id} ({self.relation})"


class WelfareRegistrant(PublicIdModel):
    """One row of the state welfare registry as imported, keyed by national ID: a lead for field
    review. The bulk import (ppaos/imports) writes these with one set-based upsert."""

    national_id = models.CharField(_("national ID"), max_length=13, unique=True)
    title = models.CharField(_("title"), max_length=30, blank=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices, blank=True)
    house_number = models.CharField(_("house number"), max_length=20, blank=True)
    village_number = models.PositiveSmallIntegerField(_("village number"), null=True, blank=True)
    # The lowest area the address resolved to: a village when the village number is known.
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="welfare_registrants", verbose_name=_("area")
    )
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    annual_income = models.DecimalField(
        _("annual income"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    card_status = models.CharField(_("card status"), max_length=50, blank=True)
    registration_date = models.DateField(_("registration date"), null=True, blank=True)
    import_job = models.ForeignKey(
        "imports.ImportJob",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("import batch"),
    )

    class Meta:
        ordering = ["area_id", "last_name", "first_name", "id"]
        verbose_name = _("welfare registrant")
        verbose_name_plural = _("welfare registrants")
        constraints = [
            models.CheckConstraint(
                name="registrant_national_id_13_digits",
                condition=Q(national_id__regex=NATIONAL_ID_REGEX),
            )
        ]

    def __str__(self) -> str:
        return f"{self.title}{self.first_name} {self.last_name}".strip()


class Finding(models.TextChoices):
    FOUND = "found", _("Found")  # found at the address; household and person linked or created
    MOVED = "moved", _("Moved")  # lives elsewhere now (new address recorded)
    DECEASED = "deceased", _("Deceased")
    NOT_FOUND = "not_found", _("Not found")  # nobody at the address knows the person
    NOT_POOR = "not_poor", _("Not poor")  # found, but clearly not in need


class RegistrantFinding(PublicIdModel):
    """What a facilitator found in the field about a registrant (ค้นหา สอบทาน). The latest finding
    counts; earlier ones stay as history."""

    registrant = models.ForeignKey(
        WelfareRegistrant,
        on_delete=models.CASCADE,
        related_name="findings",
        verbose_name=_("registrant"),
    )
    finding = models.CharField(_("finding"), max_length=12, choices=Finding.choices)
    note = models.TextField(_("note"), blank=True)
    # Where the person lives now (moved): free text plus the area when it is known.
    new_address = models.CharField(_("new address"), max_length=300, blank=True)
    new_area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("new area"),
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrant_findings",
        verbose_name=_("household"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrant_findings",
        verbose_name=_("person"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("registrant finding")
        verbose_name_plural = _("registrant findings")

    def __str__(self) -> str:
        return f"{self.registrant_id}: {self.finding}"

    @property
    def policy_area_code(self) -> str:
        return self.registrant.area_id
