#!/usr/bin/env bash
# make bench: the benchmark on PostgreSQL. Uses DATABASE_URL when it is set (it must allow
# CREATE DATABASE: one database per size is created, bench_<size>); otherwise starts a
# throwaway PostgreSQL on loopback the way .ci/run does, and stops it at the end.
# Arguments go to bench/run.py: --quick, --sizes small,medium, --no-cache, ...
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing wrk (Debian package) for the throughput test..."
  (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 \
    || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1)) \
    || echo "wrk unavailable: the throughput test uses its Python load generator."
fi

# Redis for the cached answers, as in production (shared by the throughput test's workers),
# when Debian's redis-server is installed and REDIS_URL is not set; else local memory.
cleanup=()
trap 'for step in "${cleanup[@]}"; do $step; done' EXIT
if [ -z "${REDIS_URL:-}" ] && command -v redis-server >/dev/null 2>&1; then
  source .ci/redis.sh
  start_redis
  cleanup+=(stop_redis)
fi

if [ -z "${DATABASE_URL:-}" ]; then
  source .ci/postgres.sh
  start_postgres
  cleanup+=(stop_postgres)
  export DATABASE_URL="$PG_URL"
fi

.venv/bin/python bench/run.py "$@"
