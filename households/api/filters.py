"""django-filter filter sets for the registry API: area prefix, level, target poor, round,
vulnerable groups. Filters narrow an already scoped queryset; they never widen it."""

import datetime

import django_filters
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Household, Level, Person, WelfareRegistrant
from ..search_query import QueryKind, parse_search_query
from ..selectors import current_memberships

ELDERLY_AGE = 60


def _elderly_born_before() -> datetime.date:
    today = timezone.localdate()
    try:
        return today.replace(year=today.year - ELDERLY_AGE)
    except ValueError:  # 29 February
        return today.replace(year=today.year - ELDERLY_AGE, day=28)


def _area_prefix(queryset, name, value):
    return queryset.filter(**{f"{name}__pk__startswith": value}) if value else queryset


class HouseholdFilter(django_filters.FilterSet):
    area = django_filters.CharFilter(
        method="filter_area", label=_("Area code prefix (province, district, subdistrict, village)")
    )
    status = django_filters.CharFilter(field_name="status")
    house_number = django_filters.CharFilter(field_name="house_number")
    level = django_filters.ChoiceFilter(
        field_name="latest_level", choices=Level.choices, label=_("Level in the latest round")
    )
    target_poor = django_filters.BooleanFilter(
        field_name="latest_target_poor", label=_("Target poor in the latest round")
    )
    round = django_filters.NumberFilter(
        method="filter_round", label=_("Surveyed in this round (fiscal year, Buddhist era)")
    )
    disability = django_filters.BooleanFilter(method="filter_member_flag")
    bedridden = django_filters.BooleanFilter(method="filter_member_flag")
    chronic_illness = django_filters.BooleanFilter(method="filter_member_flag")
    elderly = django_filters.BooleanFilter(
        method="filter_elderly", label=_("Has a member aged 60 or over")
    )

    _FLAG_FIELDS = {
        "disability": "has_disability",
        "bedridden": "is_bedridden",
        "chronic_illness": "has_chronic_illness",
    }

    class Meta:
        model = Household
        fields: list = []

    def filter_area(self, queryset, name, value):
        return _area_prefix(queryset, "area", value)

    def filter_round(self, queryset, name, value):
        return queryset.filter(surveys__fiscal_year=value) if value else queryset

    def _with_member(self, queryset, value, **person_filter):
        current = current_memberships().filter(household=OuterRef("pk"), **person_filter)
        return queryset.filter(Exists(current) if value else ~Exists(current))

    def filter_member_flag(self, queryset, name, value):
        if value is None:
            return queryset
        return self._with_member(queryset, value, **{f"person__{self._FLAG_FIELDS[name]}": True})

    def filter_elderly(self, queryset, name, value):
        if value is None:
            return queryset
        return self._with_member(queryset, value, person__birth_date__lte=_elderly_born_before())


class PersonFilter(django_filters.FilterSet):
    """Filters on persons; the search `q` is `selectors.search_persons`, called by the view."""

    area = django_filters.CharFilter(
        method="filter_area", label=_("Area code prefix of the current household")
    )
    disability = django_filters.BooleanFilter(field_name="has_disability")
    bedridden = django_filters.BooleanFilter(field_name="is_bedridden")
    chronic_illness = django_filters.BooleanFilter(field_name="has_chronic_illness")
    welfare_card_holder = django_filters.BooleanFilter(field_name="welfare_card_holder")
    elderly = django_filters.BooleanFilter(method="filter_elderly", label=_("Aged 60 or over"))

    class Meta:
        model = Person
        fields: list = []

    def filter_area(self, queryset, name, value):
        # The household's area code column (indexed, varchar_pattern_ops), not the annotation
        # the API adds: a prefix match on a subquery cannot use the index (and 500ed).
        if not value:
            return queryset
        current = current_memberships().filter(
            person=OuterRef("pk"), household__area__pk__startswith=value
        )
        return queryset.filter(Exists(current))

    def filter_elderly(self, queryset, name, value):
        if value is None:
            return queryset
        born_before = _elderly_born_before()
        if value:
            return queryset.filter(birth_date__lte=born_before)
        return queryset.exclude(birth_date__lte=born_before)


class RegistrantFilter(django_filters.FilterSet):
    area = django_filters.CharFilter(method="filter_area", label=_("Area code prefix"))
    q = django_filters.CharFilter(method="filter_q", label=_("National ID (any format) or name"))
    house_number = django_filters.CharFilter(field_name="house_number")
    reviewed = django_filters.BooleanFilter(
        field_name="has_finding", label=_("A finding has been recorded")
    )
    import_job = django_filters.NumberFilter(field_name="import_job_id")

    class Meta:
        model = WelfareRegistrant
        fields: list = []

    def filter_area(self, queryset, name, value):
        return _area_prefix(queryset, "area", value)

    def filter_q(self, queryset, name, value):
        return _search(queryset, value)


def _search(queryset, value):
    from ..selectors import apply_search_query

    query = parse_search_query(value)
    if query.kind == QueryKind.EMPTY:
        return queryset
    return apply_search_query(queryset, query)
