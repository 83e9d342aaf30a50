# Source this file: start_redis installs Debian's redis-server if missing and starts a
# throwaway Redis on a free loopback port (no persistence, data in a temporary folder);
# stop_redis ends it. Exports REDIS_URL and REDIS_PORT.

start_redis() {
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "Installing Redis (Debian package redis-server)..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends redis-server >/dev/null
  fi
  REDIS_DIR=$(mktemp -d /tmp/tracker-redis.XXXXXX)
  REDIS_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$REDIS_DIR" --save '' \
    --appendonly no --daemonize yes --pidfile "$REDIS_DIR/redis.pid" \
    --logfile "$REDIS_DIR/redis.log" --maxmemory 256mb --maxmemory-policy allkeys-lru
  for _ in $(seq 50); do
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
  export REDIS_URL REDIS_PORT REDIS_DIR
  echo "Redis $(redis-server --version | awk '{print $3}') running on 127.0.0.1:$REDIS_PORT"
}

stop_redis() {
  if [ -n "${REDIS_DIR:-}" ] && [ -f "$REDIS_DIR/redis.pid" ]; then
    kill "$(cat "$REDIS_DIR/redis.pid")" 2>/dev/null || true
    sleep 0.2
    rm -rf "$REDIS_DIR"
  fi
}
