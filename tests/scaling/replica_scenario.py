"""Run by tests/scaling/test_streaming_replica.py in a child process against the temporary primary
(DATABASE_URL) and replica (DATABASE_REPLICA_URL): Django set up on those two databases.

    python tests/scaling/replica_scenario.py seed N      # an executive, N households, roll-ups
    python tests/scaling/replica_scenario.py add N       # N more households, roll-ups again
    python tests/scaling/replica_scenario.py write-under-replica

Prints one JSON object.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ppaos.settings.test")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.db import connections  # noqa: E402
from django.db.models.signals import post_save  # noqa: E402

from households.surveys.models import ClassificationResult, SurveyInstrument  # noqa: E402
from monitoring import rollup  # noqa: E402
from ppaos.accounts.models import Role, User  # noqa: E402
from ppaos.areas.models import Area, AreaLevel  # noqa: E402
from ppaos.areas.services import load_official_areas  # noqa: E402
from ppaos.db_routers import read_alias, read_from_replica  # noqa: E402
from referrals.models import Referral  # noqa: E402

VILLAGE = "49010101"
USERNAME, PASSWORD = "exec_replica", "replica-test-password"

# The scenario rebuilds the roll-ups itself: no debounced refresh task to a queue.
for model in (ClassificationResult, Referral):
    post_save.disconnect(sender=model, dispatch_uid=f"monitoring-{model.__name__}")


def households(count: int) -> None:
    from households.models import Person
    from tests.factories import HouseholdFactory, PersonFactory
    from tests.monitoring.builders import household, result

    # Each run of this script is a new process: the factories' numbering goes on from the rows.
    PersonFactory.reset_sequence(Person.objects.count() + 10_000)
    HouseholdFactory.reset_sequence(Person.objects.count() + 10_000)
    for _ in range(count):
        result(household(VILLAGE), 2568, "in_hardship")
    rollup.full_rebuild()


def seed(count: int) -> dict:
    from tests.factories import UserFactory, assign

    if not Area.objects.filter(code="49").exists():
        load_official_areas()
    if not SurveyInstrument.objects.filter(is_current=True).exists():
        from households.surveys.instrument_loader import load_instrument_v1

        load_instrument_v1(apps)
    Area.objects.get_or_create(
        code=VILLAGE, defaults={"level": AreaLevel.VILLAGE, "parent_id": VILLAGE[:6]}
    )
    user = assign(UserFactory(username=USERNAME), Role.EXECUTIVE, "49")
    user.set_password(PASSWORD)
    user.save()
    households(count)
    return {"username": USERNAME, "password": PASSWORD}


def write_under_replica() -> dict:
    """Inside read_from_replica(): the read comes from the standby, the write goes to the
    primary (saving there works; on the standby it would fail: it is read-only). An area, not a
    user: users and their roles are always read from the primary. Then the user: the primary."""
    with read_from_replica():
        alias = read_alias(Area)
        user_alias = read_alias(User)
        area = Area.objects.get(code="49")
        read_from = area._state.db
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            replica_in_recovery = cursor.fetchone()[0]
        area.name_en = "บันทึกที่ต้นทาง"
        area.save(update_fields=["name_en"])
        written_to = area._state.db
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        primary_in_recovery = cursor.fetchone()[0]
        cursor.execute("SELECT name_en FROM areas_area WHERE code = '49'")
        on_primary = cursor.fetchone()[0]
    return {
        "alias": alias,
        "user_alias": user_alias,
        "read_from": read_from,
        "written_to": written_to,
        "replica_in_recovery": replica_in_recovery,
        "primary_in_recovery": primary_in_recovery,
        "name_on_primary": on_primary,
    }


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "seed":
        out = seed(int(sys.argv[2]))
    elif command == "add":
        households(int(sys.argv[2]))
        out = {"added": int(sys.argv[2])}
    elif command == "write-under-replica":
        out = write_under_replica()
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(out))
