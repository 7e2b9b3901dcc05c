"""Changes that move the figures queue what they touch for the debounced refresh (in the change's
own transaction; the drain is scheduled after the commit).

- a classification result (saved or deleted), a membership (a person joining or leaving), a
  person's record: post_save / post_delete queue the household(s), whose figures are recomputed
  from their own records (monitoring.rollup.mark_households_dirty);
- a referral's change (saved or deleted), a registrant's finding: the signal queues the village;
- a welfare-registry import (written in bulk, no post_save) queues, in each chunk's
  transaction, the villages the chunk wrote to and moved registrants out of (the import alone
  knows them; a job that fails part-way leaves nothing unqueued).

Writes that fire no signal (QuerySet.update, bulk writes, raw SQL) call
monitoring.rollup.queue_changes themselves: a survey's member flags, a withdrawal of consent, the
registry import's moves. The nightly full rebuild (CELERY_BEAT_SCHEDULE) stays the safety net.
"""

from django.db.models.signals import post_delete, post_save


def _queue_village(sender, instance, **kwargs):
    code = getattr(instance, "area_id", None)
    if code is None and hasattr(instance, "registrant"):
        code = instance.registrant.area_id
    if code:
        from .rollup import queue_changes  # noqa: PLC0415

        queue_changes(village_codes=[code])


def _queue_household(sender, instance, **kwargs):
    from .rollup import queue_changes  # noqa: PLC0415

    queue_changes(household_ids=[instance.household_id])


def _queue_households_of_person(sender, instance, created=False, **kwargs):
    if created:
        return  # a new person is in no household yet (their membership queues it)
    from .rollup import queue_changes  # noqa: PLC0415

    queue_changes(person_ids=[instance.pk])


def connect() -> None:
    from households.models import Membership, Person, RegistrantFinding  # noqa: PLC0415
    from households.surveys.models import ClassificationResult  # noqa: PLC0415
    from referrals.models import Referral  # noqa: PLC0415

    for model in (Referral, RegistrantFinding):
        post_save.connect(_queue_village, sender=model, dispatch_uid=f"monitoring-{model.__name__}")
    # A deleted referral leaves its village's figures and the evaluation tables; a deleted
    # finding waits for the nightly rebuild (its registrant may be gone with it).
    post_delete.connect(_queue_village, sender=Referral, dispatch_uid="monitoring-deleted-Referral")
    for model in (ClassificationResult, Membership):
        for signal in (post_save, post_delete):
            signal.connect(
                _queue_household, sender=model, dispatch_uid=f"monitoring-hh-{model.__name__}"
            )
    post_save.connect(
        _queue_households_of_person, sender=Person, dispatch_uid="monitoring-hh-Person"
    )
