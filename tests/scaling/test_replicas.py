"""Read replicas, for real: a gunicorn process with DATABASE_REPLICA_URLS against a
PostgreSQL primary and its streaming replica (.ci/run starts both: .ci/postgres.sh,
start_pg_replica). Reads go to the replica and writes to the primary; a client that wrote
reads its writes; a lagging replica is skipped; a stopped one costs no error.

Replay on the replica is paused to make it lag: what a read then shows tells which database
answered it. Skipped without PG_URL and PG_REPLICA_URL (a failure with REQUIRE_REPLICA=1)."""

import os
import secrets
import subprocess
import time
from urllib.parse import urlsplit

import pytest

from tests.scaling import live
from tracker import replicas

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")
MAX_LAG = 2  # DATABASE_REPLICA_MAX_LAG for the server under test


def as_postgres(*command: str):
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *command], check=True, capture_output=True)


class Cluster:
    def __init__(self, primary: str, replica: str):
        self.primary, self.replica = primary, replica

    def sql(self, url: str, statement: str):
        import psycopg

        with psycopg.connect(url, autocommit=True, connect_timeout=3) as connection:
            cursor = connection.execute(statement)
            return cursor.fetchall() if cursor.description else None

    def replay(self, paused: bool):
        self.sql(self.replica, f"select pg_wal_replay_{'pause' if paused else 'resume'}()")

    def caught_up(self) -> bool:
        version = "select version from negotiations_dataversion where id = 1"
        return self.sql(self.primary, version) == self.sql(self.replica, version)

    def wait_caught_up(self, seconds: float = 20):
        deadline = time.monotonic() + seconds
        while not self.caught_up():
            assert time.monotonic() < deadline, "the replica did not catch up"
            time.sleep(0.1)


@pytest.fixture(scope="module")
def replicated(tmp_path_factory):
    """A database on the primary (replicated), the seed data, a server reading the replica."""
    primary, replica = os.environ.get("PG_URL"), os.environ.get("PG_REPLICA_URL")
    if not (primary and replica):
        live.missing(
            "no PostgreSQL replica (PG_URL and PG_REPLICA_URL: .ci/postgres.sh start_pg_replica)",
            live.REPLICA_REQUIRED,
            "REQUIRE_REPLICA",
        )
    name = f"replicas_{secrets.token_hex(4)}"
    Cluster(primary, primary).sql(primary, f"create database {name}")
    cluster = Cluster(live.with_database(primary, name), live.with_database(replica, name))
    work = tmp_path_factory.mktemp("replicas")
    env = live.server_env(
        work,
        DATABASE_URL=cluster.primary,
        DATABASE_REPLICA_URLS=cluster.replica,
        DATABASE_REPLICA_MAX_LAG=str(MAX_LAG),
        READ_YOUR_WRITES_SECONDS="60",
    )
    token = live.prepare(env)
    cluster.wait_caught_up()
    server = live.Server(env, work, "replicas")
    yield server, token, cluster
    server.stop()
    cluster.replay(paused=False)


def new_source(server, token, title: str):
    answer = server.request(
        "POST", "/api/v1/sources/", {"title": title}, {"Authorization": f"Token {token}"}
    )
    assert answer.status == 201, answer.body
    cookie = answer.headers.get("set-cookie", "").split(";")[0]
    assert cookie.startswith("tracker_primary_until="), answer.headers
    return answer.json()["slug"], {"Cookie": cookie}


def test_reads_go_to_the_replica_writes_to_the_primary_and_a_writer_reads_its_writes(
    replicated,
):
    server, token, cluster = replicated
    cluster.wait_caught_up()
    cluster.replay(paused=True)
    try:
        # The write went to the primary (a replica refuses writes); the replica has not
        # replayed it, so a read that does not see it was answered by the replica.
        slug, own_cookie = new_source(server, token, "Written while the replica waits")
        path = f"/api/v1/sources/{slug}/"
        assert server.get(path).status == 404
        assert server.get("/api/v1/sources/?search=replica+waits").json()["count"] == 0

        # The client that wrote reads from the primary: its record, and the current ETag,
        # which its next write sends as If-Match without a 412.
        mine = server.get(path, own_cookie)
        assert mine.status == 200
        editor = {"Authorization": f"Token {token}", "If-Match": mine.headers["etag"]}
        edited = server.request(
            "PATCH", path, {"title": "Edited at once"}, {**editor, **own_cookie}
        )
        assert edited.status == 200, edited.body
        assert server.get(path, own_cookie).json()["title"] == "Edited at once"
    finally:
        cluster.replay(paused=False)
    cluster.wait_caught_up()
    assert server.get(path).json()["title"] == "Edited at once"


