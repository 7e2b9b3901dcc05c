"""One way to tell people: the 30-day reminders become ppaos.notifications notices.

Each reminder becomes a Notice "data_request_due" about "data_request:<public id>" for the same
officer and day, linking to the request's page. Before, "read" only meant opened: the notice is
handled when its request is no longer open (at its decision time), whether read or not.

The old reminders were once a day per request and officer, as the notices are (recipient, kind,
subject, day), so no two rows meet; should they, the migration fails rather than skip one.

Reverse: the notices go back to reminders (the old model is in the migration state).
"""

import uuid

from django.db import migrations
from django.utils import timezone

KIND = "data_request_due"
CHUNK = 2000


def _chunks(iterable, size=CHUNK):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def forwards(apps, schema_editor):
    Reminder = apps.get_model("privacy", "DataRequestReminder")
    Notice = apps.get_model("notifications", "Notice")
    Notice._meta.get_field("created_at").auto_now_add = False
    Notice._meta.get_field("updated_at").auto_now = False
    now = timezone.now()
    rows = Reminder.objects.select_related("request").order_by("id").iterator(chunk_size=CHUNK)
    for chunk in _chunks(rows):
        notices = []
        for row in chunk:
            request = row.request
            closed = request.status != "open"
            notices.append(
                Notice(
                    recipient_id=row.recipient_id,
                    kind=KIND,
                    subject=f"data_request:{request.public_id}",
                    # The path of privacy's request page when this migration was written.
                    url=f"/privacy/requests/{request.public_id}/",
                    day=row.sent_on,
                    read_at=row.read_at,
                    handled_at=(request.decided_at or now) if closed else None,
                    created_at=row.created_at,
                    updated_at=row.updated_at,
                )
            )
        Notice.objects.bulk_create(notices)


def backwards(apps, schema_editor):
    Reminder = apps.get_model("privacy", "DataRequestReminder")
    Request = apps.get_model("privacy", "DataSubjectRequest")
    Notice = apps.get_model("notifications", "Notice")
    Reminder._meta.get_field("created_at").auto_now_add = False
    Reminder._meta.get_field("updated_at").auto_now = False
    notices = Notice.objects.filter(kind=KIND, subject__startswith="data_request:")
    for chunk in _chunks(notices.order_by("id").iterator(chunk_size=CHUNK)):
        public_ids = {uuid.UUID(n.subject.split(":", 1)[1]) for n in chunk}
        request_ids = dict(
            Request.objects.filter(public_id__in=public_ids).values_list("public_id", "id")
        )
        Reminder.objects.bulk_create(
            Reminder(
                request_id=request_ids[public_id],
                recipient_id=n.recipient_id,
                sent_on=n.day,
                read_at=n.read_at,
                created_at=n.created_at,
                updated_at=n.updated_at,
            )
            for n in chunk
            if (public_id := uuid.UUID(n.subject.split(":", 1)[1])) in request_ids
        )
    notices.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_data_requests_and_breaches"),
        ("notifications", "0001_notice"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="DataRequestReminder"),
    ]
