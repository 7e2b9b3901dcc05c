"""Community master plans (แผนแม่บทชุมชน): a plan per village per fiscal year, its problems
and projects, and the local administrative organisations that adopt the projects."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from households.models import Household
from households.surveys.models import Capital
from ppaos.areas.models import Area
from ppaos.core.models import PublicIdModel, TimeStampedModel

# The printed plan's PDFs live in their own module; imported here so Django finds the model.
from .print_models import PdfStatus, PlanPdf  # noqa: F401
from .transitions import State


class LaoKind(models.TextChoices):
    PAO = "pao", _("Provincial administrative organisation")  # อบจ.
    CITY = "city", _("City municipality")  # เทศบาลนคร
    TOWN = "town", _("Town municipality")  # เทศบาลเมือง
    SUBDISTRICT_MUNICIPALITY = "subdistrict", _("Subdistrict municipality")  # เทศบาลตำบล
    TAO = "tao", _("Subdistrict administrative organisation")  # อบต.


class LocalAdministrativeOrganisation(models.Model):
    """An LAO (องค์กรปกครองส่วนท้องถิ่น) and the areas it covers."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name_th = models.CharField(_("name (Thai)"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=LaoKind.choices)
    areas = models.ManyToManyField(Area, related_name="+", verbose_name=_("areas covered"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("local administrative organisation")
        verbose_name_plural = _("local administrative organisations")

    def __str__(self) -> str:
        return self.name_th


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Being drafted")
    ENDORSED = "endorsed", _("Endorsed by the community")


class MasterPlan(PublicIdModel):
    """One village's plan for one fiscal year (BE). `data` is the data section: computed from
    the village's verified surveys of the round, refreshed while drafting, frozen on endorsement."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (BE)"))
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    data = models.JSONField(_("data section"), default=dict, encoder=DjangoJSONEncoder)
    data_computed_at = models.DateTimeField(null=True, blank=True)
    survey_round = models.PositiveSmallIntegerField(_("survey round (BE)"))
    vision = models.TextField(_("the community's vision"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    endorsed_at = models.DateTimeField(null=True, blank=True)
    forum_date = models.DateField(_("date of the village forum"), null=True, blank=True)

    class Meta:
        ordering = ["area_id", "-fiscal_year"]
        verbose_name = _("community master plan")
        verbose_name_plural = _("community master plans")
        constraints = [
            models.UniqueConstraint(fields=["area", "fiscal_year"], name="master_plan_unique")
        ]

    def __str__(self) -> str:
        return f"{self.area_id} {self.fiscal_year}"

    @property
    def is_frozen(self) -> bool:
        return self.status == PlanStatus.ENDORSED


class Problem(TimeStampedModel):
    """A problem the village forum ranked, linked to a capital and the figures that show it."""

    plan = models.ForeignKey(MasterPlan, on_delete=models.CASCADE, related_name="problems")
    rank = models.PositiveSmallIntegerField(_("rank"))
    title = models.CharField(_("problem"), max_length=300)
    capital = models.CharField(_("capital"), max_length=10, choices=Capital.choices)
    evidence = models.JSONField(_("figures that show it"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["plan_id", "rank", "id"]

    def __str__(self) -> str:
        return f"{self.rank}. {self.title}"

    @property
    def policy_area_code(self) -> str:
        return self.plan.area_id


class Carrier(models.TextChoices):
    COMMUNITY = "community", _("The community itself")
    JOINT = "joint", _("The community jointly with an agency")
    LAO = "lao", _("The local administrative organisation")
    PROVINCIAL = "provincial", _("A provincial agency")
    CENTRAL = "central", _("Central government")


class Project(PublicIdModel):
    plan = models.ForeignKey(MasterPlan, on_delete=models.CASCADE, related_name="projects")
    problem = models.ForeignKey(
        Problem, on_delete=models.SET_NULL, null=True, blank=True, related_name="projects"
    )
    title = models.CharField(_("project"), max_length=300)
    objective = models.TextField(_("objective"))
    activities = models.TextField(_("activities"), blank=True)
    indicators = models.TextField(_("indicators"), blank=True)
    budget_requested = models.DecimalField(
        _("budget requested (baht)"), max_digits=14, decimal_places=2, default=0
    )
    carrier = models.CharField(_("carried by"), max_length=12, choices=Carrier.choices)
    lao = models.ForeignKey(
        LocalAdministrativeOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("local administrative organisation"),
    )
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    target_households = models.ManyToManyField(
        Household, blank=True, related_name="+", verbose_name=_("target households")
    )
    state = models.CharField(
        _("state"),
        max_length=14,
        choices=[(s.value, s.value) for s in State],
        default=State.DRAFT,
    )
    local_plan_edition = models.CharField(_("local plan edition"), max_length=100, blank=True)
    local_plan_first_year = models.PositiveSmallIntegerField(null=True, blank=True)
    local_plan_last_year = models.PositiveSmallIntegerField(null=True, blank=True)
    ordinance_fiscal_year = models.PositiveSmallIntegerField(null=True, blank=True)
    budget_adopted = models.DecimalField(
        _("budget adopted (baht)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    not_adopted_reason = models.TextField(_("reason not adopted"), blank=True)

    class Meta:
        ordering = ["plan_id", "id"]
        constraints = [
            models.CheckConstraint(
                name="project_budget_not_negative", condition=Q(budget_requested__gte=0)
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def policy_area_code(self) -> str:
        return self.plan.area_id


class ProjectTransition(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="transitions")
    name = models.CharField(max_length=30)
    from_state = models.CharField(max_length=14)
    to_state = models.CharField(max_length=14)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    details = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.from_state}→{self.to_state}"
