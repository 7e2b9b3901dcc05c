"""`manage.py retention`: what the retention task would anonymise or delete today (a dry run,
nothing changed), per kind of record with its period and counts. `--apply` applies it now, as
the nightly beat task does."""

from django.core.management.base import BaseCommand
from django.utils import translation

from ppaos.core.display import format_date
from privacy import retention


class Command(BaseCommand):
    help = "Show (or with --apply, carry out) what the retention periods remove today."

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="anonymise and delete now")

    def handle(self, *args, apply=False, **options):
        translation.activate("th")
        rows = retention.plan()
        self.stdout.write("ระยะเวลาเก็บรักษาข้อมูล (dry run)" if not apply else "ระยะเวลาเก็บรักษาข้อมูล")
        for row in rows:
            self.stdout.write(
                f"{row.kind:16} {row.count:>8}  {row.label} — {row.action} "
                f"(เก็บ {row.days} วัน, ก่อน {format_date(row.cutoff, 'th')})"
            )
        if apply:
            counts = retention.apply_retention()
            self.stdout.write("applied: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
