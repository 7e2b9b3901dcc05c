"""The survey import through a real Celery worker (Redis broker, PostgreSQL): a good run with
bad rows, and a worker killed part-way through the write then run again, which must end as one
clean run would."""

import time
import uuid

import pytest

from households.models import Household, Membership, Person, Survey, SurveyStatus
from ppaos.imports import selectors, services
from ppaos.imports.models import ImportJob, ImportStatus
from tests.households.survey_import.files import household, write_template_xlsx
from tests.imports.files import bad_checksum
from tests.imports.helpers import upload
from tests.worker import start_worker, stop_worker

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("survey_instrument"),
]

FINISHED = (ImportStatus.SUCCEEDED, ImportStatus.PARTLY_SUCCEEDED, ImportStatus.FAILED)


def wait_for(job: ImportJob, *, timeout: float = 240) -> ImportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in FINISHED:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job still {job.status} after {timeout} s")


def create(user, path, *, dry_run=False):
    return services.create_import_job(
        actor=user, uploaded_file=upload(path), dry_run=dry_run, kind="surveys"
    )


def survey_rows(count: int, *, bad_every: int = 10):
    """`count` households; every `bad_every`-th has a head with a wrong checksum."""
    rows = [household(n) for n in range(1, count + 1)]
    for n, (_values, members) in enumerate(rows, 1):
        if n % bad_every == 0:
            members[0]["national_id"] = bad_checksum(members[0]["national_id"])
    return rows


def outcome(job):
    return (job.status, job.created_count, job.updated_count, job.unchanged_count,
            job.rejected_count)  # fmt: skip


def written():
    """What the import wrote, independent of ids."""
    return (
        Household.objects.count(),
        Person.objects.count(),
        Membership.objects.count(),
        Survey.objects.filter(status=SurveyStatus.SUBMITTED).count(),
        sorted(Person.objects.values_list("national_id", flat=True)),
    )


def test_the_worker_imports_good_households_and_rejects_bad_ones(
    celery_worker, facilitator, tmp_path
):
    path = write_template_xlsx(tmp_path / "w.xlsx", survey_rows(20))
    dry = wait_for(create(facilitator, path, dry_run=True))
    assert written()[0] == 0
    job = wait_for(create(facilitator, path))
    assert outcome(job) == (ImportStatus.PARTLY_SUCCEEDED, 18, 0, 0, 2)
    assert outcome(dry)[1:] == outcome(job)[1:]
    assert written()[:4] == (18, 54, 54, 18)
    assert job.error_report


def test_a_worker_killed_part_way_then_run_again_ends_as_one_clean_run(
    facilitator, tmp_path, settings
):
    queue = f"ppaos-test-survey-kill-{uuid.uuid4().hex[:8]}"
    settings.IMPORT_TASK_QUEUE = queue
    path = write_template_xlsx(tmp_path / "crash.xlsx", survey_rows(60))
    # Pages of 10 households with a pause between them: the write lasts long enough to be
    # killed part-way.
    slow = {"SURVEY_IMPORT_PAGE_HOUSEHOLDS": "10", "IMPORT_BATCH_PAUSE": "0.5"}
    worker = start_worker(name="survey-kill-1", queue=queue, env=slow)
    try:
        # The reference: what one clean run does, from a dry run on the empty database.
        clean = wait_for(create(facilitator, path, dry_run=True))
        job = create(facilitator, path)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status == ImportStatus.IMPORTING:
                break
            time.sleep(0.05)
        assert job.status == ImportStatus.IMPORTING
        time.sleep(1)  # part-way through writing the households
        job.refresh_from_db()
        assert job.status == ImportStatus.IMPORTING
    finally:
        stop_worker(worker, kill=True)  # SIGKILL
    assert written()[:4] == (0, 0, 0, 0)  # the write was one transaction: nothing is left

    deadline = time.monotonic() + 20
    while not selectors.import_job_is_stalled(job) and time.monotonic() < deadline:
        time.sleep(0.1)
    worker = start_worker(name="survey-kill-2", queue=queue)
    try:
        services.restart_stalled_import_job(actor=facilitator, job=job)
        job = wait_for(job)
        after_crash = written()
        again = wait_for(create(facilitator, path))
    finally:
        stop_worker(worker)
    assert outcome(job)[1:] == outcome(clean)[1:] == (54, 0, 0, 6)
    assert after_crash[:4] == (54, 162, 162, 54)
    assert len(set(after_crash[4])) == len(after_crash[4])  # nobody twice
    assert outcome(again)[1:] == (0, 0, 54, 6)
    assert written() == after_crash
