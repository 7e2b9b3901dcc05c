"""The run command computes the roll-ups right after seeding the demo (the beat task would only
do it the next night): `manage.py rebuild_rollups`."""

import pytest
from django.core.management import call_command

from monitoring.models import RollupRefresh

pytestmark = pytest.mark.django_db


def test_rebuild_rollups_records_a_full_refresh(villages):
    call_command("rebuild_rollups")

    assert RollupRefresh.objects.count() == 1
