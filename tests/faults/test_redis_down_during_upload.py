"""Redis (the broker) stopped when an admin uploads an import (a private redis-server: the
machine's shared one is never touched). The upload is kept — the job row is the outbox, queued
in PostgreSQL — and the job starts by itself once the broker is back, when the worker
reconnects (ppaos/imports/worker_steps.py)."""

import os
import time

import pytest
import requests
from django.conf import settings

from households.models import WelfareRegistrant
from ppaos.imports.models import ImportJob, ImportStatus
from tests import worker as worker_helpers
from tests.faults.processes import (
    Gunicorn,
    PrivateRedis,
    Worker,
    api_token_for,
    service_env,
)
from tests.imports.files import good_row, write_xlsx

pytestmark = [pytest.mark.faults, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_an_upload_while_redis_is_down_is_kept_and_runs_when_it_is_back(admin_user, tmp_path):
    token = api_token_for(admin_user)
    redis = PrivateRedis().start()
    env = service_env(database_url=worker_helpers.test_database_url(), broker_url=redis.url)
    web = Gunicorn(env, "redis-web").start()
    worker = Worker(env, "redis-worker").start()
    try:
        redis.stop()
        path = write_xlsx(tmp_path / "registry.xlsx", [good_row(n) for n in range(1, 201)])
        with open(path, "rb") as upload:
            made = requests.post(
                f"{web.base}/api/v1/imports/jobs/",
                headers={"Authorization": f"Token {token}"},
                files={"file": ("registry.xlsx", upload)},
                timeout=60,
            )
        assert made.status_code == 202, made.text  # not a 500: the upload is kept
        job = ImportJob.objects.get(public_id=made.json()["id"])
        assert job.status == ImportStatus.QUEUED
        assert os.path.isfile(os.path.join(settings.MEDIA_ROOT, job.file.name))
        time.sleep(1)
        job.refresh_from_db()
        assert job.status == ImportStatus.QUEUED  # nothing can run it while the broker is away

        redis = PrivateRedis(port=redis.port).start()  # back, on the same address
        deadline = time.monotonic() + 60
        while job.status not in (ImportStatus.SUCCEEDED, ImportStatus.FAILED):
            assert time.monotonic() < deadline, (job.status, worker.log_text()[-3000:])
            time.sleep(0.2)
            job.refresh_from_db()
        assert (job.status, job.created_count) == (ImportStatus.SUCCEEDED, 200)
        assert WelfareRegistrant.objects.count() == 200
        assert "queued 1 waiting import job(s) again" in worker.log_text()
    finally:
        worker.stop()
        web.stop()
        redis.stop()
