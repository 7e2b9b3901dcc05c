"""Celery tasks of the import framework: thin, each calls a service."""

from celery import shared_task

from . import services


@shared_task(name="ppaos.imports.run_import_job", acks_late=True, reject_on_worker_lost=True)
def run_import_job_task(job_id: int) -> str | None:
    """Run one import job. Safe to deliver twice: the service skips finished and running jobs."""
    job = services.run_import_job(job_id=job_id)
    return job.status if job is not None else None
