"""Behind PgBouncer in transaction pooling mode, for real: gunicorn (two workers) with
DATABASE_BEHIND_PGBOUNCER=1 talks to PostgreSQL only through a PgBouncer that lends a server
connection for one transaction at a time, and lends its four in turn (.ci/run starts it:
.ci/postgres.sh, start_pgbouncer), so that anything the app kept in a session between
transactions (a prepared statement, a held cursor, a SET) would be missing on the next one.
Migrations and the seed load, every hot read repeated past psycopg's threshold for preparing
statements, the If-Match write flow and an edit in the admin all work, with no error in the
server's log.

Skipped without PG_URL and PGBOUNCER_URL (a failure with REQUIRE_PGBOUNCER=1)."""

import os
import secrets

import pytest

from tests.scaling import live

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")

HOT_READS = [
    "/api/v1/rounds/?status=held",
    "/api/v1/rounds/jeju-ministerial-2025-05-16/",
    "/api/v1/rounds/jeju-ministerial-2025-05-16/agenda-changes/",
    "/api/v1/negotiations/kr-us-tariff-talks-2025/agenda-matrix/",
    "/api/v1/deadlines/?upcoming=true",
    "/api/v1/people/?search=yeo",
    "/dashboard/",
]


def sql(url: str, statement: str):
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=3) as connection:
        cursor = connection.execute(statement)
        return cursor.fetchall() if cursor.description else None


def transactions_pooled(bouncer: str, database: str) -> int:
    """Transactions PgBouncer has passed to the database so far (its admin console)."""
    import psycopg

    console = live.with_database(bouncer, "pgbouncer")
    # The console speaks the simple query protocol only.
    with psycopg.connect(console, autocommit=True, prepare_threshold=None) as connection:
        cursor = connection.cursor()
        cursor.execute("SHOW STATS")
        columns = [column.name for column in cursor.description]
        for row in cursor.fetchall():
            stats = dict(zip(columns, row, strict=True))
            if stats["database"] == database:
                return int(stats["total_xact_count"])
    return 0


@pytest.fixture(scope="module")
def bounced(tmp_path_factory):
    primary, bouncer = os.environ.get("PG_URL"), os.environ.get("PGBOUNCER_URL")
    if not (primary and bouncer):
        live.missing(
            "no PgBouncer (PG_URL and PGBOUNCER_URL: .ci/postgres.sh start_pgbouncer)",
            live.PGBOUNCER_REQUIRED,
            "REQUIRE_PGBOUNCER",
        )
    name = f"pgbouncer_{secrets.token_hex(4)}"
    sql(primary, f"create database {name}")
    work = tmp_path_factory.mktemp("pgbouncer")
    env = live.server_env(
        work,
        DATABASE_URL=live.with_database(bouncer, name),
        DATABASE_BEHIND_PGBOUNCER="1",
        ANSWER_CACHE_SECONDS="0",  # every read runs its statements
    )
    token = live.prepare(env)  # migrations and the seed load go through PgBouncer too
    server = live.Server(env, work, "pgbouncer", workers=2)
    yield server, token, bouncer, name
    server.stop()


def test_the_startup_option_is_refused_so_the_setting_drops_it(bounced):
    import psycopg

    _, _, bouncer, name = bounced
    with pytest.raises(psycopg.OperationalError, match="unsupported startup parameter"):
        psycopg.connect(live.with_database(bouncer, name), options="-c jit=off").close()


def test_reads_writes_and_the_admin_through_transaction_pooling(bounced):
    server, token, bouncer, name = bounced
    before = transactions_pooled(bouncer, name)

    # Each read eight times: psycopg prepares a statement on its fifth run unless Django
    # binds client-side, and a prepared statement does not survive a change of server.
    for path in HOT_READS:
        statuses = [server.get(path).status for _ in range(8)]
        assert statuses == [200] * 8, (path, statuses)

    editor = {"Authorization": f"Token {token}"}
    created = server.request("POST", "/api/v1/sources/", {"title": "Through PgBouncer"}, editor)
    assert created.status == 201, created.body
    path = f"/api/v1/sources/{created.json()['slug']}/"
    etag = server.get(path).headers["etag"]
    edited = server.request("PATCH", path, {"notes": "Edited"}, {**editor, "If-Match": etag})
    assert edited.status == 200, edited.body
    stale = server.request("PATCH", path, {"notes": "Again"}, {**editor, "If-Match": etag})
    assert stale.status == 412, stale.body

    # An edit in the admin: its change form with every choice list, saved in one transaction.
    browser = live.Browser(server)
    browser.log_in("scaling-admin", live.ADMIN_PASSWORD)
    round_id = server.get("/api/v1/rounds/jeju-ministerial-2025-05-16/").json()["id"]
    change = f"/admin/negotiations/round/{round_id}/change/"
    fields = [
        (field, "Edited in the admin" if field == "summary" else value)
        for field, value in browser.form(change)
    ]
    status, page = browser.open(change, fields)
    assert status == 302, page[:2000]
    jeju = server.get("/api/v1/rounds/jeju-ministerial-2025-05-16/").json()
    assert jeju["summary"] == "Edited in the admin"

    assert transactions_pooled(bouncer, name) > before + len(HOT_READS) * 8
    log = server.log.read_text()
    assert "Traceback" not in log and "prepared statement" not in log, log[-3000:]
