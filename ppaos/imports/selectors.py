"""Reads of import jobs. Import jobs belong to no area: admins (RUN_IMPORTS everywhere) see every
job; a user who may run some other kind of import (field staff importing surveys, whose rows are
checked against their own areas) sees only the jobs they uploaded themselves, of the kinds they
may still run; anyone else sees none."""

from datetime import timedelta

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from ppaos.accounts.policy import WHOLE_COUNTRY, Action, area_prefixes_for

from .locks import JOB_LOCK_NAMESPACE
from .models import ImportJob, ImportStatus


def import_jobs_visible_to(user) -> QuerySet[ImportJob]:
    """Every job for an admin; their own jobs of the kinds they may run for other users; an empty
    queryset for everyone else (deny by default)."""
    from .importers import importers_for_user

    jobs = ImportJob.objects.select_related("created_by")
    if WHOLE_COUNTRY in area_prefixes_for(user, Action.RUN_IMPORTS):
        return jobs
    kinds = [importer.kind for importer in importers_for_user(user)]
    if not kinds or not getattr(user, "pk", None):
        return jobs.none()
    return jobs.filter(created_by=user, kind__in=kinds)


def import_action_for(user) -> Action:
    """The action behind the import pages for this user: RUN_IMPORTS for admins, else the action
    of the first kind of import they may run (a role without any answers 403 on it)."""
    from .importers import importers_for_user

    importers = importers_for_user(user)
    if not importers or any(i.action == Action.RUN_IMPORTS for i in importers):
        return Action.RUN_IMPORTS
    return Action(importers[0].action)


def import_job_is_running(job: ImportJob) -> bool:
    """Whether a worker holds the job's advisory lock right now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND classid = %s::oid AND objid = %s::oid AND objsubid = 2 "
            # Advisory locks are cluster-wide: a job of the same id in another database (a
            # staging copy, the test databases) is not this one.
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [JOB_LOCK_NAMESPACE, job.pk],
        )
        return cursor.fetchone()[0] > 0


# A queued job nobody has started for this long has most likely lost its task (the broker was
# restarted or flushed). Running it again is harmless even if the task turns up later: the worker
# takes the job's lock and skips a job that has already finished.
QUEUED_TOO_LONG = timedelta(minutes=30)


def import_job_is_stalled(job: ImportJob) -> bool:
    """A job a worker started (validating/importing) that no worker holds — its worker died —
    or a job still queued long after it was uploaded, its task lost."""
    if job.status in (ImportStatus.VALIDATING, ImportStatus.IMPORTING):
        return not import_job_is_running(job)
    if job.status == ImportStatus.QUEUED:
        waited = timezone.now() - job.created_at
        return waited > QUEUED_TOO_LONG and not import_job_is_running(job)
    return False


def progress_percent(job: ImportJob) -> int:
    if job.status in (ImportStatus.SUCCEEDED, ImportStatus.PARTLY_SUCCEEDED, ImportStatus.FAILED):
        return 100
    if not job.rows_total:
        return 0
    return min(99, int(100 * job.rows_done / job.rows_total))


def _thai(language: str | None) -> bool:
    return (language or "th").startswith("th")


def job_error_message(job: ImportJob, language: str | None) -> str:
    """The whole-file failure in the reader's language (Thai unless English is chosen)."""
    if _thai(language):
        return job.error_message_th or job.error_message
    return job.error_message or job.error_message_th


def job_error_groups(job: ImportJob, language: str | None) -> list[dict]:
    """Row errors grouped by type and column, with counts, sample values and a message."""
    thai = _thai(language)
    return [
        {**group, "message": group["message_th"] if thai else group["message_en"]}
        for group in job.error_summary
    ]


def jobs_with_files_finished_before(before):
    """Finished jobs, finished before `before`, that still hold their upload or error report."""
    from django.db.models import Q

    from .services import FINISHED_STATUSES

    return ImportJob.objects.filter(status__in=FINISHED_STATUSES, finished_at__lt=before).exclude(
        Q(file="") & Q(error_report="")
    )