def test_a_lagging_replica_is_skipped(replicated):
    server, token, cluster = replicated
    cluster.wait_caught_up()
    cluster.replay(paused=True)
    try:
        slug, _ = new_source(server, token, "Written while the replica lags")
        assert server.get(f"/api/v1/sources/{slug}/").status == 404  # within the lag allowed
        time.sleep(MAX_LAG + 1.5)  # past DATABASE_REPLICA_MAX_LAG, and the next check
        answers = [server.get(f"/api/v1/sources/{slug}/") for _ in range(5)]
        assert [answer.status for answer in answers] == [200] * 5  # from the primary
    finally:
        cluster.replay(paused=False)


def test_a_replica_missing_writes_is_skipped_while_writes_keep_coming(replicated):
    server, token, cluster = replicated
    cluster.wait_caught_up()
    time.sleep(replicas.RETRY_FAILED_SECONDS + 0.5)  # a replica skipped before is back in use
    cluster.replay(paused=True)
    try:
        slug, _ = new_source(server, token, "First of steady writes")
        path = f"/api/v1/sources/{slug}/"
        started, statuses = time.monotonic(), []
        while time.monotonic() - started < MAX_LAG + 3:
            new_source(server, token, "One more steady write")  # each newer than the lag
            statuses.append(server.get(path).status)
            time.sleep(0.3)
        assert statuses[0] == 404, statuses  # within the lag allowed: the replica answers
        assert statuses[-3:] == [200] * 3, statuses  # then from the primary
    finally:
        cluster.replay(paused=False)


def test_a_stale_write_sends_its_client_to_the_primary(replicated):
    server, token, cluster = replicated
    cluster.wait_caught_up()
    slug, _ = new_source(server, token, "Edited twice")
    cluster.wait_caught_up()
    path = f"/api/v1/sources/{slug}/"
    editor = {"Authorization": f"Token {token}", "If-Match": '"stale"'}
    refused = server.request("PATCH", path, {"title": "Late"}, editor)
    assert refused.status == 412
    assert refused.headers.get("set-cookie", "").startswith("tracker_primary_until=")


def test_a_stopped_replica_costs_no_error(replicated):
    server, token, cluster = replicated
    cluster.wait_caught_up()
    directory = os.environ["PG_REPLICA_DIR"]
    port = urlsplit(cluster.replica).port
    bindir = os.environ.get("PG_BINDIR", "/usr/lib/postgresql/15/bin")
    paths = [
        "/api/v1/rounds/",
        "/api/v1/rounds/jeju-ministerial-2025-05-16/",
        "/api/v1/rounds/jeju-ministerial-2025-05-16/agenda-changes/",
        "/api/v1/deadlines/",
        "/api/v1/people/?search=yeo",
    ]
    assert all(server.get(path).status == 200 for path in paths)  # warm: replica in use
    as_postgres(f"{bindir}/pg_ctl", "-D", f"{directory}/data", "-m", "fast", "-w", "stop")
    try:
        # Each read looks the data version up on its database first, cached answer or not.
        statuses = [server.get(path).status for _ in range(4) for path in paths]
        assert statuses.count(200) == len(statuses), statuses
        slug, _ = new_source(server, token, "Written while the replica is down")
        assert server.get(f"/api/v1/sources/{slug}/").status == 200
    finally:
        as_postgres(
            f"{bindir}/pg_ctl",
            "-D",
            f"{directory}/data",
            "-l",
            f"{directory}/server.log",
            "-w",
            "-o",
            f"-h 127.0.0.1 -p {port} -k {directory} -c fsync=off -c hot_standby=on",
            "start",
        )
    cluster.wait_caught_up(60)
