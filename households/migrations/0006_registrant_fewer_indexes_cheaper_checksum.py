"""Cheaper writes into households_welfareregistrant (issue 4: the import writes up to 1 M rows).

- national_id: unique through a UniqueConstraint, which drops the `_like` index unique=True made.
- area: the FK's plain and `_like` indexes go; registrant_area_house_idx is rebuilt with
  varchar_pattern_ops on area_id so it alone answers the prefix scope and equality.
- thai_national_id_is_valid: one arithmetic expression instead of a generate_series sub-select,
  and no longer STRICT, so PostgreSQL inlines it into both CHECK constraints (a STRICT SQL function
  whose body uses AND is never inlined). ascii() - 48 instead of ::int casts: no input can make
  it raise, whatever order the planner evaluates the AND in. Measured on 1 M IDs: 2.9 µs → 0.8 µs
  per row. Same answers (tests/households/test_national_id_constraint.py); NULL still gives NULL.
"""

import django.db.models.deletion
from django.db import migrations, models

_DIGIT = "(ascii(substr(nid, {i}, 1)) - 48)"
_SUM = " + ".join(f"{_DIGIT.format(i=i)} * {14 - i}" for i in range(1, 13))

FUNCTION = f"""
CREATE OR REPLACE FUNCTION thai_national_id_is_valid(nid text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT nid ~ '^[0-9]{{13}}$' AND (11 - ({_SUM}) % 11) % 10 = {_DIGIT.format(i=13)}
$$;
"""

# The function as migration 0002 created it.
PREVIOUS_FUNCTION = """
CREATE OR REPLACE FUNCTION thai_national_id_is_valid(nid text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT nid ~ '^[0-9]{13}$' AND (
        11 - (
            SELECT sum(substr(nid, i, 1)::int * (14 - i)) FROM generate_series(1, 12) AS i
        ) % 11
    ) % 10 = substr(nid, 13, 1)::int
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0002_load_official_areas"),
        ("households", "0005_load_instrument_v1"),
        ("imports", "0002_column_mapping_and_file_errors"),
    ]

    operations = [
        migrations.RunSQL(FUNCTION, PREVIOUS_FUNCTION),
        migrations.RemoveIndex(
            model_name="welfareregistrant",
            name="registrant_area_house_idx",
        ),
        migrations.AlterField(
            model_name="welfareregistrant",
            name="area",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="welfare_registrants",
                to="areas.area",
                verbose_name="area",
            ),
        ),
        migrations.AlterField(
            model_name="welfareregistrant",
            name="national_id",
            field=models.CharField(max_length=13, verbose_name="national ID"),
        ),
        migrations.AddIndex(
            model_name="welfareregistrant",
            index=models.Index(
                fields=["area", "house_number"],
                name="registrant_area_house_idx",
                opclasses=["varchar_pattern_ops", "varchar_ops"],
            ),
        ),
        migrations.AddConstraint(
            model_name="welfareregistrant",
            constraint=models.UniqueConstraint(
                fields=("national_id",), name="registrant_national_id_unique"
            ),
        ),
    ]
