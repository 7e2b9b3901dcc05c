#!/usr/bin/env bash
# Install everything and run PPAOS: migrated, with the demo province, web server and Celery worker.
# Served as users get it: production settings, DEBUG off, static files from collectstatic
# (whitenoise), gunicorn on 127.0.0.1 (scripts/serve_env.sh).
# Usage: bash scripts/run.sh            (PORT=8000 BIND=127.0.0.1:8000 HOUSEHOLDS=500 SEED=1)
set -euo pipefail
source "$(dirname "$0")/setup.sh"

PORT="${PORT:-8000}"
SEED="${SEED:-1}"
HOUSEHOLDS="${HOUSEHOLDS:-500}"
mkdir -p var/log
source scripts/serve_env.sh

say "Migrating the database (loads all 77 provinces, 928 districts, 7,436 subdistricts)"
"$PY" manage.py migrate --noinput -v0
say "Collecting static files"
"$PY" manage.py collectstatic --noinput -v0
say "Building the demo province Mukdahan (seed $SEED)"
if "$PY" manage.py seed_demo --help | grep -q -- "--households"; then
    "$PY" manage.py seed_demo --seed "$SEED" --households "$HOUSEHOLDS"
else
    "$PY" manage.py seed_demo --seed "$SEED"
fi

say "Computing the dashboard's roll-ups"
"$PY" manage.py rebuild_rollups

# One worker for every queue here (the default, roll-ups, reports); a province puts the roll-up and
# report workers on other hosts instead (README § Scaling out, docker-compose.yml).
QUEUES="${CELERY_TASK_DEFAULT_QUEUE:-ppaos},${CELERY_ROLLUPS_QUEUE:-rollups},${CELERY_REPORTS_QUEUE:-reports}"
say "Starting the Celery worker (with beat) on queues $QUEUES — log: var/log/celery.log"
.venv/bin/celery -A ppaos worker --beat --loglevel INFO --concurrency 2 --queues "$QUEUES" \
    --schedule var/celerybeat-schedule >var/log/celery.log 2>&1 &
worker_pid=$!
trap 'kill $worker_pid 2>/dev/null || true' EXIT INT TERM

cat <<TXT

  PPAOS is running at  http://$BIND/
  API docs:            http://$BIND/api/v1/docs/
  Django admin:        http://$BIND/admin/

  Demo logins (password for every one: ppaos-demo)
    facilitator   facilitator, subdistrict 490101 มุกดาหาร
    manager       area manager, district 4901 เมืองมุกดาหาร
    officer       provincial officer, province 49 มุกดาหาร
    agency        agency staff, พมจ.มุกดาหาร
    executive     executive (governor's office), province 49
    admin         administrator (also Django admin)

  Stop with Ctrl+C.
TXT

say "Starting the web server (gunicorn) on $BIND, DEBUG off"
.venv/bin/gunicorn ppaos.wsgi:application --bind "$BIND" --workers 2 --timeout 120 \
    --config python:ppaos.gunicorn_conf --access-logfile var/log/access.log
