"""Load every official province, district and subdistrict from geothai (see README § Area data)."""

from django.db import migrations


def load(apps, schema_editor):
    from ppaos.areas.services import load_official_areas

    load_official_areas(area_model=apps.get_model("areas", "Area"))


class Migration(migrations.Migration):
    dependencies = [("areas", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
