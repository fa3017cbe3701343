#!/usr/bin/env bash
# Load test: gunicorn on 127.0.0.1 with the national data, 20 logged-in users for 60 s.
#   DATABASE_URL=postgres://…/partyplans_national bench/loadtest.sh [users] [seconds]
# Prints locust's table (p50/p95 per page, failures). Needs the national dataset.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to the database holding the national dataset}"
USERS=${1:-20}
SECONDS_=${2:-60}
PORT=${LOAD_PORT:-8100}
WORKERS=${LOAD_WORKERS:-4}

.venv/bin/python manage.py shell -c "
from django.contrib.auth import get_user_model
from organizations.models import Membership, Organization, OrgForm, Role
province = Organization.objects.filter(form=OrgForm.PROVINCIAL, code__startswith='S').order_by('path').first()
user, _ = get_user_model().objects.get_or_create(username='load.planner')
user.set_password('load-test-2025'); user.save()
Membership.objects.update_or_create(user=user, organization=province, defaults={'role': Role.PLANNER})
print('load user: planner of', province.name)
"
.venv/bin/python manage.py collectstatic --noinput -v0
# Plain HTTP on loopback: development settings with DEBUG off (production ones demand HTTPS cookies).
DJANGO_ENV=development DJANGO_DEBUG=false AXES_FAILURE_LIMIT=1000 \
  .venv/bin/gunicorn partyplans.wsgi -b 127.0.0.1:$PORT -w "$WORKERS" --access-logfile /dev/null \
  --pid /tmp/partyplans-load.pid --daemon
trap 'kill "$(cat /tmp/partyplans-load.pid)" 2>/dev/null || true' EXIT
sleep 3
timeout $((SECONDS_ + 60)) .venv/bin/locust -f bench/locustfile.py --headless -u "$USERS" -r 5 -t "${SECONDS_}s" \
  --host "http://127.0.0.1:$PORT" --only-summary 2>&1 | sed -n '/Type/,$p'
