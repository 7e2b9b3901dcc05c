"""Roll-up tasks (thin: each calls monitoring.rollup). Routed to the `rollups` queue."""

from celery import shared_task
from django.core.cache import cache

from ppaos.core.background_jobs import MAX_ATTEMPTS

from . import rollup


@shared_task(name="monitoring.full_rebuild")
def full_rebuild() -> float:
    return rollup.full_rebuild().seconds


@shared_task(name="monitoring.drain_pending_villages")
def drain_pending_villages() -> int:
    cache.delete(rollup._DEBOUNCE_KEY)  # changes from now on schedule the next window
    refresh = rollup.drain_pending()
    return refresh.villages if refresh else 0


@shared_task(name="monitoring.write_report", bind=True, acks_late=True, reject_on_worker_lost=True)
def write_report_task(self, report_id: int) -> str | None:
    from . import reports  # noqa: PLC0415

    report = reports.write_report(report_id)
    wait = reports.look_again_in(report)
    if wait is not None:
        # Another worker holds it, or held it and died (this is the message delivered again).
        raise self.retry(countdown=wait, max_retries=MAX_ATTEMPTS)
    return report.status if report is not None else None
