"""One way to tell people: the referral notifications become ppaos.notifications notices.

Each row becomes a Notice of the same recipient about "referral:<public id>", with the link of
the page where its step is taken. A notification already read had been answered (the old code
marked it read when the next step was taken), so its notice is handled then.
"""

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


def _url(row) -> str:
    # The paths of referrals/urls.py when this migration was written (reverse() would follow a
    # later rename, which the stored links of old notices need not).
    public_id = row.referral.public_id
    if row.kind == "to_accept":
        return f"/referrals/inbox/{public_id}/"
    if row.kind == "cancelled" and row.recipient_id != row.referral.proposed_by_id:
        return "/referrals/inbox/"
    return f"/referrals/r/{public_id}/"


def forwards(apps, schema_editor):
    Notification = apps.get_model("referrals", "Notification")
    Notice = apps.get_model("notifications", "Notice")
    # Keep when each was sent (the historical model is this migration's own copy).
    Notice._meta.get_field("created_at").auto_now_add = False
    Notice._meta.get_field("updated_at").auto_now = False
    notices = []
    for row in Notification.objects.select_related("referral").order_by("-created_at", "-id"):
        notices.append(
            Notice(
                recipient_id=row.recipient_id,
                kind=KINDS.get(row.kind, f"referral_{row.kind}"),
                subject=f"referral:{row.referral.public_id}",
                url=_url(row),
                day=timezone.localtime(row.created_at).date(),
                read_at=row.read_at,
                handled_at=row.read_at,
                created_at=row.created_at,
                updated_at=row.updated_at,
            )
        )
    # Two of the same kind, subject and day for one person: the newest is kept (once a day).
    Notice.objects.bulk_create(notices, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0001_catalogue_and_referrals"),
        ("notifications", "0001_notice"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.DeleteModel(name="Notification"),
    ]
