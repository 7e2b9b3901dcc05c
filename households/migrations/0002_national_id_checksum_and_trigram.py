"""The database enforces the national-ID checksum (DOMAIN.md §5) and gets pg_trgm for name search.

thai_national_id_is_valid mirrors ppaos.thai.thai_id: weights 13..2 on the first 12 digits,
check digit (11 - sum % 11) % 10.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION thai_national_id_is_valid(nid text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT nid ~ '^[0-9]{13}$' AND (
        11 - (
            SELECT sum(substr(nid, i, 1)::int * (14 - i)) FROM generate_series(1, 12) AS i
        ) % 11
    ) % 10 = substr(nid, 13, 1)::int
$$;
"""

FORWARD = [
    FUNCTION,
    "ALTER TABLE households_person ADD CONSTRAINT person_national_id_checksum "
    "CHECK (thai_national_id_is_valid(national_id))",
    "ALTER TABLE households_welfareregistrant ADD CONSTRAINT registrant_national_id_checksum "
    "CHECK (thai_national_id_is_valid(national_id))",
]
BACKWARD = [
    "ALTER TABLE households_welfareregistrant DROP CONSTRAINT registrant_national_id_checksum",
    "ALTER TABLE households_person DROP CONSTRAINT person_national_id_checksum",
    "DROP FUNCTION thai_national_id_is_valid(text)",
]


class Migration(migrations.Migration):
    dependencies = [("households", "0001_initial")]
    operations = [
        TrigramExtension(),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
