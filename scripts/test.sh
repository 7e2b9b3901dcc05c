#!/usr/bin/env bash
# Install everything and run the whole suite: ruff, djLint, makemigrations --check, pytest with
# the database, Redis, a real Celery worker and the browser journeys. Exits non-zero on failure.
set -euo pipefail
PPAOS_EXTRAS=dev source "$(dirname "$0")/setup.sh"

say "ruff (lint and format)"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
say "djLint (templates)"
.venv/bin/djlint templates --lint --quiet
say "makemigrations --check"
"$PY" manage.py makemigrations --check --dry-run
say "pytest (unit, database, worker and browser tests), one process per core"
mkdir -p test-results
# pytest-xdist: each process has its own test database (test_ppaos_gw0, ...), Celery queues,
# session worker and cache prefix (ppaos/settings/test.py), so they share nothing but the servers.
# worksteal: an idle process takes queued tests from the busy one (the slow browser and worker
# tests otherwise leave one process running alone for minutes at the end).
"$PY" -m pytest -n auto --dist worksteal --junitxml=test-results/junit.xml "$@"
say "Screenshots of the browser journeys: test-results/screenshots/"
