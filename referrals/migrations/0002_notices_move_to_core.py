"""One way to tell people: the referral notifications become ppaos.notifications notices.

Each row becomes a Notice of the same recipient about "referral:<public id>", with the link of
the page where its step is taken. Before, "read" only meant opened, so whether the notice is
still waiting comes from the referral's state, as the new code would have closed it:

- to_approve: handled once the referral is no longer "submitted";
- declined: handled once it is no longer "declined" (re-routed or cancelled);
- to_accept: handled once it is no longer "approved" (accepted, declined, ...);
- completed: handled once a follow-up is recorded;
- rejected, cancelled (they only tell): handled when read.

Handled at: the time of the first transition out of that status after the notification was sent
(the follow-up's time; the read time), else the referral's last change.

A notice is once a day (recipient, kind, subject, day): two old rows of one kind about one
referral for one person on the same day are merged into one, the newest kept, waiting if either
was; the migration says how many it merged. Nothing is skipped: a conflict with a notice that is
already there fails the migration.

Reverse: the notices of these kinds go back to referral notifications (the old model is in the
migration state), so a rollback keeps them.
"""

import uuid

from django.db import migrations
from django.utils import timezone

KINDS = {
    "to_approve": "referral_to_approve",
    "declined": "referral_declined",
    "to_accept": "referral_to_accept",
    "rejected": "referral_rejected",
    "completed": "referral_completed",
    "cancelled": "referral_cancelled",
}
OLD_KINDS = {new: old for old, new in KINDS.items()}
# The status a notification of a kind asks someone to move the referral out of.
WAITS_WHILE = {"to_approve": "submitted", "declined": "declined", "to_accept": "approved"}
CHUNK = 2000


def _url(row) -> str:
    # The paths of referrals/urls.py when this migration was written (reverse() would follow a
    # later rename, which the stored links of old notices need not).
    public_id = row.referral.public_id
    if row.kind == "to_accept":
        return f"/referrals/inbox/{public_id}/"
    if row.kind == "cancelled" and row.recipient_id != row.referral.proposed_by_id:
        return "/referrals/inbox/"
    return f"/referrals/r/{public_id}/"


def _chunks(iterable, size=CHUNK):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _left_status_at(transitions, row, status):
    """When the referral first left `status` after the notification was sent, if recorded."""
    for at in transitions.get((row.referral_id, status), ()):
        if at >= row.created_at:
            return at
    return None


def _handled_at(row, transitions):
    referral = row.referral
    if row.kind in WAITS_WHILE:
        status = WAITS_WHILE[row.kind]
        if referral.status == status:
            return None
        return _left_status_at(transitions, row, status) or referral.updated_at
    if row.kind == "completed":
        follow_up = getattr(referral, "follow_up", None)
        return follow_up.created_at if follow_up is not None else None
    return row.read_at  # rejected, cancelled: they only tell


def _notices(apps):
    """The Notices, one per (recipient, kind, subject, day), and how many rows were merged."""
    Notification = apps.get_model("referrals", "Notification")
    ReferralTransition = apps.get_model("referrals", "ReferralTransition")
    Notice = apps.get_model("notifications", "Notice")
    rows = (
        Notification.objects.select_related("referral", "referral__follow_up")
        .order_by("recipient_id", "referral_id", "kind", "created_at", "id")
        .iterator(chunk_size=CHUNK)
    )
    merged = 0
    current = None
    for chunk in _chunks(rows):
        transitions = {}
        history = ReferralTransition.objects.filter(
            referral_id__in={row.referral_id for row in chunk},
            from_status__in=set(WAITS_WHILE.values()),
        ).order_by("created_at", "id")
        for referral_id, from_status, at in history.values_list(
            "referral_id", "from_status", "created_at"
        ):
            transitions.setdefault((referral_id, from_status), []).append(at)
        for row in chunk:
            notice = Notice(
                recipient_id=row.recipient_id,
                kind=KINDS.get(row.kind, f"referral_{row.kind}"),
                subject=f"referral:{row.referral.public_id}",
                url=_url(row),
                day=timezone.localtime(row.created_at).date(),
                read_at=row.read_at,
                handled_at=_handled_at(row, transitions),
                created_at=row.created_at,
                updated_at=row.updated_at,
            )
            key = (notice.recipient_id, notice.kind, notice.subject, notice.day)
            if current is not None and current[0] == key:
                # The same notice twice in a day: keep the newer, waiting if either waits.
                older = current[1]
                merged += 1
                if older.handled_at is None:
                    notice.handled_at = None
                if older.read_at is None:
                    notice.read_at = None
                current = (key, notice)
                continue
            if current is not None:
                yield current[1]
            current = (key, notice)
    if current is not None:
        yield current[1]
    if merged:
        print(f"\n  referral notifications: {merged} same-day repeats merged into one notice")


def forwards(apps, schema_editor):
    Notice = apps.get_model("notifications", "Notice")
    # Keep when each was sent (the historical model is this migration's own copy).
    Notice._meta.get_field("created_at").auto_now_add = False
    Notice._meta.get_field("updated_at").auto_now = False
    for chunk in _chunks(_notices(apps)):
        Notice.objects.bulk_create(chunk)


def backwards(apps, schema_editor):
    Notification = apps.get_model("referrals", "Notification")
    Referral = apps.get_model("referrals", "Referral")
    Notice = apps.get_model("notifications", "Notice")
    Notification._meta.get_field("created_at").auto_now_add = False
    Notification._meta.get_field("updated_at").auto_now = False
    notices = Notice.objects.filter(kind__in=OLD_KINDS, subject__startswith="referral:")
    for chunk in _chunks(notices.order_by("id").iterator(chunk_size=CHUNK)):
        public_ids = {n.subject.split(":", 1)[1] for n in chunk}
        referral_ids = dict(
            Referral.objects.filter(public_id__in=public_ids).values_list("public_id", "id")
        )
        Notification.objects.bulk_create(
            Notification(
                recipient_id=n.recipient_id,
                referral_id=referral_ids[_uuid(n.subject)],
                kind=OLD_KINDS[n.kind],
                read_at=n.read_at,
                created_at=n.created_at,
                updated_at=n.updated_at,
            )
            for n in chunk
            if _uuid(n.subject) in referral_ids
        )
    notices.delete()


def _uuid(subject):
    return uuid.UUID(subject.split(":", 1)[1])


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0001_catalogue_and_referrals"),
        ("notifications", "0001_notice"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="Notification"),
    ]
