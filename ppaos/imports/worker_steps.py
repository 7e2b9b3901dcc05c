"""A step of every Celery worker's consumer: each time the worker connects to the broker — at
start, and again after the broker was away — it queues the import jobs still waiting in
PostgreSQL (services.requeue_waiting_jobs). With the job rows as the outbox, an upload made
while Redis was down starts as soon as Redis and a worker are back. It also has the importers
repair what a worker that died part-way left half-done (services.repair_interrupted_writes)."""

import logging
import threading

from celery import bootsteps

logger = logging.getLogger(__name__)


class RequeueWaitingImports(bootsteps.StartStopStep):
    requires = ("celery.worker.consumer.tasks:Tasks",)

    def start(self, consumer):
        # Off the consumer's thread: a slow database must not hold up the connection.
        threading.Thread(target=self._requeue, name="requeue-imports", daemon=True).start()

    @staticmethod
    def _requeue():
        from django.db import connection

        from .services import repair_interrupted_writes, requeue_waiting_jobs

        try:
            handed = requeue_waiting_jobs()
            if handed:
                logger.info("queued %s waiting import job(s) again", handed)
        except Exception:
            logger.warning("could not queue the waiting import jobs again", exc_info=True)
        try:
            repair_interrupted_writes()
        except Exception:
            logger.warning("could not repair interrupted import writes", exc_info=True)
        finally:
            connection.close()
