"""Celery tasks of the master plans: thin, each calls a service."""

from celery import shared_task


@shared_task(name="masterplans.build_plan_pdf", acks_late=True, reject_on_worker_lost=True)
def build_plan_pdf_task(pdf_id: int) -> str:
    from .print_pdf import build_plan_pdf

    return build_plan_pdf(pdf_id)
