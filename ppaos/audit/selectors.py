"""Reading the audit log (admins only)."""

from datetime import date, datetime, time

from django.db.models import QuerySet
from django.utils import timezone

from ppaos.accounts.policy import Action, require

from .models import AuditEvent


def audit_events_visible_to(
    user,
    *,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    area_code: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """The audit log, filtered; only for users who may view it (PermissionDenied otherwise)."""
    require(user, Action.VIEW_AUDIT_LOG)
    events = AuditEvent.objects.select_related("actor")
    if actor:
        events = events.filter(actor__username__icontains=actor)
    if action:
        events = events.filter(action__startswith=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if area_code:
        events = events.filter(area_code__startswith=area_code)
    tz = timezone.get_current_timezone()
    if date_from:
        events = events.filter(created_at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        events = events.filter(created_at__lte=datetime.combine(date_to, time.max, tzinfo=tz))
    return events


def audit_actions() -> list[str]:
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())
