"""Changes that move the figures queue their village for the debounced refresh (after commit).

- a verified survey's classification, a referral's change, a registrant's finding: post_save;
- a classification or a referral deleted: post_delete (the evaluation tables, and the roll-ups,
  must lose it; a deleted finding waits for the nightly rebuild: its registrant may be gone
  with it, so its village is not known here);
- a welfare-registry import (written in bulk, no post_save): the framework's
  `import_job_finished` signal; the villages of the registrants the job wrote are queued. A
  registrant moved out of a village by an import leaves its old village's figures until the
  nightly full rebuild (CELERY_BEAT_SCHEDULE), which also catches any other bulk write.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save


def _queue(sender, instance, **kwargs):
    code = getattr(instance, "area_id", None)
    if code is None and hasattr(instance, "registrant"):
        code = instance.registrant.area_id
    if code:
        from .rollup import mark_villages_dirty  # noqa: PLC0415

        transaction.on_commit(lambda: mark_villages_dirty([code]))


def _queue_import(sender, job, **kwargs):
    if sender != "welfare_registry":
        return
    from households.models import WelfareRegistrant  # noqa: PLC0415

    from .rollup import mark_villages_dirty  # noqa: PLC0415

    codes = list(
        WelfareRegistrant.objects.filter(import_job_id=job.pk)
        .values_list("area_id", flat=True)
        .distinct()
    )
    transaction.on_commit(lambda: mark_villages_dirty(codes))


def connect() -> None:
    from households.models import RegistrantFinding  # noqa: PLC0415
    from households.surveys.models import ClassificationResult  # noqa: PLC0415
    from ppaos.imports.signals import import_job_finished  # noqa: PLC0415
    from referrals.models import Referral  # noqa: PLC0415

    for model in (ClassificationResult, Referral, RegistrantFinding):
        post_save.connect(_queue, sender=model, dispatch_uid=f"monitoring-{model.__name__}")
    for model in (ClassificationResult, Referral):
        post_delete.connect(
            _queue, sender=model, dispatch_uid=f"monitoring-deleted-{model.__name__}"
        )
    import_job_finished.connect(_queue_import, dispatch_uid="monitoring-import")
