# Source this file: start_postgres installs PostgreSQL if missing, initialises a throwaway
# cluster in a temporary folder and starts it on a free loopback port; stop_postgres ends it.
# Exports PG_URL (a DATABASE_URL), PG_PORT, PG_VERSION.
# start_pg_replica (after start_postgres): a streaming replica of it (pg_basebackup -R) on
# another free loopback port; exports PG_REPLICA_URL, PG_REPLICA_PORT, PG_REPLICA_DIR;
# stop_postgres ends it too.
# start_pgbouncer (after start_postgres): PgBouncer in transaction pooling mode in front of
# it on a third port; exports PGBOUNCER_URL, PGBOUNCER_PORT; stop_postgres ends it too.

# PostgreSQL 15 (what Debian 12's postgresql package installs, and the docker compose image)
# when present; PG_MAJOR picks another; otherwise the newest installed.
_pg_bindir() {
  local wanted="/usr/lib/postgresql/${PG_MAJOR:-15}/bin"
  if [ -x "$wanted/initdb" ]; then
    echo "$wanted"
  else
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
  fi
}

_as_postgres() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start_postgres() {
  if [ -z "$(_pg_bindir)" ] || [ ! -x "$(_pg_bindir)/initdb" ]; then
    echo "Installing PostgreSQL (Debian package postgresql)..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
  fi
  local bindir
  bindir=$(_pg_bindir)
  PG_VERSION=$("$bindir/postgres" --version | awk '{print $3}')
  if [ "${PG_VERSION%%.*}" != "${PG_MAJOR:-15}" ]; then
    echo "Note: PostgreSQL $PG_VERSION, not ${PG_MAJOR:-15} (this release's postgresql package)" >&2
  fi
  PG_DIR=$(mktemp -d /tmp/tracker-pg.XXXXXX)
  # PG_PORT, when set, picks the port (a machine shared with others); else a free one.
  PG_PORT=${PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
  if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; fi
  _as_postgres "$bindir/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 >/dev/null
  _as_postgres "$bindir/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
    -o "-h 127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null
  PG_BINDIR=$bindir
  PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/tracker"
  "$bindir/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres tracker
  export PG_URL PG_PORT PG_VERSION PG_DIR PG_BINDIR
  echo "PostgreSQL $PG_VERSION running on 127.0.0.1:$PG_PORT (data in $PG_DIR)"
}

start_pg_replica() {
  PG_REPLICA_DIR=$(mktemp -d /tmp/tracker-pg-replica.XXXXXX)
  PG_REPLICA_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  if [ "$(id -u)" = 0 ]; then chown postgres "$PG_REPLICA_DIR"; fi
  # -R writes standby.signal and primary_conninfo: the copy starts as a hot standby that
  # streams the primary's WAL (initdb's pg_hba.conf lets loopback replicate with trust).
  _as_postgres "$PG_BINDIR/pg_basebackup" -h 127.0.0.1 -p "$PG_PORT" -U postgres \
    -D "$PG_REPLICA_DIR/data" -R -X stream -c fast
  _as_postgres "$PG_BINDIR/pg_ctl" -D "$PG_REPLICA_DIR/data" -l "$PG_REPLICA_DIR/server.log" -w \
    -o "-h 127.0.0.1 -p $PG_REPLICA_PORT -k $PG_REPLICA_DIR -c fsync=off -c hot_standby=on" \
    start >/dev/null
  PG_REPLICA_URL="postgres://postgres@127.0.0.1:$PG_REPLICA_PORT/tracker"
  export PG_REPLICA_URL PG_REPLICA_PORT PG_REPLICA_DIR
  echo "PostgreSQL replica streaming from $PG_PORT on 127.0.0.1:$PG_REPLICA_PORT"
}

start_pgbouncer() {
  if ! command -v pgbouncer >/dev/null 2>&1 && [ ! -x /usr/sbin/pgbouncer ]; then
    echo "Installing PgBouncer (Debian package pgbouncer)..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends pgbouncer >/dev/null 2>&1 \
      || (apt-get update -qq && apt-get install -y -qq --no-install-recommends pgbouncer >/dev/null)
  fi
  PGBOUNCER_DIR=$(mktemp -d /tmp/tracker-pgbouncer.XXXXXX)
  PGBOUNCER_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  # Transaction pooling, as in front of a fleet of web containers: a server connection is
  # a client's only for the length of one transaction. Four server connections per database,
  # lent in turn (round robin), so that consecutive transactions of one client land on
  # different sessions: anything kept in a session between transactions shows up.
  cat >"$PGBOUNCER_DIR/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=$PG_PORT
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGBOUNCER_PORT
unix_socket_dir =
auth_type = trust
auth_file = $PGBOUNCER_DIR/userlist.txt
admin_users = postgres
pool_mode = transaction
default_pool_size = 4
min_pool_size = 4
server_round_robin = 1
max_client_conn = 200
logfile = $PGBOUNCER_DIR/pgbouncer.log
pidfile = $PGBOUNCER_DIR/pgbouncer.pid
INI
  echo '"postgres" ""' >"$PGBOUNCER_DIR/userlist.txt"
  if [ "$(id -u)" = 0 ]; then chown -R postgres "$PGBOUNCER_DIR"; fi
  # PgBouncer refuses to run as root.
  _as_postgres "$(command -v pgbouncer || echo /usr/sbin/pgbouncer)" -d "$PGBOUNCER_DIR/pgbouncer.ini"
  for _ in $(seq 50); do
    if python3 -c "import socket; socket.create_connection(('127.0.0.1', $PGBOUNCER_PORT), 1)" 2>/dev/null; then
      break
    fi
    sleep 0.1
  done
  PGBOUNCER_URL="postgres://postgres@127.0.0.1:$PGBOUNCER_PORT/tracker"
  export PGBOUNCER_URL PGBOUNCER_PORT PGBOUNCER_DIR
  echo "PgBouncer $(pgbouncer --version 2>/dev/null | head -1 | awk '{print $2}') (transaction pooling) on 127.0.0.1:$PGBOUNCER_PORT in front of $PG_PORT"
}

stop_postgres() {
  if [ -n "${PGBOUNCER_DIR:-}" ] && [ -f "$PGBOUNCER_DIR/pgbouncer.pid" ]; then
    kill "$(cat "$PGBOUNCER_DIR/pgbouncer.pid")" 2>/dev/null || true
    rm -rf "$PGBOUNCER_DIR"
  fi
  if [ -n "${PG_REPLICA_DIR:-}" ] && [ -d "$PG_REPLICA_DIR/data" ]; then
    _as_postgres "$PG_BINDIR/pg_ctl" -D "$PG_REPLICA_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_REPLICA_DIR"
  fi
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
    _as_postgres "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
