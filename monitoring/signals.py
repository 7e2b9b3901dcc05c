"""Changes that move the figures queue what they touch for the debounced refresh (after commit).

- a classification result (saved or deleted), a membership (a person joining or leaving), a
  person's record: post_save / post_delete queue the household(s), whose figures are recomputed
  from their own records (monitoring.rollup.mark_households_dirty);
- a referral's change, a registrant's finding: post_save queues the village;
- a welfare-registry import (written in bulk, no post_save): the framework's
  `import_job_finished` signal; the villages of the registrants the job wrote are queued. A
  registrant moved out of a village by an import leaves its old village's figures until the
  nightly full rebuild (CELERY_BEAT_SCHEDULE), which also catches any other bulk write (a
  person's flags written with QuerySet.update are caught sooner: the survey that wrote them is
  verified, and its result queues the household).
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save


def _queue_village(sender, instance, **kwargs):
    code = getattr(instance, "area_id", None)
    if code is None and hasattr(instance, "registrant"):
        code = instance.registrant.area_id
    if code:
        from .rollup import mark_villages_dirty  # noqa: PLC0415

        transaction.on_commit(lambda: mark_villages_dirty([code]))


def _queue_household(sender, instance, **kwargs):
    household_id = instance.household_id
    if household_id is not None:
        from .rollup import mark_households_dirty  # noqa: PLC0415

        transaction.on_commit(lambda: mark_households_dirty([household_id]))


def _queue_households_of_person(sender, instance, created=False, **kwargs):
    if created:
        return  # a new person is in no household yet (their membership queues it)
    from households.models import Membership  # noqa: PLC0415

    from .rollup import mark_households_dirty  # noqa: PLC0415

    ids = list(
        Membership.objects.filter(person_id=instance.pk, left_on__isnull=True).values_list(
            "household_id", flat=True
        )
    )
    if ids:
        transaction.on_commit(lambda: mark_households_dirty(ids))


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
    from households.models import Membership, Person, RegistrantFinding  # noqa: PLC0415
    from households.surveys.models import ClassificationResult  # noqa: PLC0415
    from ppaos.imports.signals import import_job_finished  # noqa: PLC0415
    from referrals.models import Referral  # noqa: PLC0415

    for model in (Referral, RegistrantFinding):
        post_save.connect(_queue_village, sender=model, dispatch_uid=f"monitoring-{model.__name__}")
    for model in (ClassificationResult, Membership):
        for signal in (post_save, post_delete):
            signal.connect(
                _queue_household, sender=model, dispatch_uid=f"monitoring-hh-{model.__name__}"
            )
    post_save.connect(
        _queue_households_of_person, sender=Person, dispatch_uid="monitoring-hh-Person"
    )
    import_job_finished.connect(_queue_import, dispatch_uid="monitoring-import")
