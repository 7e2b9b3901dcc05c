"""The village queue becomes append-only (an id of its own, no unique code): a change adds a row
in its own transaction and never waits for the drain or for another writer. The table is made
again: what was queued is dropped, and `manage.py rebuild_rollups` after the deploy counts it
(the README's deploy step)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0007_evaluation_queue"),
    ]

    operations = [
        migrations.DeleteModel(name="PendingVillage"),
        migrations.CreateModel(
            name="PendingVillage",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("code", models.CharField(max_length=8)),
                ("queued_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
    ]
