from django.core.management.base import BaseCommand

from ppaos.areas.geodata import data_version
from ppaos.areas.services import load_official_areas


class Command(BaseCommand):
    help = "Load or refresh every official province, district and subdistrict from geothai."

    def handle(self, *args, **options):
        result = load_official_areas()
        self.stdout.write(
            f"geothai data {data_version()}: {result['created']} areas created, "
            f"{result['updated']} updated."
        )
