"""Celery tasks of the import framework: thin, each calls a service."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services


@shared_task(
    name="ppaos.imports.run_import_job",
    acks_late=True,
    reject_on_worker_lost=True,
    # The database went away part-way (PostgreSQL restarted): run the job again from the file
    # when it is back, waiting 2, 4, 8… s (at most 30 s between tries, about 4 minutes in all).
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=30,
    retry_jitter=False,
    max_retries=10,
)
def run_import_job_task(job_id: int) -> str | None:
    """Run one import job. Safe to deliver twice: the service skips finished and running jobs."""
    job = services.run_import_job(job_id=job_id)
    return job.status if job is not None else None


@shared_task(name="ppaos.imports.requeue_waiting_jobs")
def requeue_waiting_jobs() -> int:
    return services.requeue_waiting_jobs()


@shared_task(name="ppaos.imports.repair_interrupted_writes")
def repair_interrupted_writes() -> int:
    return services.repair_interrupted_writes()
