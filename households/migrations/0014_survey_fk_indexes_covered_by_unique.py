"""The survey tables' own indexes of the survey (and household) column are dropped: a unique
constraint leads with that column already (indicator_answer_unique, capital_answer_unique,
survey_need_unique, survey_one_per_household_round), so every look-up and the cascade from a
survey use it. Each index cost every inserted answer a second b-tree insert.

Only the indexes are dropped, CONCURRENTLY (outside a transaction: a plain DROP INDEX would
wait behind a running import and block every reader of the table meanwhile): AlterField would
also drop and re-add the foreign keys, validating every row of the answer tables under an
exclusive lock."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False  # DROP INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("households", "0013_registrant_import_job_without_constraint"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="capitalanswer",
                    name="survey",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="capital_answers",
                        to="households.survey",
                    ),
                ),
                migrations.AlterField(
                    model_name="indicatoranswer",
                    name="survey",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="indicator_answers",
                        to="households.survey",
                    ),
                ),
                migrations.AlterField(
                    model_name="survey",
                    name="household",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="surveys",
                        to="households.household",
                        verbose_name="household",
                    ),
                ),
                migrations.AlterField(
                    model_name="surveyneed",
                    name="survey",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="needs",
                        to="households.survey",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX CONCURRENTLY IF EXISTS {index}",
                    reverse_sql=(
                        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {index} ON {table} ({column})"
                    ),
                )
                for table, column, index in (
                    (
                        "households_capitalanswer",
                        "survey_id",
                        "households_capitalanswer_survey_id_5253b65e",
                    ),
                    (
                        "households_indicatoranswer",
                        "survey_id",
                        "households_indicatoranswer_survey_id_b1a7ca9b",
                    ),
                    (
                        "households_survey",
                        "household_id",
                        "households_survey_household_id_690ce53f",
                    ),
                    (
                        "households_surveyneed",
                        "survey_id",
                        "households_surveyneed_survey_id_d12735d9",
                    ),
                )
            ],
        ),
    ]
