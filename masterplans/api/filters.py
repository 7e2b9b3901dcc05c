import django_filters

from ..models import MasterPlan, PlanStatus, Project
from ..transitions import State


class MasterPlanFilter(django_filters.FilterSet):
    area = django_filters.CharFilter(
        field_name="area__code", lookup_expr="startswith", label="Area code (any level)"
    )
    fiscal_year = django_filters.NumberFilter(min_value=2400, max_value=2800)
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices)

    class Meta:
        model = MasterPlan
        fields = ["area", "fiscal_year", "status"]


class ProjectFilter(django_filters.FilterSet):
    plan = django_filters.UUIDFilter(field_name="plan__public_id")
    area = django_filters.CharFilter(
        field_name="plan__area__code", lookup_expr="startswith", label="Area code (any level)"
    )
    fiscal_year = django_filters.NumberFilter(
        field_name="plan__fiscal_year", min_value=2400, max_value=2800
    )
    state = django_filters.ChoiceFilter(choices=[(s.value, s.value) for s in State])
    lao = django_filters.CharFilter(field_name="lao__code")

    class Meta:
        model = Project
        fields = ["plan", "area", "fiscal_year", "state", "lao"]
