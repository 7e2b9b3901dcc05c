"""Rebuild every roll-up now (what the nightly beat task does): after seeding or a bulk load."""

from django.core.management.base import BaseCommand

from monitoring.rollup import full_rebuild


class Command(BaseCommand):
    help = "Rebuild the monitoring roll-ups of every area and round now."

    def handle(self, *args, **options):
        refresh = full_rebuild()
        self.stdout.write(f"Roll-ups rebuilt ({refresh.pk}).")
