#!/usr/bin/env bash
# Container entrypoint. The first argument picks the role:
#   web          gunicorn serving saasync.wsgi (runs migrations first unless MIGRATE=0)
#   worker       Celery worker on the webhooks, sync and maintenance queues (CELERY_QUEUES narrows it)
#   beat         Celery beat; run exactly one per deployment
#   healthcheck  used by the image's HEALTHCHECK; checks whichever role this container runs
#   anything else is executed as given (e.g. `python manage.py createsuperuser`)
# Every role except healthcheck first waits up to DB_WAIT_SECONDS (default 60; 0 skips) for the database.
set -euo pipefail

ROLE_FILE=/tmp/saasync-role
role="${1:-web}"

log() {
    printf '%s entrypoint: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2
}

wait_for_database() {
    python - <<'PY'
import os
import sys
import time

import django

django.setup()
from django.db import connection
from django.db.utils import OperationalError

limit = float(os.environ.get("DB_WAIT_SECONDS", "60"))
deadline = time.monotonic() + limit
while True:
    try:
        connection.ensure_connection()
        break
    except OperationalError as exc:
        if time.monotonic() >= deadline:
            # The driver's message names host, port and user, never the password.
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            sys.exit(f"entrypoint: database still unreachable after {limit:.0f}s: {first_line}")
        time.sleep(1)
connection.close()
PY
}

run_migrations() {
    # Several web replicas may start together; on PostgreSQL an advisory lock lets exactly one migrate at a time
    # and the others then find nothing left to do.
    python - <<'PY'
import django

django.setup()
from django.core.management import call_command
from django.db import connection

MIGRATION_LOCK_ID = 5_301_770_001
if connection.vendor == "postgresql":
    # A session lock: it is released when this process exits, whether migrate succeeded or not.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK_ID])
call_command("migrate", interactive=False, verbosity=1)
PY
}

healthcheck() {
    local running
    running="$(cat "$ROLE_FILE" 2>/dev/null || echo other)"
    case "$running" in
        web)
            # Any answer below 500 proves gunicorn and Django are serving. The Host header must be one Django
            # accepts and X-Forwarded-Proto avoids the HTTPS redirect that production settings enable.
            python - <<'PY'
import http.client
import os
import sys
from pathlib import Path

hosts = os.environ.get("ALLOWED_HOSTS", "")
if not hosts and os.environ.get("ALLOWED_HOSTS_FILE"):
    hosts = Path(os.environ["ALLOWED_HOSTS_FILE"]).read_text()
first = next((h.strip() for h in hosts.split(",") if h.strip()), "localhost")
host = "localhost" if first == "*" else first.lstrip(".")
conn = http.client.HTTPConnection("127.0.0.1", int(os.environ.get("PORT", "8000")), timeout=10)
try:
    conn.request("GET", "/", headers={"Host": host, "X-Forwarded-Proto": "https"})
    status = conn.getresponse().status
except OSError as exc:
    sys.exit(f"web not answering: {exc}")
sys.exit(0 if status < 500 else f"web answered HTTP {status}")
PY
            ;;
        worker)
            celery -A saasync inspect ping --destination "celery@${HOSTNAME}" --timeout 10 >/dev/null
            ;;
        beat)
            # Beat rewrites its schedule file after sending due tasks (every minute), at most ~3 minutes apart.
            local newest age
            newest="$(find "${SAASYNC_VAR_DIR:-/var/lib/saasync}" -maxdepth 1 -name 'celerybeat-schedule*' \
                -printf '%T@\n' 2>/dev/null | sort -n | tail -n 1)"
            if [[ -z "$newest" ]]; then
                echo "beat has not written its schedule file yet" >&2
                return 1
            fi
            age=$(($(date +%s) - ${newest%.*}))
            if ((age > ${BEAT_MAX_SILENCE_SECONDS:-600})); then
                echo "beat schedule file untouched for ${age}s" >&2
                return 1
            fi
            ;;
        *)
            # A one-off command has nothing long-running to check.
            return 0
            ;;
    esac
}

if [[ "$role" == "healthcheck" ]]; then
    healthcheck
    exit $?
fi

case "$role" in
    web | worker | beat) echo "$role" >"$ROLE_FILE" ;;
    *) echo other >"$ROLE_FILE" ;;
esac

if [[ "${DB_WAIT_SECONDS:-60}" != "0" ]]; then
    log "waiting for the database"
    wait_for_database
fi

# Only web migrates by default: it is the role that always exists, and it must not serve an older schema.
migrate_default=0
[[ "$role" == "web" ]] && migrate_default=1
if [[ "${MIGRATE:-$migrate_default}" == "1" ]]; then
    log "applying migrations"
    run_migrations
fi

log_level="${LOG_LEVEL:-INFO}"
case "$role" in
    web)
        # The access log leaves out query strings and referrers: they can carry tokens, which must not reach logs.
        exec gunicorn saasync.wsgi:application \
            --bind "0.0.0.0:${PORT:-8000}" \
            --workers "${WEB_CONCURRENCY:-3}" \
            --timeout "${GUNICORN_TIMEOUT:-60}" \
            --graceful-timeout 30 \
            --keep-alive 5 \
            --max-requests 1000 \
            --max-requests-jitter 100 \
            --worker-tmp-dir /dev/shm \
            --no-control-socket \
            --access-logfile - \
            --access-logformat '%(h)s %({x-forwarded-for}i)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms' \
            --error-logfile - \
            --log-level "${log_level,,}"
        ;;
    worker)
        concurrency=()
        if [[ -n "${CELERY_CONCURRENCY:-}" ]]; then
            concurrency=(--concurrency "$CELERY_CONCURRENCY")
        fi
        exec celery -A saasync worker \
            -Q "${CELERY_QUEUES:-webhooks,sync,maintenance}" \
            --hostname "celery@%h" \
            --without-gossip \
            --loglevel "$log_level" \
            "${concurrency[@]}"
        ;;
    beat)
        # The schedule file lives in the writable var dir; the code directory belongs to root.
        exec celery -A saasync beat \
            --schedule "${SAASYNC_VAR_DIR:-/var/lib/saasync}/celerybeat-schedule" \
            --loglevel "$log_level"
        ;;
    *)
        exec "$@"
        ;;
esac
