"""Reads of the privacy app, each starting from a scoped queryset (policy.py)."""

from django.db.models import QuerySet

from ppaos.accounts.policy import Action, scope_queryset
from ppaos.audit.models import AuditEvent

from .models import BreachReport, DataSubjectRequest


def data_requests_visible_to(user) -> QuerySet:
    return scope_queryset(
        user,
        DataSubjectRequest.objects.select_related("person", "area", "identity_checked_by"),
        Action.HANDLE_DATA_REQUESTS,
    )


def breaches_visible_to(user) -> QuerySet:
    return scope_queryset(
        user, BreachReport.objects.select_related("suspect_user"), Action.HANDLE_DATA_REQUESTS
    )


def requests_with_reminders_for(user) -> QuerySet:
    """The open requests the user has a waiting 30-day reminder about."""
    from .reminders import requests_waiting_for

    return requests_waiting_for(user)


def persons_read_by(*, user_id: int, start, end, area_prefix: str) -> list[dict]:
    """Persons and households whose records `user_id` read between `start` and `end`, from the
    audit log: one row per record with how many reads and when first and last."""
    from django.db.models import Count, Max, Min

    return list(
        AuditEvent.objects.filter(
            actor_id=user_id,
            created_at__gte=start,
            created_at__lte=end,
            area_code__startswith=area_prefix,
            object_type__in=("households.person", "households.household"),
        )
        .values("object_type", "object_id", "area_code")
        .annotate(reads=Count("id"), first=Min("created_at"), last=Max("created_at"))
        .order_by("object_type", "object_id")
    )


def user_named(username: str):
    """The account a breach report names as the suspected reader (None when there is none)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=username).first()


def breach_area_of(user) -> str:
    """The area a breach recorded by `user` is filed under: the first area they handle data
    requests for ("" when none, which the service refuses)."""
    from ppaos.accounts.policy import Action, area_prefixes_for

    prefixes = area_prefixes_for(user, Action.HANDLE_DATA_REQUESTS)
    return prefixes[0] if prefixes else ""
