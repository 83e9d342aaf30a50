#!/usr/bin/env bash
# Schemathesis against the live OpenAPI schema of a production-like server (DEBUG=0, gunicorn)
# loaded with the seed data: every operation, read and write (with an editor's token), every
# check, positive and negative data, then stateful sequences. CSV and sparse answers are
# operations of their own (rounds.csv, sparse/rounds/), tested like the others.
# Exits non-zero on any failure.
#
#   DATABASE_URL=postgres://... .ci/schemathesis.sh   # .ci/run passes its PostgreSQL
#   .ci/schemathesis.sh                               # a throwaway SQLite file otherwise
#
# HEAD and the 405s of the writes a URL does not take are left out: HEAD is the GET (Django
# answers it with the GET's code, less the body), and a 405 comes before anything is read;
# pytest checks both for every operation (tests/api/test_contract.py).
# allow_header_conformance is left out: the schema also lists each write a URL does not take,
# as an operation answering 405 (tag `not-allowed`), so that every answer a client can get is
# documented and a validator finds it, while `Allow` lists only the methods the URL takes;
# pytest checks both (tests/api/test_contract.py: every documented 405 is one, `Allow` right).
#
# About 4 minutes on 2 cores: the coverage phase (boundary and type cases of every parameter
# and field, undeclared methods) is fixed by the schema; SCHEMATHESIS_MAX_EXAMPLES (default 5)
# bounds the random cases per operation of the fuzzing phase. SCHEMATHESIS_SEED makes a run
# reproducible; SCHEMATHESIS_ARGS adds options. Settings: .ci/schemathesis.toml.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
WORK=$(mktemp -d /tmp/tracker-schemathesis.XXXXXX)
SERVER_PID=""

cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

export DATABASE_URL="${DATABASE_URL:-sqlite:///$WORK/db.sqlite3}"
export DEBUG=0
export SECRET_KEY
SECRET_KEY=$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')
export ALLOWED_HOSTS=127.0.0.1,localhost
export SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_HSTS_SECONDS=0
export THROTTLE_ANON=off THROTTLE_USER=off
export LOG_LEVEL=WARNING
# Static files are collected into the throwaway folder rather than the work tree's
# staticfiles/ (which a test run or another server may be reading).
export STATIC_ROOT="$WORK/static"

echo "Database: ${DATABASE_URL%%:*} (migrate, seed data, editor token)"
$PY manage.py migrate --noinput >/dev/null
$PY manage.py loaddata korea_us_2025 >/dev/null
$PY manage.py collectstatic --noinput >/dev/null
TOKEN=$($PY manage.py shell -v 0 -c '
from django.contrib.auth.models import Permission, User
from negotiations.api.tokens import issue_token
user, _ = User.objects.get_or_create(username="schemathesis-editor", defaults={"is_staff": True})
user.user_permissions.set(Permission.objects.filter(content_type__app_label="negotiations"))
print(issue_token(user)[1])
' | tail -n 1)

# PORT: the server's port (default: a free one).
PORT=${PORT:-$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
BASE="http://127.0.0.1:$PORT"
.venv/bin/gunicorn tracker.wsgi:application --bind "127.0.0.1:$PORT" --workers 2 \
  --timeout 60 >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

for _ in $(seq 1 100); do
  if curl -fsS -o /dev/null "$BASE/healthz"; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then cat "$WORK/server.log"; exit 1; fi
  sleep 0.2
done
curl -fsS "$BASE/healthz" >/dev/null
echo "Server: gunicorn (2 workers, DEBUG=0) on $BASE"

# SQLite serialises writers: concurrent write transactions there end in "database is locked"
# (a 503), so on SQLite the requests are sent one at a time.
WORKERS=2
case "$DATABASE_URL" in sqlite*) WORKERS=1 ;; esac
export SCHEMATHESIS_HOOKS=schemathesis_hooks PYTHONPATH="$PWD/.ci${PYTHONPATH:+:$PYTHONPATH}"

status=0
# The live schema, read once: generating it takes each server process a few seconds the first
# time, past Schemathesis's wait for a schema.
curl -fsS --max-time 120 "$BASE/api/v1/schema/?format=json" -o "$WORK/schema.json"
.venv/bin/schemathesis --config-file .ci/schemathesis.toml run "$WORK/schema.json" \
  --url "$BASE" \
  --checks all \
  --exclude-checks allow_header_conformance \
  --exclude-operation-id-regex '_head$|_not_allowed$' \
  --mode all \
  --phases examples,coverage,fuzzing,stateful \
  --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-5}" \
  ${SCHEMATHESIS_SEED:+--seed "$SCHEMATHESIS_SEED"} \
  --workers "$WORKERS" \
  --request-timeout 20 \
  --generation-database none \
  --no-color \
  --header "Authorization: Token $TOKEN" \
  ${SCHEMATHESIS_ARGS:-} || status=$?

# The server's log holds a line per 4xx (expected by the thousand); show what matters.
ERRORS="Traceback|Database unavailable|Database refused|Write aborted"
if grep -qE "$ERRORS" "$WORK/server.log"; then
  echo "--- server errors and warnings (from its log)"
  grep -E -A30 "$ERRORS" "$WORK/server.log" | head -n 300
fi
exit "$status"
