"""One way to tell people: the 30-day reminders become ppaos.notifications notices.

Each reminder becomes a Notice "data_request_due" about "data_request:<public id>" for the same
officer and day, linking to the request's page; it is handled when it was read, or when the
request is no longer open.
"""

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    Reminder = apps.get_model("privacy", "DataRequestReminder")
    Notice = apps.get_model("notifications", "Notice")
    Notice._meta.get_field("created_at").auto_now_add = False
    Notice._meta.get_field("updated_at").auto_now = False
    now = timezone.now()
    notices = []
    for row in Reminder.objects.select_related("request"):
        request = row.request
        closed = request.status != "open"
        notices.append(
            Notice(
                recipient_id=row.recipient_id,
                kind="data_request_due",
                subject=f"data_request:{request.public_id}",
                # The path of privacy's request page when this migration was written.
                url=f"/privacy/requests/{request.public_id}/",
                day=row.sent_on,
                read_at=row.read_at,
                handled_at=row.read_at or (request.decided_at or now if closed else None),
                created_at=row.created_at,
                updated_at=row.updated_at,
            )
        )
    Notice.objects.bulk_create(notices, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_data_requests_and_breaches"),
        ("notifications", "0001_notice"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.DeleteModel(name="DataRequestReminder"),
    ]
