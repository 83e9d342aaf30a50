"""Mixed load (issue 22): editors writing to some negotiations while dashboards poll others.

On the small synthetic data set (25 negotiations, ``generate_synthetic --size small``) behind
gunicorn on PostgreSQL, with the answer cache on Redis (``REDIS_URL``, else each worker's
memory): ``--pollers`` clients poll the answers about the *untouched* negotiations (the last
ones: a round, its agenda changes, the negotiation's matrix, its dashboard page), each
sending back the ETag it last got in ``If-None-Match``, as a polling dashboard does;
``--editors`` clients edit rounds of the *edited* negotiations (the first ones: a GET for
the ETag, then a PATCH with If-Match). Two phases: the pollers alone, then pollers and
editors together. Reported per phase: the pollers' hit rate (304s) and their latency.

``--tree`` runs another checkout's code with this checkout's virtualenv (e.g. the tree
before scoped versions, where every write moves the one data version): compare the two
reports. Loopback only.

    source .ci/postgres.sh && start_postgres && export DATABASE_URL=$PG_URL
    .venv/bin/python reliability/mixed_load.py --duration 30
    .venv/bin/python reliability/mixed_load.py --tree ../before-scopes --duration 30
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path

import common
from common import free_port, percentile, request, server_env, start_server, stop_server
from write_throughput import drop_and_create


class MixedLoad:
    def __init__(self, port, token, edited, untouched, duration):
        self.port, self.duration = port, duration
        self.auth = {"Authorization": f"Token {token}"}
        self.edited, self.untouched = edited, untouched  # negotiation slug -> round slugs
        self.polls: list[tuple[int, float, bool]] = []  # (status, seconds, conditional)
        self.writes: list[int] = []
        self.lock = threading.Lock()
        self.stop_at = 0.0

    def poll_urls(self) -> list[str]:
        urls = []
        for talks, rounds in self.untouched.items():
            urls += [
                f"/api/v1/rounds/{rounds[-1]}/",
                f"/api/v1/rounds/{rounds[-1]}/agenda-changes/",
                f"/api/v1/negotiations/{talks}/agenda-matrix/",
                f"/dashboard/{talks}/",
            ]
        return urls

    def poller(self, index: int) -> None:
        rng = random.Random(index)
        urls = self.poll_urls()
        tags: dict[str, str] = {}
        while time.monotonic() < self.stop_at:
            url = rng.choice(urls)
            headers = {"If-None-Match": tags[url]} if url in tags else {}
            started = time.monotonic()
            answer = request(self.port, "GET", url, headers=headers)
            elapsed = time.monotonic() - started
            if answer.status == 200 and answer.headers.get("etag"):
                tags[url] = answer.headers["etag"]
            with self.lock:
                self.polls.append((answer.status, elapsed, bool(headers)))

    def editor(self, index: int) -> None:
        rng = random.Random(1000 + index)
        serial = 0
        while time.monotonic() < self.stop_at:
            serial += 1
            rounds = self.edited[rng.choice(list(self.edited))]
            path = f"/api/v1/rounds/{rng.choice(rounds)}/"
            fresh = request(self.port, "GET", path)
            if fresh.status != 200:
                continue
            answer = request(
                self.port,
                "PATCH",
                path,
                {"summary": f"mixed load {index}-{serial}"},
                {**self.auth, "If-Match": fresh.headers["etag"]},
            )
            with self.lock:
                self.writes.append(answer.status)

    def phase(self, pollers: int, editors: int) -> dict:
        self.polls, self.writes = [], []
        self.stop_at = time.monotonic() + self.duration
        threads = [threading.Thread(target=self.poller, args=(i,)) for i in range(pollers)]
        threads += [threading.Thread(target=self.editor, args=(i,)) for i in range(editors)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        latencies = [seconds * 1000 for _, seconds, _ in self.polls]
        # A poller's first request of each URL in a phase has no ETag to send: the hit rate
        # is that of the conditional polls.
        conditional = [status for status, _, sent in self.polls if sent]
        return {
            "polls": len(self.polls),
            "first": len(self.polls) - len(conditional),
            "hit_rate": sum(status == 304 for status in conditional) / max(len(conditional), 1),
            "errors": sum(status >= 500 or status == 0 for status, _, _ in self.polls),
            "median_ms": statistics.median(latencies) if latencies else 0.0,
            "p95_ms": percentile(latencies, 0.95) if latencies else 0.0,
            "writes_ok": sum(status == 200 for status in self.writes),
            "writes_412": sum(status == 412 for status in self.writes),
            "writes_5xx": sum(status >= 500 for status in self.writes),
        }


def rounds_of(port: int, talks: str) -> list[str]:
    found = request(port, "GET", f"/api/v1/sparse/rounds/?fields=slug&negotiation={talks}")
    return [row["slug"] for row in found.json()["results"]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", default=str(common.ROOT), help="the checkout to run")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per phase")
    parser.add_argument("--pollers", type=int, default=4)
    parser.add_argument("--editors", type=int, default=4)
    parser.add_argument("--edited", type=int, default=5, help="negotiations written to")
    parser.add_argument("--untouched", type=int, default=5, help="negotiations polled")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        parser.error("DATABASE_URL must point at a throwaway PostgreSQL (.ci/postgres.sh)")
    tree = Path(args.tree).resolve()
    common.ROOT = tree  # manage.py and gunicorn run from the tree under test
    with tempfile.TemporaryDirectory(prefix="tracker-mixed-") as folder:
        work = Path(folder)
        env = server_env(work)
        drop_and_create(env)
        token = common.prepare_database(env, static=True)
        common.manage(env, "generate_synthetic", "--size", "small")
        port = free_port()
        command = common.gunicorn_command(port)
        command[command.index("--workers") + 1] = str(args.workers)
        server = start_server(command, env, port, work / "gunicorn.log")
        try:
            slugs = sorted(
                row["slug"]
                for row in request(
                    port, "GET", "/api/v1/sparse/negotiations/?fields=slug&page_size=100"
                ).json()["results"]
                if row["slug"].startswith("syn-")
            )
            edited = {talks: rounds_of(port, talks) for talks in slugs[: args.edited]}
            untouched = {talks: rounds_of(port, talks) for talks in slugs[-args.untouched :]}
            load = MixedLoad(port, token, edited, untouched, args.duration)
            load.phase(args.pollers, 0)  # warm-up: every answer computed once
            alone = load.phase(args.pollers, 0)
            mixed = load.phase(args.pollers, args.editors)
        finally:
            stop_server(server)
    print(f"tree {tree} ({args.workers} workers, {args.duration:.0f} s per phase)")
    print(
        f"  {args.pollers} pollers on {args.untouched} untouched negotiations; "
        f"{args.editors} editors on {args.edited} others"
    )
    for name, phase in (("pollers alone", alone), ("with editors", mixed)):
        print(
            f"  {name}: {phase['polls']} polls ({phase['first']} first of their URL), "
            f"hit rate (304 of the conditional ones) {phase['hit_rate']:.1%}, "
            f"median {phase['median_ms']:.1f} ms, p95 {phase['p95_ms']:.1f} ms, "
            f"5xx {phase['errors']}; writes {phase['writes_ok']} "
            f"(412: {phase['writes_412']}, 5xx: {phase['writes_5xx']})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
