"""The load scenario (benchmarks/load/locustfile.py) keeps working: a bounded run — a few users
for a few seconds against gunicorn and a worker on the test database — with no failed request.
The figures themselves come from benchmarks/load/run.py (README "Benchmarks"), never from here."""

import json
import uuid

import pytest
from django.conf import settings
from django.core.management import call_command

from benchmarks.load import runner
from benchmarks.load.prepare import open_sessions, prepare
from tests import worker as worker_helpers
from tests.imports.files import good_row, write_csv

pytestmark = [pytest.mark.load, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_short_run_of_the_scenario_has_no_failures(tmp_path, official_areas, survey_instrument):
    call_command("seed_demo", "--households", "20")
    data = tmp_path / "data.json"
    made = prepare(drafts=3, submitted=10, referrals=10)
    data.write_text(json.dumps({**made, "sessions": open_sessions(6)}))
    import_file = write_csv(tmp_path / "registry.csv", [good_row(n) for n in range(1, 101)])
    queue = f"ppaos-test-load-{uuid.uuid4().hex[:8]}"
    env = runner.serve_env(
        database_url=worker_helpers.test_database_url(),
        media_root=str(settings.MEDIA_ROOT),
        queue=queue,
        settings="ppaos.settings.test",
        secret_key=settings.SECRET_KEY,  # the sessions opened here are signed with it
    )
    logs = tmp_path / "logs"
    port = runner.free_port()
    web = runner.start_gunicorn(env, port, 2, logs / "gunicorn.log")
    worker = runner.start_worker(env, queue, logs / "worker.log")
    try:
        figures = runner.run_locust(
            host=f"http://127.0.0.1:{port}",
            users=6,
            seconds=10,
            prefix=tmp_path / "short",
            data=data,
            import_file=import_file,
        )
    finally:
        runner.stop(worker)
        runner.stop(web)
    total = figures["Aggregated"]
    assert total["requests"] > 20, figures["_log"]
    assert total["failures"] == 0, figures["_failures_text"]
    assert figures["_exceptions"] == 0, figures.get("_exceptions_text")
    assert figures["login"]["requests"] == 1 and figures["import upload"]["requests"] >= 1
