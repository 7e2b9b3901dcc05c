"""Send notices (in-app, and by email where configured) and close them when the work is done."""

from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Notice

# kind -> label (lazy text): registered by the apps that send the kind.
_KINDS: dict[str, object] = {}
# Kinds that only tell (a referral rejected or cancelled): nothing is left to do once read.
_HANDLED_WHEN_READ: set[str] = set()


def register_kind(kind: str, label, *, handled_when_read: bool = False) -> None:
    """Name a kind of notice. `handled_when_read`: the notice only tells something, so reading
    it is handling it; otherwise it waits until the app marks its subject handled."""
    _KINDS[kind] = label
    if handled_when_read:
        _HANDLED_WHEN_READ.add(kind)
    else:
        _HANDLED_WHEN_READ.discard(kind)


def kind_label(kind: str) -> str:
    return str(_KINDS.get(kind, kind))


def notify(
    recipient_ids, *, kind: str, subject: str, url: str, day: date | None = None, daily=False
) -> int:
    """Send a notice of `kind` about `subject` to each recipient; returns how many were sent.

    One row per recipient, kind, subject and day. A `daily` reminder is sent at most once a day
    even when handled since; an event notice (a survey returned again the same day) re-opens
    the day's handled row. Emails (no names, only the kind and the link) go after the
    transaction commits, when NOTIFY_BY_EMAIL is on and the recipient has an address.
    """
    day = day or timezone.localdate()
    recipient_ids = sorted(set(recipient_ids))
    if not recipient_ids:
        return 0
    same_day = Notice.objects.filter(
        recipient_id__in=recipient_ids, kind=kind, subject=subject, day=day
    )
    already = dict(same_day.values_list("recipient_id", "handled_at"))
    reopen = [] if daily else [uid for uid, handled in already.items() if handled is not None]
    if reopen:
        same_day.filter(recipient_id__in=reopen).update(
            handled_at=None, read_at=None, url=url, updated_at=timezone.now()
        )
    new_ids = [uid for uid in recipient_ids if uid not in already]
    Notice.objects.bulk_create(
        [Notice(recipient_id=uid, kind=kind, subject=subject, url=url, day=day) for uid in new_ids],
        ignore_conflicts=True,  # a concurrent run sent it first: still once a day
    )
    sent = new_ids + reopen
    if sent and getattr(settings, "NOTIFY_BY_EMAIL", False):
        transaction.on_commit(lambda: _email(sent, kind, url))
    return len(sent)


def notify_new_subjects(kind: str, notices, *, day: date | None = None) -> int:
    """`notify` for many subjects nobody has been told about yet (just created: no notice of
    theirs exists, none to re-open), in one insert: `notices` is [(recipient ids, subject,
    url)]. Returns how many were sent. Used by bulk writes (the survey import)."""
    day = day or timezone.localdate()
    rows = [
        Notice(recipient_id=uid, kind=kind, subject=subject, url=url, day=day)
        for recipient_ids, subject, url in notices
        for uid in sorted(set(recipient_ids))
    ]
    Notice.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    if rows and getattr(settings, "NOTIFY_BY_EMAIL", False):
        sent = [(sorted(set(ids)), url) for ids, _subject, url in notices if ids]
        transaction.on_commit(lambda: [_email(ids, kind, url) for ids, url in sent])
    return len(rows)


def _email(user_ids, kind: str, url: str) -> None:
    users = get_user_model().objects.filter(pk__in=user_ids, is_active=True).exclude(email="")
    base = getattr(settings, "NOTIFY_SITE_URL", "").rstrip("/")
    label = kind_label(kind)
    for user in users:
        send_mail(
            subject=f"PPAOS: {label}",
            message=_("%(what)s\n\nOpen: %(url)s") % {"what": label, "url": f"{base}{url}"},
            from_email=None,
            recipient_list=[user.email],
            fail_silently=True,  # a mail server down must not undo the work
        )


def mark_handled(subject: str, *, kinds=None) -> int:
    """The work a notice asked for is done: it stops waiting (for every recipient)."""
    queryset = Notice.objects.filter(subject=subject, handled_at__isnull=True)
    if kinds is not None:
        queryset = queryset.filter(kind__in=list(kinds))
    return queryset.update(handled_at=timezone.now())


def mark_read(user, *, notice_ids=None, kinds=None) -> int:
    """The user read their notices (all, those listed, or those of `kinds`); a notice that only
    tells something (`handled_when_read`) stops waiting too."""
    now = timezone.now()
    queryset = Notice.objects.filter(recipient=user)
    if notice_ids is not None:
        queryset = queryset.filter(pk__in=notice_ids)
    if kinds is not None:
        queryset = queryset.filter(kind__in=list(kinds))
    queryset.filter(kind__in=list(_HANDLED_WHEN_READ), handled_at__isnull=True).update(
        handled_at=now
    )
    return queryset.filter(read_at__isnull=True).update(read_at=now)
