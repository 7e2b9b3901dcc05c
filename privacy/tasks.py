"""Celery tasks of the privacy app: thin, each calls a service."""

from celery import shared_task


@shared_task(name="privacy.tasks.build_access_export")
def build_access_export(request_id: int) -> None:
    from .access_export import build_access_export as build

    build(request_id)


@shared_task(name="privacy.tasks.send_data_request_reminders")
def send_data_request_reminders() -> int:
    from .services import send_data_request_reminders as send

    return send()


@shared_task(name="privacy.tasks.apply_retention")
def apply_retention() -> dict:
    from .retention import apply_retention as apply

    return apply()
