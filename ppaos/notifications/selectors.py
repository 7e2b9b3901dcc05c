from .models import Notice
from .services import kind_label


def notices_of(user):
    """Every notice sent to the user (the only notices the user may open)."""
    return Notice.objects.filter(recipient=user)


def waiting_notices_for(user):
    """The user's notices whose work is not done yet, newest first."""
    return Notice.objects.filter(recipient=user, handled_at__isnull=True)


def recent_notices_for(user, limit: int = 50) -> list[Notice]:
    rows = list(notices_of(user)[:limit])
    for notice in rows:
        notice.label = kind_label(notice.kind)
    return rows


def waiting_notice_count(user) -> int:
    return waiting_notices_for(user).count()


def navigation_context(user) -> dict:
    """The navigation's badge: the notices whose work still waits."""
    return {"unread_notifications": waiting_notice_count(user)}
