from .models import Notice
from .services import kind_label


def waiting_notices_for(user):
    """The user's notices whose work is not done yet, newest first."""
    return Notice.objects.filter(recipient=user, handled_at__isnull=True)


def recent_notices_for(user, limit: int = 50) -> list[Notice]:
    rows = list(Notice.objects.filter(recipient=user)[:limit])
    for notice in rows:
        notice.label = kind_label(notice.kind)
    return rows


def waiting_notice_count(user) -> int:
    return waiting_notices_for(user).count()
