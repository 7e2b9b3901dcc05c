"""Reads of the area hierarchy."""

from django.db.models import Count, QuerySet

from ppaos.accounts.policy import WHOLE_COUNTRY, Action, area_prefixes_for, scope_queryset

from .models import Area


def count_areas_by_level() -> dict[str, int]:
    rows = Area.objects.order_by().values("level").annotate(n=Count("code"))
    return {row["level"]: row["n"] for row in rows}


def areas_visible_to(user) -> QuerySet[Area]:
    """Areas the user may browse: their assigned areas, everything below, and nothing else."""
    return scope_queryset(user, Area.objects.all(), Action.VIEW_AREA, area_field="code")


def area_children(area: Area) -> QuerySet[Area]:
    return area.children.order_by("code")


def top_areas_visible_to(user) -> QuerySet[Area]:
    """The user's own assigned areas (the roots of what they may browse)."""
    prefixes = area_prefixes_for(user, Action.VIEW_AREA)
    if WHOLE_COUNTRY in prefixes:
        return Area.objects.filter(level="province")
    return Area.objects.filter(code__in=prefixes)
