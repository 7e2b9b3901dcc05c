"""What every record made by a Celery task (a printed plan, a monitoring report) shares: when its
worker counts as gone, and how many times it is tried.

A task is delivered again when its worker dies (acks_late, reject_on_worker_lost), but then the
record still says "running" with a fresh time. The record is taken over only once its worker has
been quiet for STALLED_AFTER (a live worker saves its progress more often than that), and after
MAX_ATTEMPTS takings it has failed, so a record that kills its worker cannot loop for ever.
"""

import datetime as dt

from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone

STALLED_AFTER = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 3


def is_stalled(in_progress: bool, updated_at) -> bool:
    """Waiting or running, and not moved for STALLED_AFTER: its worker is gone."""
    return bool(in_progress and updated_at < timezone.now() - STALLED_AFTER)


def claimable_q(*, waiting: str, running: str) -> Q:
    """Waiting, or running in a worker that has gone quiet for STALLED_AFTER (by the database's
    clock, which also stamps the record's progress: no two hosts' clocks are compared)."""
    return Q(status=waiting) | Q(status=running, updated_at__lt=Now() - STALLED_AFTER)
