"""SQLite under concurrent writers: the server `make run` starts (runserver, threaded,
DEBUG=1, SQLite with the project's settings) on a throwaway database file, with 20 writer
clients and 4 readers on loopback for a bounded time. Counts every answer by status: a
503 is SQLite saying "database is locked" (a writer waited past the busy timeout).

    .venv/bin/python reliability/sqlite_writers.py --duration 30   # prints a Markdown report

reliability/loadfault.py runs it too and adds its section to reliability/REPORT.md.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import random
import secrets
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from common import (
    PYTHON,
    Answer,
    free_port,
    manage,
    percentile,
    prepare_database,
    request,
    server_env,
    start_server,
    stop_server,
)

CLIENT_TIMEOUT = 30.0  # seconds: longer than any busy timeout, so a wait is measured, not cut
TALKS = "kr-us-tariff-talks-2025"
STAGGER = 0.05  # seconds between the clients' starts


@dataclass
class Writers:
    port: int
    token: str
    rounds: list[str]
    deadline: float
    run_id: str = field(default_factory=lambda: secrets.token_hex(4))
    answers: list[tuple[str, int, float]] = field(default_factory=list)  # kind, status, s
    created: list[str] = field(default_factory=list)  # acknowledged source slugs
    errors: collections.Counter = field(default_factory=collections.Counter)  # no answer: why
    local: threading.local = field(default_factory=threading.local)  # each client's connection
    lock: threading.Lock = field(default_factory=threading.Lock)

    def call(self, kind, method, path, body=None, headers=None):
        """One request on this client's kept-alive connection (as a browser or an API
        client keeps one), opened again after an error."""
        start = time.monotonic()
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=CLIENT_TIMEOUT)
            self.local.connection = connection
        try:
            payload = json.dumps(body).encode() if body is not None else None
            all_headers = {"Accept": "application/json", **(headers or {})}
            if payload is not None:
                all_headers["Content-Type"] = "application/json"
            connection.request(method, path, body=payload, headers=all_headers)
            response = connection.getresponse()
            answer = Answer(
                response.status,
                response.read(),
                {key.lower(): value for key, value in response.getheaders()},
            )
            status = answer.status
            if response.will_close:
                connection.close()
        except (OSError, http.client.HTTPException) as error:
            answer, status = None, 0
            connection.close()
            self.local.connection = None
            with self.lock:
                self.errors[type(error).__name__] += 1
        with self.lock:
            self.answers.append((kind, status, time.monotonic() - start))
        return answer

    def writer(self, index: int) -> None:
        rng = random.Random(f"{self.run_id}-{index}")
        auth = {"Authorization": f"Token {self.token}"}
        serial = 0
        while time.monotonic() < self.deadline:
            serial += 1
            choice = rng.random()
            if choice < 0.35:
                title = f"sqlite-writers {self.run_id} {index}-{serial}"
                body = {"title": title, "publisher": "Load test", "language": "en"}
                answer = self.call("write", "POST", "/api/v1/sources/", body, auth)
                if answer is not None and answer.status == 201:
                    with self.lock:
                        self.created.append(answer.json()["slug"])
            elif choice < 0.7:
                body = {
                    "party": rng.choice(["kr", "us"]),
                    "kind": "statement",
                    "summary": f"sqlite-writers {self.run_id} {index}-{serial}",
                    "round": rng.choice(self.rounds),
                }
                self.call("write", "POST", "/api/v1/positions/", body, auth)
            else:
                path = f"/api/v1/rounds/{rng.choice(self.rounds)}/"
                fresh = self.call("read", "GET", path)
                if fresh is None or fresh.status != 200:
                    continue
                headers = {**auth, "If-Match": fresh.headers["etag"]}
                body = {"summary": f"sqlite-writers {self.run_id} {index}-{serial}"}
                self.call("write", "PATCH", path, body, headers)

    def reader(self, index: int) -> None:
        rng = random.Random(f"{self.run_id}-reader-{index}")
        paths = [
            f"/api/v1/rounds/?negotiation={TALKS}",
            f"/api/v1/negotiations/{TALKS}/agenda-matrix/",
            "/api/v1/deadlines/?as_of=2025-05-16",
            "/api/v1/sources/?page_size=100",
        ]
        while time.monotonic() < self.deadline:
            self.call("read", "GET", rng.choice(paths))


def run(duration: float, writers: int = 20, readers: int = 4) -> dict:
    """Start `make run`'s server on a fresh SQLite file, load it, and measure."""
    with tempfile.TemporaryDirectory(prefix="tracker-sqlite-writers-") as folder:
        work = Path(folder)
        # make run: DEBUG=1 and SQLite; the rate limits are off so that only the database
        # can refuse a request.
        env = server_env(
            work,
            DEBUG="1",
            DATABASE_URL=f"sqlite:///{work / 'db.sqlite3'}",
            THROTTLE_ANON="off",
            THROTTLE_USER="off",
        )
        token = prepare_database(env, static=False)
        port = free_port()
        command = [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
        server = start_server(command, env, port, work / "runserver.log")
        try:
            rounds = [
                row["slug"]
                for row in request(port, "GET", "/api/v1/sparse/rounds/?fields=slug").json()[
                    "results"
                ]
            ]
            load = Writers(port, token, rounds, time.monotonic() + duration)
            threads = [threading.Thread(target=load.writer, args=(i,)) for i in range(writers)]
            threads += [threading.Thread(target=load.reader, args=(i,)) for i in range(readers)]
            for thread in threads:
                # 50 ms apart: runserver listens with a backlog of 10 connections, and a
                # burst of 28 at once has some reset before SQLite is ever involved.
                thread.start()
                time.sleep(STAGGER)
            for thread in threads:
                thread.join(duration + CLIENT_TIMEOUT + 30)
            missing = [
                slug
                for slug in load.created
                if request(port, "GET", f"/api/v1/sources/{slug}/").status != 200
            ]
        finally:
            stop_server(server)
        journal = request_journal_mode(env)
    return summarise(load, duration, writers, readers, missing, journal)


def request_journal_mode(env) -> str:
    snippet = "from django.db import connection; c = connection.cursor(); "
    snippet += "print(c.execute('PRAGMA journal_mode').fetchone()[0])"
    return manage(env, "shell", "-v", "0", "-c", snippet, capture=True).split()[-1]


def summarise(load: Writers, duration, writers, readers, missing, journal) -> dict:
    by_status = collections.Counter((kind, status) for kind, status, _ in load.answers)
    latencies = collections.defaultdict(list)
    for kind, status, seconds in load.answers:
        if status and status < 500:
            latencies[kind].append(seconds)
    return {
        "duration": duration,
        "writers": writers,
        "readers": readers,
        "journal_mode": journal,
        "requests": len(load.answers),
        "by_status": by_status,
        "503": sum(count for (_, status), count in by_status.items() if status == 503),
        "other_5xx": sum(
            count for (_, status), count in by_status.items() if status >= 500 and status != 503
        ),
        "no_answer": sum(count for (_, status), count in by_status.items() if status == 0),
        "errors": dict(load.errors),
        "created": len(load.created),
        "missing": missing,
        "latency": {
            kind: (percentile(values, 0.5), percentile(values, 0.95), max(values, default=0))
            for kind, values in latencies.items()
        },
        "max_any": max((seconds for _, _, seconds in load.answers), default=0.0),
    }


def checks(result: dict) -> list[tuple[str, bool, str]]:
    return [
        (
            f"SQLite with {result['writers']} concurrent writers: no 503",
            result["503"] == 0,
            f"{result['503']} of {result['requests']} requests",
        ),
        (
            "SQLite writers: no other 5xx, no request unanswered",
            result["other_5xx"] == 0 and result["no_answer"] == 0,
            f"{result['other_5xx']} other 5xx, {result['no_answer']} without an answer"
            + (f" ({describe(result['errors'])})" if result["errors"] else ""),
        ),
        (
            "SQLite writers: every acknowledged create is stored",
            not result["missing"],
            f"{result['created']} acknowledged, {len(result['missing'])} missing",
        ),
    ]


def describe(errors: dict) -> str:
    return ", ".join(f"{count} {name}" for name, count in sorted(errors.items()))


def report_lines(result: dict) -> list[str]:
    lines = [
        "## SQLite under concurrent writers",
        "",
        f"`make run`'s server (runserver, threaded, `DEBUG=1`, SQLite in "
        f"`{result['journal_mode']}` journal mode) on a fresh database, "
        f"{result['writers']} writer clients (POST sources, POST positions, PATCH rounds with "
        f"If-Match) and {result['readers']} readers for {result['duration']:.0f} s, started "
        f"{STAGGER * 1000:.0f} ms apart, one request at a time each on a kept-alive "
        f"connection, client timeout {CLIENT_TIMEOUT:.0f} s (`reliability/sqlite_writers.py`).",
        "",
        "| | |",
        "|---|---|",
        f"| Requests | {result['requests']} ({result['requests'] / result['duration']:.0f}/s) |",
        f"| 503 (database is locked) | {result['503']} |",
        f"| Other 5xx, no answer | {result['other_5xx']}, {result['no_answer']} |",
        f"| Creates acknowledged / missing | {result['created']} / {len(result['missing'])} |",
    ]
    for kind in ("write", "read"):
        if kind in result["latency"]:
            p50, p95, top = result["latency"][kind]
            lines.append(
                f"| {kind.capitalize()} latency p50 / p95 / max | "
                f"{p50 * 1000:.0f} / {p95 * 1000:.0f} / {top * 1000:.0f} ms |"
            )
    lines += ["", "| Kind | Status | Count |", "|---|---|---|"]
    for (kind, status), count in sorted(result["by_status"].items()):
        lines.append(f"| {kind} | {status or 'no answer'} | {count} |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load (30)")
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--readers", type=int, default=4)
    args = parser.parse_args()
    result = run(args.duration, args.writers, args.readers)
    print("\n".join(report_lines(result)))
    results = checks(result)
    print()
    for name, ok, detail in results:
        print(f"{'pass' if ok else 'FAIL'}: {name} ({detail})")
    return 0 if all(ok for _, ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
