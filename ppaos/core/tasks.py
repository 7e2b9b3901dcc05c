"""Tasks that check the plumbing: a worker, the broker and the database answer together."""

import os
import socket

from celery import shared_task

from ppaos.areas.selectors import count_areas_by_level


@shared_task(name="ppaos.core.ping")
def ping() -> dict:
    """Answer from a real worker with its host name and what it reads from the database."""
    return {
        "worker": socket.gethostname(),
        "pid": os.getpid(),
        "areas": count_areas_by_level(),
    }
