"""Changes that move the figures queue their village for the debounced refresh (after commit).

Bulk imports write with bulk_create (no signals): the import's village list is queued by the
periodic drain's safety net, the nightly full rebuild (CELERY_BEAT_SCHEDULE in settings).
"""

from django.db import transaction
from django.db.models.signals import post_save


def _queue(sender, instance, **kwargs):
    code = getattr(instance, "area_id", None)
    if code is None and hasattr(instance, "registrant"):
        code = instance.registrant.area_id
    if code:
        from .rollup import mark_villages_dirty  # noqa: PLC0415

        transaction.on_commit(lambda: mark_villages_dirty([code]))


def connect() -> None:
    from households.models import RegistrantFinding  # noqa: PLC0415
    from households.surveys.models import ClassificationResult  # noqa: PLC0415
    from referrals.models import Referral  # noqa: PLC0415

    for model in (ClassificationResult, Referral, RegistrantFinding):
        post_save.connect(_queue, sender=model, dispatch_uid=f"monitoring-{model.__name__}")
