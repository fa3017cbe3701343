#!/usr/bin/env bash
# Load test: gunicorn on 127.0.0.1 and locust, N logged-in users for S seconds.
#   DATABASE_URL=postgres://…/partyplans_national bench/loadtest.sh [users] [seconds]
#       20 planners of a synthetic province browsing (bench/locustfile.py; national dataset)
#   LOAD_MODE=writes DATABASE_URL=sqlite:////tmp/demo.sqlite3 bench/loadtest.sh 12 60
#       the demo: 12 planners saving member counts while reading (bench/locust_writes.py)
#   LOAD_MODE=other-province DATABASE_URL=… bench/loadtest.sh 13 60
#       12 readers of Lâm Đồng + one save every 2 s in Ninh Thuận (bench/locust_writes.py)
# Prints locust's table (p50/p95 per page, failures), the CPU seconds of gunicorn, PostgreSQL
# and locust (bench/cpu_use.py), the percentiles of the steady state after the logins
# (bench/load_summary.py), and the load average before and after.
# Everything the run writes (pid file, logs, the file cache) goes to a private temporary
# folder, removed at the end; the load starts once gunicorn answers (workers preloaded).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to the database holding the dataset (national, or the demo for the write modes)}"
USERS=${1:-20}
SECONDS_=${2:-60}
PORT=${LOAD_PORT:-8100}
WORKERS=${LOAD_WORKERS:-4}
MODE=${LOAD_MODE:-read}

RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/partyplans-load.XXXXXX")
cleanup() {
  if [[ -f "$RUN_DIR/gunicorn.pid" ]]; then
    kill "$(cat "$RUN_DIR/gunicorn.pid")" 2>/dev/null || true
    sleep 1
  fi
  rm -rf "$RUN_DIR"
}
trap cleanup EXIT
export DJANGO_CACHE_DIR=${DJANGO_CACHE_DIR:-$RUN_DIR/cache}

if [[ $MODE == read ]]; then
  LOCUSTFILE=bench/locustfile.py
  .venv/bin/python manage.py shell -c "
from django.contrib.auth import get_user_model
from organizations.models import Membership, Organization, OrgForm, Role
province = Organization.objects.filter(form=OrgForm.PROVINCIAL, code__startswith='S').order_by('path').first()
user, _ = get_user_model().objects.get_or_create(username='load.planner')
user.set_password('load-test-2025'); user.save()
Membership.objects.update_or_create(user=user, organization=province, defaults={'role': Role.PLANNER})
print('load user: planner of', province.name)
"
else
  LOCUSTFILE=bench/locust_writes.py
  export LOAD_MODE=$MODE
fi
.venv/bin/python manage.py collectstatic --noinput -v0
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# Plain HTTP on loopback: development settings with DEBUG off (production ones demand HTTPS
# cookies), and database connections kept between requests as production keeps them (60 s;
# development opens one per request).
DJANGO_ENV=development DJANGO_DEBUG=false AXES_FAILURE_LIMIT=1000 DATABASE_CONN_MAX_AGE=${DATABASE_CONN_MAX_AGE:-60} \
  .venv/bin/gunicorn partyplans.wsgi -b "127.0.0.1:$PORT" -w "$WORKERS" --preload --access-logfile /dev/null \
  --error-logfile "$RUN_DIR/gunicorn.log" --pid "$RUN_DIR/gunicorn.pid" --daemon
# Ready when the login page answers (--preload: the app is loaded before the workers fork).
for _ in $(seq 1 120); do
  if curl -sf -o /dev/null "http://127.0.0.1:$PORT/login/"; then break; fi
  sleep 0.5
done
curl -sf -o /dev/null "http://127.0.0.1:$PORT/login/" || { echo "gunicorn did not start:"; cat "$RUN_DIR/gunicorn.log"; exit 1; }
.venv/bin/python bench/cpu_use.py snapshot > "$RUN_DIR/cpu-before"
STARTED=$(date +%s)
LOAD_LOG="$RUN_DIR/requests.csv" TIMEFORMAT="%U %S" \
  bash -c "time timeout $((SECONDS_ + 60)) .venv/bin/locust -f $LOCUSTFILE --headless -u $USERS -r 5 \
  -t ${SECONDS_}s --host http://127.0.0.1:$PORT --only-summary" > "$RUN_DIR/locust.out" 2>&1 || true
sed -n '/Type/,$p' "$RUN_DIR/locust.out" | head -n -1
LOCUST_CPU=$(tail -1 "$RUN_DIR/locust.out" | awk '{print $1 + $2}')
.venv/bin/python bench/cpu_use.py since "$RUN_DIR/cpu-before" $(($(date +%s) - STARTED)) "locust=$LOCUST_CPU"
# The same requests without the first seconds, when every user logs in at once.
.venv/bin/python bench/load_summary.py "$RUN_DIR/requests.csv"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
if grep -q "database is locked" "$RUN_DIR/gunicorn.log"; then
  echo "\"database is locked\" in the server log: $(grep -c "database is locked" "$RUN_DIR/gunicorn.log") times"
fi
