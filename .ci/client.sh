#!/usr/bin/env bash
# Typed clients generated from the live OpenAPI schema, each taken on a short tour of the API
# against a live server: a Python client (openapi-python-client, failing on any generator
# warning; .ci/client_tour.py: rounds with cursor paging, one round, its agenda changes, the
# matrix, deadlines as of a day, all anonymous, then an agenda item by alias label and a PATCH
# with If-Match, with a token), TypeScript types and a client (openapi-typescript and
# openapi-fetch; .ci/typescript/tour.ts, compiled with tsc --strict: a list with a filter
# followed by its Link header, a round's agenda changes, deadlines as known on a day, a typed
# 400, the calendar as text), and models by datamodel-code-generator, none numbered.
#
#   .ci/client.sh                        # a throwaway SQLite database with the seed data
#   CLIENT_OUT=/tmp/client .ci/client.sh # keep the generated package there
set -euo pipefail
cd "$(dirname "$0")/.."

PY=$PWD/.venv/bin/python
WORK=$(mktemp -d /tmp/tracker-client.XXXXXX)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# The generator formats its output with ruff (a dev dependency, in .venv/bin).
export PATH="$PWD/.venv/bin:$PATH"
export DATABASE_URL="sqlite:///$WORK/db.sqlite3"
export DEBUG=0 SECRET_KEY=client-tour-only ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_HSTS_SECONDS=0
export THROTTLE_ANON=off THROTTLE_USER=off LOG_LEVEL=WARNING STATIC_ROOT="$WORK/static"

$PY manage.py migrate --noinput >/dev/null
$PY manage.py loaddata korea_us_2025 >/dev/null
TOKEN=$($PY manage.py shell -v 0 -c '
from django.contrib.auth.models import Permission, User
from negotiations.api.tokens import issue_token
user = User.objects.create_user("client-tour-editor")
user.user_permissions.set(Permission.objects.filter(content_type__app_label="negotiations"))
print(issue_token(user)[1])
' | tail -n 1)

# PORT: the server's port (default: a free one).
PORT=${PORT:-$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
BASE="http://127.0.0.1:$PORT"
.venv/bin/gunicorn tracker.wsgi:application --bind "127.0.0.1:$PORT" --workers 1 \
  >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  if curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then cat "$WORK/server.log"; exit 1; fi
  sleep 0.2
done

OUT=${CLIENT_OUT:-$WORK/client}
rm -rf "$OUT"
mkdir -p "$(dirname "$OUT")"
curl -fsS "$BASE/api/v1/schema/?format=json" -o "$WORK/schema.json"
# --fail-on-warning: a schema construct the generator skips or guesses at fails CI.
.venv/bin/openapi-python-client generate --path "$WORK/schema.json" --meta none \
  --config .ci/openapi-python-client.yaml --output-path "$OUT/tracker_client" \
  --fail-on-warning 2>&1 | tee "$WORK/generate.log"
if grep -qi "warning" "$WORK/generate.log"; then
  echo "openapi-python-client printed warnings" >&2
  exit 1
fi
echo "Generated: $(find "$OUT/tracker_client/models" -name '*.py' ! -name '__init__.py' | wc -l) models," \
  "$(find "$OUT/tracker_client/api" -name '*.py' ! -name '__init__.py' | wc -l) operations"

# TypeScript, as a dashboard would: types from the live schema (openapi-typescript), a client
# (openapi-fetch), a tour compiled with `tsc --noEmit --strict` (no media-type hint, no
# narrowing), then run. Exact versions from .ci/typescript/package-lock.json.
TS=.ci/typescript
npm ci --prefix "$TS" --no-audit --no-fund --loglevel=error
mkdir -p "$TS/generated"
"$TS/node_modules/.bin/openapi-typescript" "$WORK/schema.json" -o "$TS/generated/schema.d.ts"
"$TS/node_modules/.bin/tsc" --noEmit --strict -p "$TS"
node "$TS/transpile.mjs"
node "$TS/build/tour.mjs" "$BASE"

# Models with datamodel-code-generator, with the options that made it number class names
# (Notes1 to Notes23 from `anyOf` texts, Citation1 beside Citation): none may be numbered.
.venv/bin/datamodel-codegen --input "$WORK/schema.json" --input-file-type openapi \
  --output "$WORK/models.py" --output-model-type pydantic_v2.BaseModel --field-constraints \
  2>"$WORK/datamodel.log" || { cat "$WORK/datamodel.log"; exit 1; }
numbered=$(grep -oE '^class [A-Za-z_]+[0-9]+\b' "$WORK/models.py" || true)
echo "datamodel-code-generator: $(grep -c '^class ' "$WORK/models.py") classes, none numbered"
if [ -n "$numbered" ]; then
  echo "Numbered class names: $numbered" >&2
  exit 1
fi

PYTHONPATH="$OUT" $PY .ci/client_tour.py "$BASE" "$TOKEN"
