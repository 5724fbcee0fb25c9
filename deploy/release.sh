#!/usr/bin/env bash
# One release on one machine: install, migrate, collect static files, check, reload gunicorn.
# Run it as root from the checkout (/srv/cityinno) after `git pull`, with the production
# environment loaded:  set -a; . /etc/cityinno/cityinno.env; set +a; deploy/release.sh
# With several app servers, run the migration once (on one of them, MIGRATE=true, the default)
# and `MIGRATE=false deploy/release.sh` on the others: migrations are written to work with the
# previous release's code while it still runs.
set -euo pipefail
cd "$(dirname "$0")/.."

test -x .venv/bin/python || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet .
if [ "${MIGRATE:-true}" = true ]; then
  .venv/bin/python manage.py migrate --noinput
  .venv/bin/python manage.py ensure_roles
fi
.venv/bin/python manage.py collectstatic --noinput --verbosity 0
.venv/bin/python manage.py check --deploy --fail-level WARNING
systemctl reload cityinno
