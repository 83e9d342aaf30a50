#!/usr/bin/env bash
# Load and fault test (reliability/loadfault.py) against gunicorn on PostgreSQL on loopback.
# Without DATABASE_URL it starts a throwaway PostgreSQL of its own, like .ci/run does, and
# stops it on exit. Options go to loadfault.py:
#   reliability/run.sh                    # CI: 20 s, 8 clients, PostgreSQL restart at 10 s
#   reliability/run.sh --duration 120     # by hand
# On a machine shared with others, PG_PORT=8120 RELIABILITY_PORTS=8121-8129 keep every server
# it starts (PostgreSQL, gunicorn, nginx, runserver) on those loopback ports.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DATABASE_URL:-}" ]; then
  source .ci/postgres.sh
  trap stop_postgres EXIT
  start_postgres
  export DATABASE_URL="$PG_URL"
fi
.venv/bin/python reliability/loadfault.py "$@"
