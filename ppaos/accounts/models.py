"""Users, roles and role assignments (DESIGN.md §1 Roles).

A user may hold several roles, each for one area. Access is decided in `policy.py` from these rows;
a user with no assignment sees nothing.
"""

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ppaos.areas.models import Area


class User(AbstractUser):
    """A person who signs in. Custom from the first migration so it can grow without pain."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    FACILITATOR = "facilitator", _("Facilitator")  # village(s) or subdistrict: field work
    AREA_MANAGER = "area_manager", _("Area manager")  # subdistrict or district: verifies surveys
    PROVINCIAL_OFFICER = "provincial_officer", _("Provincial officer")  # province: approvals
    AGENCY_STAFF = "agency_staff", _("Agency staff")  # one agency: acts on referrals
    EXECUTIVE = "executive", _("Executive")  # province: dashboards and aggregates only
    ADMIN = "admin", _("Administrator")  # whole system: users, roles, catalogues, imports


# The area levels at which each role may be assigned. Admins are assigned with no area (the whole
# system); agency staff are assigned to an agency and are scoped by it, not by an area.
ROLE_AREA_LEVELS: dict[str, tuple[str, ...]] = {
    Role.FACILITATOR: ("village", "subdistrict"),
    Role.AREA_MANAGER: ("subdistrict", "district"),
    Role.PROVINCIAL_OFFICER: ("province",),
    Role.AGENCY_STAFF: (),
    Role.EXECUTIVE: ("province",),
    Role.ADMIN: (),
}


class RoleAssignment(models.Model):
    """One role held by one user for one area (or, for agency staff, one agency).

    Agency staff are assigned to an agency (`referrals.Agency`) and no area; every other role has
    no agency. The database enforces both.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("area"),
    )
    agency = models.ForeignKey(
        "referrals.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff_assignments",
        verbose_name=_("agency"),
    )
    granted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    created_at = models.DateTimeField(_("granted on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["user_id", "role", "area_id"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            # One row per user, role and area, or per user and agency for agency staff (area
            # NULL): a user may be staff of several agencies, never twice of the same one.
            models.UniqueConstraint(
                fields=["user", "role", "area", "agency"],
                name="role_assignment_unique",
                nulls_distinct=False,
            ),
            # Area-scoped roles need an area and no agency; agency staff need an agency and no
            # area; admins have neither.
            models.CheckConstraint(
                name="role_assignment_area_matches_role",
                condition=(
                    Q(role="admin", area__isnull=True, agency__isnull=True)
                    | Q(role="agency_staff", area__isnull=True, agency__isnull=False)
                    | (
                        ~Q(role__in=["admin", "agency_staff"])
                        & Q(area__isnull=False, agency__isnull=True)
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        where = self.area_id or "—"
        return f"{self.user} · {self.get_role_display()} · {where}"
