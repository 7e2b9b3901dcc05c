import django_filters
from django.db.models import Q

from ppaos.areas.models import ancestor_codes

from ..models import Agency, AgencyKind, Capital, Referral, ReferralStatus, Service, ServiceKind
from ..selectors import overdue_q


class AgencyFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=AgencyKind.choices)
    serves = django_filters.CharFilter(
        method="filter_serves", label="Serves this area code (any level)"
    )

    class Meta:
        model = Agency
        fields = ["kind", "serves"]

    def filter_serves(self, queryset, name, value):
        return queryset.filter(areas_served__code__in=ancestor_codes(value)).distinct()


class ServiceFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ServiceKind.choices)
    capital = django_filters.ChoiceFilter(choices=Capital.choices)
    agency = django_filters.UUIDFilter(field_name="agency__public_id")
    serves = django_filters.CharFilter(
        method="filter_serves", label="Serves this area code (any level)"
    )

    class Meta:
        model = Service
        fields = ["kind", "capital", "agency", "serves"]

    def filter_serves(self, queryset, name, value):
        return queryset.filter(agency__areas_served__code__in=ancestor_codes(value)).distinct()


class ReferralFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ReferralStatus.choices)
    urgency = django_filters.CharFilter()
    service = django_filters.CharFilter(field_name="service__code")
    agency = django_filters.UUIDFilter(field_name="agency__public_id")
    household = django_filters.UUIDFilter(field_name="household__public_id")
    area = django_filters.CharFilter(field_name="area__code", lookup_expr="startswith")
    overdue = django_filters.BooleanFilter(method="filter_overdue")

    class Meta:
        model = Referral
        fields = ["status", "urgency", "service", "agency", "household", "area", "overdue"]

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())


class AgencyReferralFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ReferralStatus.choices)
    overdue = django_filters.BooleanFilter(method="filter_overdue")

    class Meta:
        model = Referral
        fields = ["status", "overdue"]

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_q()) if value else queryset.filter(~Q(overdue_q()))
