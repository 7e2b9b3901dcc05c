"""Load survey instrument v1 and classification rule set v1 from households/surveys/instrument_v1.py."""

from django.db import migrations

from households.surveys.instrument_loader import load_instrument_v1, unload_instrument_v1


class Migration(migrations.Migration):
    dependencies = [("households", "0004_surveys_and_classification")]

    operations = [migrations.RunPython(load_instrument_v1, unload_instrument_v1)]
