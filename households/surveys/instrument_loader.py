"""Copying an instrument data module (households/surveys/instrument_v1.py) into its versioned rows.

Used by the data migration (with the historical models) and by tests whose database was flushed
(with the real models): `load_instrument_v1(django.apps.apps)`. Idempotent.
"""

from decimal import Decimal


def load_instrument_v1(apps, schema_editor=None):
    from households.surveys import instrument_v1 as v1

    Instrument = apps.get_model("households", "SurveyInstrument")
    CapitalItem = apps.get_model("households", "CapitalItem")
    Indicator = apps.get_model("households", "BasicNeedsIndicator")
    RuleSet = apps.get_model("households", "ClassificationRuleSet")

    instrument, created = Instrument.objects.get_or_create(
        version=v1.INSTRUMENT_VERSION,
        defaults={
            "title_th": v1.INSTRUMENT_TITLE_TH,
            "title_en": v1.INSTRUMENT_TITLE_EN,
            "is_current": not Instrument.objects.filter(is_current=True).exists(),
        },
    )
    if created:
        CapitalItem.objects.bulk_create(
            CapitalItem(
                instrument=instrument,
                code=item["code"],
                capital=item["capital"],
                position=position,
                text_th=item["text_th"],
                text_en=item["text_en"],
                options=[list(option) for option in item["options"]],
                low_reason_th=item["low_reason_th"],
                low_reason_en=item["low_reason_en"],
            )
            for position, item in enumerate(v1.CAPITAL_ITEMS, 1)
        )
        Indicator.objects.bulk_create(
            Indicator(
                instrument=instrument,
                code=ind["code"],
                number=ind["number"],
                dimension=ind["dimension"],
                scope=ind["scope"],
                min_age=ind["min_age"],
                max_age=ind["max_age"],
                condition=ind["condition"],
                derived=ind.get("derived", False),
                text_th=ind["text_th"],
                text_en=ind["text_en"],
                fail_reason_th=ind["fail_reason_th"],
                fail_reason_en=ind["fail_reason_en"],
            )
            for ind in v1.BASIC_NEEDS_INDICATORS
        )
    RuleSet.objects.get_or_create(
        version=v1.RULE_SET_VERSION,
        defaults={
            "cut_points": list(v1.RULE_SET_CUT_POINTS),
            "counted_items": list(v1.RULE_SET_COUNTED_ITEMS),
            "income_threshold": Decimal(v1.RULE_SET_INCOME_THRESHOLD),
            "low_item_max_score": v1.RULE_SET_LOW_ITEM_MAX_SCORE,
            "low_item_limit": v1.RULE_SET_LOW_ITEM_LIMIT,
            "is_current": not RuleSet.objects.filter(is_current=True).exists(),
            "note": v1.RULE_SET_NOTE,
        },
    )


def unload_instrument_v1(apps, schema_editor=None):
    from households.surveys import instrument_v1 as v1

    Instrument = apps.get_model("households", "SurveyInstrument")
    RuleSet = apps.get_model("households", "ClassificationRuleSet")
    for instrument in Instrument.objects.filter(version=v1.INSTRUMENT_VERSION):
        instrument.capital_items.all().delete()
        instrument.indicators.all().delete()
        instrument.delete()
    RuleSet.objects.filter(version=v1.RULE_SET_VERSION).delete()
