"""Write throughput: concurrent writers only, against gunicorn on PostgreSQL, for comparing
two versions of the code (issue 12: the write path must be no slower than before).

Each client loops over the load test's writes (reliability/loadfault.py): create a source,
create a position, or edit a round's summary with If-Match (a GET for the ETag, then the
PATCH). It reports acknowledged writes per second, the latency of each kind, lost races
(412) and errors. ``--tree`` runs another checkout's code (e.g. a worktree at the tag
``before-issue-12``) with this checkout's virtualenv; each run gets a fresh database.

    source .ci/postgres.sh && start_postgres && export DATABASE_URL=$PG_URL
    .venv/bin/python reliability/write_throughput.py --workers 8 --clients 8 --duration 45
    .venv/bin/python reliability/write_throughput.py --tree ../before --workers 8 ...
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import secrets
import subprocess
import tempfile
import time
from pathlib import Path

import common
from common import free_port, percentile, request, server_env, start_server, stop_server
from loadfault import Load


def drop_and_create(env) -> None:
    """A fresh database (the throwaway cluster's), so both versions start alike."""
    url = env["DATABASE_URL"]
    base, _, name = url.rpartition("/")
    admin_url = f"{base}/postgres"
    for statement in (
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        f'CREATE DATABASE "{name}"',
    ):
        subprocess.run(
            [common.PYTHON, "-c", SQL, admin_url, statement], check=True, cwd=common.ROOT
        )


SQL = """
import sys, psycopg
with psycopg.connect(sys.argv[1], autocommit=True) as connection:
    connection.execute(sys.argv[2])
"""


class WriteLoad(Load):
    """The load test's clients, writing only."""

    def client(self, index: int) -> None:
        rng = random.Random(f"{self.run_id}-{index}")
        serial = 0
        while self.now() < self.duration:
            serial += 1
            self.write_action(index, rng, serial)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", default=str(common.ROOT), help="the checkout to run")
    parser.add_argument("--duration", type=float, default=45.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=8, help="gunicorn sync workers")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        parser.error("DATABASE_URL must point at a throwaway PostgreSQL (.ci/postgres.sh)")
    tree = Path(args.tree).resolve()
    common.ROOT = tree  # manage.py and gunicorn run from the tree under test
    with tempfile.TemporaryDirectory(prefix="tracker-writes-") as folder:
        work = Path(folder)
        env = server_env(work)
        drop_and_create(env)
        token = common.prepare_database(env, static=False)
        port = free_port()
        command = common.gunicorn_command(port)
        command[command.index("--workers") + 1] = str(args.workers)
        server = start_server(command, env, port, work / "gunicorn.log")
        try:
            rounds = [
                row["slug"]
                for row in request(port, "GET", "/api/v1/sparse/rounds/?fields=slug").json()[
                    "results"
                ]
            ]
            load = WriteLoad(
                port, token, secrets.token_hex(4), rounds, [], args.duration, args.clients
            )
            began = time.monotonic()
            load.t0 = began
            load.run()
            elapsed = time.monotonic() - began
        finally:
            stop_server(server)
    by_kind = collections.defaultdict(list)
    statuses = collections.Counter()
    for record in load.records:
        by_kind[record.kind].append(record)
        statuses[record.status] += 1
    writes = [r for r in load.records if r.kind.startswith(("POST", "PATCH"))]
    acknowledged = [r for r in writes if r.status in (200, 201)]
    print(f"tree {tree}, {args.workers} gunicorn workers, {args.clients} clients, {elapsed:.0f} s")
    print(f"acknowledged writes: {len(acknowledged)} ({len(acknowledged) / elapsed:.1f}/s)")
    errors = sum(count for status, count in statuses.items() if status >= 500)
    print(f"lost races (412): {statuses[412]}; 5xx: {errors}; no answer: {statuses[0]}")
    for kind, records in sorted(by_kind.items()):
        latencies = [r.latency * 1000 for r in records]
        print(
            f"  {kind}: {len(records)}, median {percentile(latencies, 0.5):.0f} ms, "
            f"p95 {percentile(latencies, 0.95):.0f} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
