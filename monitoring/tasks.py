"""Roll-up tasks (thin: each calls monitoring.rollup). Routed to the `rollups` queue."""

from celery import shared_task
from django.core.cache import cache

from . import rollup


@shared_task(name="monitoring.full_rebuild")
def full_rebuild() -> float:
    return rollup.full_rebuild().seconds


@shared_task(name="monitoring.drain_pending_villages")
def drain_pending_villages() -> int:
    cache.delete(rollup._DEBOUNCE_KEY)  # changes from now on schedule the next window
    refresh = rollup.drain_pending()
    return refresh.villages if refresh else 0
