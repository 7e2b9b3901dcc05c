"""The log of roll-up refreshes (one row per drain, every 30 seconds at busy times) does not grow
for ever: the nightly rebuild removes the rows older than REFRESH_LOG_DAYS and keeps the rest,
the newest (the one the pages read) always."""

import datetime as dt

import pytest
from django.utils import timezone

from monitoring import rollup
from monitoring.models import RollupRefresh

pytestmark = pytest.mark.django_db


def _refresh_at(when):
    refresh = RollupRefresh.objects.create(kind=RollupRefresh.Kind.INCREMENTAL)
    RollupRefresh.objects.filter(pk=refresh.pk).update(finished_at=when)
    return refresh.pk


def test_the_nightly_rebuild_removes_refreshes_older_than_the_log_keeps(villages):
    now = timezone.now()
    old = [_refresh_at(now - dt.timedelta(days=rollup.REFRESH_LOG_DAYS, hours=h)) for h in (1, 9)]
    kept = [_refresh_at(now - dt.timedelta(days=d)) for d in (0, 1, rollup.REFRESH_LOG_DAYS - 1)]

    done = rollup.full_rebuild()

    left = set(RollupRefresh.objects.values_list("pk", flat=True))
    assert left == {*kept, done.pk}
    assert not left & set(old)
    assert rollup.last_refresh() == done


def test_the_newest_refresh_is_kept_however_old_the_log_is(villages):
    newest = RollupRefresh.objects.create(kind=RollupRefresh.Kind.FULL)
    RollupRefresh.objects.filter(pk=newest.pk).update(
        finished_at=timezone.now() - dt.timedelta(days=400)
    )
    newest.refresh_from_db()
    assert rollup._prune_refresh_log(newest) == 0
    assert list(RollupRefresh.objects.all()) == [newest]
