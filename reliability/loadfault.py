"""Load and fault test: a bounded mixed load on gunicorn + PostgreSQL, with a PostgreSQL
restart in the middle. Run it through reliability/run.sh (which starts its own PostgreSQL).

What it checks (exit status 1 if any check fails):

* no 5xx at all, except 503s while PostgreSQL is down (and a short grace after);
* during the outage every answer is a 503 with a JSON body, and arrives fast (no hang:
  every request has a client timeout, and a timeout is a failure);
* the service recovers by itself once PostgreSQL is back (recovery time measured);
* every acknowledged write (201/200) is in the database afterwards with the value written;
  every acknowledged round edit is in the round's audit history; created objects reconcile
  with acknowledged creates; no lost update (If-Match: a 412 is a lost race, not an error):
  each round holds its last acknowledged edit, or one whose outcome is unknown (5xx or no
  answer) sent after that edit was, never an older value; a round without acknowledged
  edits holds its value from before the load or one of its unknown-outcome edits.

Then three more cases, each with its own checks and section of the report:

* slow clients (reliability/slowclients.py): slowloris connections against the same
  gunicorn, through the reverse proxy docker compose runs (nginx) and straight to it;
* costly anonymous reads (reliability/costly_reads.py): how much one anonymous client asking
  for answers no cache holds, within its rate limit, slows another client's cached read, on
  gunicorns with the default rate limits over the same database and a synthetic data set;
* SQLite under 20 concurrent writers (reliability/sqlite_writers.py): `make run`'s server
  on a throwaway SQLite file.

Results go to reliability/REPORT.md (Markdown) and a summary to stdout.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import http.client
import json
import os
import platform
import random
import secrets
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import costly_reads
import slowclients
import sqlite_writers
from common import (
    ROOT,
    TIMEOUT,
    free_port,
    gunicorn_command,
    manage,
    prepare_database,
    request,
    server_env,
    start_server,
    stop_server,
)

OUTAGE_GRACE = 5.0  # seconds after PostgreSQL is back during which a 503 is still tolerated
FAST = 5.0  # seconds: the slowest acceptable 503 during the outage
TALKS = "kr-us-tariff-talks-2025"
AS_OF = "2025-05-16"


# --- PostgreSQL restart --------------------------------------------------------------------


class Postgres:
    """Stops and starts the throwaway cluster of .ci/postgres.sh (PG_DIR, PG_BINDIR)."""

    def __init__(self):
        self.data = Path(os.environ["PG_DIR"]) / "data"
        self.pg_ctl = str(Path(os.environ["PG_BINDIR"]) / "pg_ctl")
        self.log = Path(os.environ["PG_DIR"]) / "server.log"

    def run(self, *args: str) -> None:
        command = [self.pg_ctl, "-D", str(self.data), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, timeout=60)

    def options(self) -> str:
        """The server options it was started with (postmaster.opts), for the restart."""
        words = shlex.split((self.data / "postmaster.opts").read_text())[1:]
        kept, skip = [], False
        for word in words:
            if skip:
                skip = False
            elif word == "-D":
                skip = True
            else:
                kept.append(word)
        return shlex.join(kept)

    def stop(self) -> None:
        self.run("-m", "fast", "-w", "stop")

    def start(self, options: str) -> None:
        self.run("-w", "-l", str(self.log), "-o", options, "start")


@dataclass
class Record:
    client: int
    kind: str
    start: float
    end: float
    status: int  # 0: no answer (timeout or connection error)
    json_body: bool
    error: str = ""

    @property
    def latency(self) -> float:
        return self.end - self.start


@dataclass
class Edit:
    """One PATCH of a round's summary (times in seconds since the load began)."""

    round: str
    summary: str
    sent: float  # before the PATCH went out: after the GET that gave its If-Match answered
    answered: float  # the answer arrived (or the client gave up)
    commit: int | None = None  # acknowledged: the round's token in the 200's ETag


def commit_token(etag: str | None) -> int | None:
    """The record's own token in an ETag: its ``updated`` in microseconds, in hex
    (negotiations.domain.versioning.object_token). Round edits hold the row lock and must
    match the token before them (If-Match), so their tokens order them as they committed."""
    try:
        return int(etag.strip().removeprefix("W/").strip('"').split(".")[0], 16)
    except (AttributeError, ValueError):
        return None


@dataclass
class Ledger:
    """Every write the server acknowledged, and writes whose outcome is unknown."""

    created: dict[str, list[tuple[str, str]]] = field(
        default_factory=lambda: collections.defaultdict(list)
    )  # resource -> [(slug, value)]
    edits: list[Edit] = field(default_factory=list)  # acknowledged round edits (200)
    unknown_edits: list[Edit] = field(default_factory=list)  # round edits, 5xx or no answer
    unknown: collections.Counter = field(default_factory=collections.Counter)  # kind -> count
    lock: threading.Lock = field(default_factory=threading.Lock)


# --- The load -----------------------------------------------------------------------------


class Load:
    def __init__(self, port, token, run_id, rounds, aliases, duration, clients):
        self.port, self.token, self.run_id = port, token, run_id
        self.rounds, self.aliases = rounds, aliases
        self.duration, self.clients = duration, clients
        self.records: list[Record] = []
        self.records_lock = threading.Lock()
        self.ledger = Ledger()
        self.initial: dict[str, str] = {}  # round -> its summary before the load
        self.t0 = 0.0
        self.auth = {"Authorization": f"Token {token}"}

    def now(self) -> float:
        return time.monotonic() - self.t0

    def call(self, client, kind, method, path, body=None, headers=None):
        start = self.now()
        try:
            answer = request(self.port, method, path, body, headers)
        except (OSError, http.client.HTTPException) as error:
            self.keep(Record(client, kind, start, self.now(), 0, False, type(error).__name__))
            return None
        json_body = answer.headers.get("content-type", "").startswith("application/json")
        self.keep(Record(client, kind, start, self.now(), answer.status, json_body))
        return answer

    def keep(self, record: Record) -> None:
        with self.records_lock:
            self.records.append(record)

    # Each action is one or two requests; writes record what the server acknowledged.

    def read_action(self, client, rng):
        slug = rng.choice(self.rounds)
        choice = rng.random()
        if choice < 0.2:
            self.call(
                client,
                "GET rounds (filtered list)",
                "GET",
                f"/api/v1/rounds/?negotiation={TALKS}&status=held&ordering=-start_date",
            )
        elif choice < 0.35:
            self.call(
                client,
                "GET people?search= (alias)",
                "GET",
                f"/api/v1/people/?search={rng.choice(self.aliases)}",
            )
        elif choice < 0.5:
            self.call(client, "GET round detail", "GET", f"/api/v1/rounds/{slug}/")
        elif choice < 0.65:
            self.call(client, "GET agenda-changes", "GET", f"/api/v1/rounds/{slug}/agenda-changes/")
        elif choice < 0.75:
            self.call(
                client,
                "GET agenda-matrix",
                "GET",
                f"/api/v1/negotiations/{TALKS}/agenda-matrix/",
            )
        elif choice < 0.9:
            self.call(
                client,
                "GET deadlines (as_of, upcoming)",
                "GET",
                f"/api/v1/deadlines/?as_of={AS_OF}&upcoming=true",
            )
        else:
            self.call(client, "GET positions?party=", "GET", "/api/v1/positions/?party=us")

    def write_action(self, client, rng, serial):
        choice = rng.random()
        if choice < 0.3:
            title = f"loadfault {self.run_id} source {client}-{serial}"
            body = {"title": title, "publisher": "Load test", "language": "en"}
            self.create(client, "sources", "POST sources", body, "title")
        elif choice < 0.6:
            summary = f"loadfault {self.run_id} position {client}-{serial}"
            body = {
                "party": rng.choice(["kr", "us"]),
                "kind": "statement",
                "summary": summary,
                "round": rng.choice(self.rounds),
            }
            self.create(client, "positions", "POST positions", body, "summary")
        else:
            self.edit_round(client, rng, serial)

    def create(self, client, resource, kind, body, key):
        answer = self.call(client, kind, "POST", f"/api/v1/{resource}/", body, self.auth)
        if answer is not None and answer.status == 201:
            with self.ledger.lock:
                self.ledger.created[resource].append((answer.json()["slug"], body[key]))
        elif answer is None or answer.status >= 500:
            with self.ledger.lock:  # a write may or may not have happened
                self.ledger.unknown[resource] += 1

    def edit_round(self, client, rng, serial):
        slug = rng.choice(self.rounds)
        fresh = self.call(client, "GET round (for its ETag)", "GET", f"/api/v1/rounds/{slug}/")
        if fresh is None or fresh.status != 200:
            return
        summary = f"loadfault {self.run_id} edit {client}-{serial}"
        sent = self.now()
        answer = self.call(
            client,
            "PATCH round (If-Match)",
            "PATCH",
            f"/api/v1/rounds/{slug}/",
            {"summary": summary},
            {**self.auth, "If-Match": fresh.headers["etag"]},
        )
        edit = Edit(slug, summary, sent, self.now())
        if answer is not None and answer.status == 200:
            edit.commit = commit_token(answer.headers.get("etag"))
            with self.ledger.lock:
                self.ledger.edits.append(edit)
        elif answer is None or answer.status >= 500:
            with self.ledger.lock:  # the edit may or may not have been made
                self.ledger.unknown_edits.append(edit)
                self.ledger.unknown["round edits"] += 1

    def client(self, index: int) -> None:
        rng = random.Random(f"{self.run_id}-{index}")
        serial = 0
        while self.now() < self.duration:
            serial += 1
            if rng.random() < 0.3:
                self.write_action(index, rng, serial)
            else:
                self.read_action(index, rng)

    def run(self) -> None:
        self.t0 = self.t0 or time.monotonic()
        threads = [
            threading.Thread(target=self.client, args=(i,), daemon=True)
            for i in range(self.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(self.duration + 2 * TIMEOUT + 30)


def restart_postgres(load: Load, postgres: Postgres, at: float, events: dict) -> None:
    time.sleep(max(0.0, at - load.now()))
    options = postgres.options()
    events["stop_begin"] = load.now()
    postgres.stop()
    events["stopped"] = load.now()
    time.sleep(2)
    events["start_begin"] = load.now()
    postgres.start(options)
    events["started"] = load.now()


# --- Verification -------------------------------------------------------------------------


COUNT_SNIPPET = """
import json
from negotiations import models
prefix = "loadfault {run_id} "
print(json.dumps({{
    "sources": models.Source.objects.filter(title__startswith=prefix).count(),
    "positions": models.Position.objects.filter(summary__startswith=prefix).count(),
}}))
"""


def verify(load: Load, env) -> dict:
    port, ledger = load.port, load.ledger
    result = {"checked": 0, "missing": [], "wrong": [], "history_missing": []}
    for resource, entries in ledger.created.items():
        key = "title" if resource == "sources" else "summary"
        for slug, value in entries:
            result["checked"] += 1
            answer = request(port, "GET", f"/api/v1/{resource}/{slug}/")
            if answer.status != 200:
                result["missing"].append(f"{resource}/{slug}")
            elif answer.json()[key] != value:
                result["wrong"].append(f"{resource}/{slug}")
    result.update(lost_updates=[], rounds=collections.Counter())
    acknowledged = collections.defaultdict(list)
    for edit in ledger.edits:
        acknowledged[edit.round].append(edit)
    unknown = collections.defaultdict(list)
    for edit in ledger.unknown_edits:
        unknown[edit.round].append(edit)
    for slug in sorted({*load.initial, *acknowledged, *unknown}):
        edits, maybe = acknowledged[slug], unknown[slug]
        if edits:
            history = request(port, "GET", f"/api/v1/rounds/{slug}/audit-history/").json()
            written = {
                change["new"]
                for entry in history
                for change in entry["changes"]
                if change["field"] == "summary"
            }
            for edit in edits:
                result["checked"] += 1
                if edit.summary not in written:
                    result["history_missing"].append(f"rounds/{slug}: {edit.summary}")
        # Per round, no lost update. Its last acknowledged edit (in commit order: the tokens
        # of the 200s' ETags; acknowledgement order if one is missing) must be what it holds,
        # unless an edit with an unknown outcome came after it. Such an edit can only have
        # matched If-Match if its GET answered after that edit committed, so it was sent
        # after that edit was sent: an unknown edit sent earlier, or an older acknowledged
        # value, is a lost update. Without acknowledged edits: the value from before the
        # load, or one of the round's unknown-outcome edits.
        final = request(port, "GET", f"/api/v1/rounds/{slug}/").json()["summary"]
        if edits:
            if all(edit.commit is not None for edit in edits):
                last = max(edits, key=lambda edit: (edit.commit, edit.answered))
            else:
                last = max(edits, key=lambda edit: edit.answered)
            later = {edit.summary for edit in maybe if edit.sent > last.sent}
            known, expected = last.summary, f"last acknowledged {last.summary!r}"
        else:
            later = {edit.summary for edit in maybe}
            known = load.initial.get(slug)
            expected = f"value before the load {known!r}"
        result["rounds"]["checked"] += 1
        result["rounds"]["with unknown-outcome edits"] += bool(maybe)
        if final == known:
            continue
        if final in later:
            result["rounds"]["ending on an unknown-outcome edit"] += 1
        else:
            unknown_note = f" or one of {len(later)} later unknown-outcome edits" if later else ""
            result["lost_updates"].append(f"rounds/{slug}: {final!r}, not {expected}{unknown_note}")
    snippet = COUNT_SNIPPET.format(run_id=load.run_id)
    output = manage(env, "shell", "-v", "0", "-c", snippet, capture=True)
    counts = json.loads(output.splitlines()[-1])
    result["counts"] = {}
    for resource in ("sources", "positions"):
        acknowledged = len(ledger.created[resource])
        unknown = ledger.unknown[resource]
        found = counts[resource]
        result["counts"][resource] = (acknowledged, unknown, found)
    return result


# --- Report -------------------------------------------------------------------------------


def analyse(load: Load, events: dict, restart: bool) -> dict:
    records = sorted(load.records, key=lambda r: r.start)
    started = events.get("started")
    window = (events.get("stop_begin", float("inf")), (started or 0) + OUTAGE_GRACE)
    in_window = [r for r in records if restart and r.end >= window[0] and r.start <= window[1]]
    outside = [r for r in records if r not in in_window]
    outage_503 = [r for r in in_window if r.status == 503]
    # Certainly down: sent once the stop had completed, answered before the start began.
    down = [
        r
        for r in records
        if restart and r.start >= events["stopped"] and r.end <= events["start_begin"]
    ]
    first_ok = next(
        (r for r in records if started is not None and r.start >= started and r.status < 500),
        None,
    )
    return {
        "records": records,
        "by_kind": collections.Counter((r.kind, r.status) for r in records),
        "statuses": collections.Counter(r.status for r in records),
        "precondition_failed": sum(r.status == 412 for r in records),
        "no_answer": [r for r in records if r.status == 0],
        "bad_5xx": [r for r in outside if r.status >= 500]
        + [r for r in in_window if r.status >= 500 and r.status != 503],
        "outage_503": outage_503,
        "outage_not_json": [r for r in outage_503 if not r.json_body],
        "outage_max_latency": max((r.latency for r in outage_503), default=0.0),
        "down_requests": down,
        "down_not_503": [r for r in down if r.status != 503],
        "recovery": (first_ok.end - started) if first_ok and started is not None else None,
        "late_503": [
            r for r in records if started is not None and r.start > window[1] and r.status == 503
        ],
    }


def checks(analysis, verification, restart, load) -> list[tuple[str, bool, str]]:
    counts, rounds = verification["counts"], verification["rounds"]
    result = [
        (
            "No 5xx except 503 while PostgreSQL was down",
            not analysis["bad_5xx"],
            f"{len(analysis['bad_5xx'])} other 5xx",
        ),
        (
            "No request went unanswered (client timeout 10 s)",
            not analysis["no_answer"],
            f"{len(analysis['no_answer'])} without an answer",
        ),
        (
            "Every acknowledged write is present with its value",
            not verification["missing"] and not verification["wrong"],
            f"{verification['checked']} checked, {len(verification['missing'])} missing, "
            f"{len(verification['wrong'])} wrong",
        ),
        (
            "Every acknowledged round edit is in the audit history",
            not verification["history_missing"],
            f"{len(verification['history_missing'])} missing",
        ),
        (
            "No lost update: each round holds its last acknowledged edit "
            "(or an unknown-outcome edit sent after it)",
            not verification["lost_updates"] and bool(rounds["checked"]),
            f"{rounds['checked']} rounds checked, {rounds['with unknown-outcome edits']} with "
            f"unknown-outcome edits, {rounds['ending on an unknown-outcome edit']} ending on "
            f"one, {len(verification['lost_updates'])} lost updates",
        ),
    ]
    for resource, (acknowledged, unknown, found) in counts.items():
        result.append(
            (
                f"Created {resource} reconcile with acknowledged creates",
                acknowledged <= found <= acknowledged + unknown,
                f"{acknowledged} acknowledged, {unknown} unknown outcome, {found} in the database",
            )
        )
    if restart:
        result += [
            (
                "During the outage every answer is a 503",
                not analysis["down_not_503"] and bool(analysis["down_requests"]),
                f"{len(analysis['down_requests'])} requests while down, "
                f"{len(analysis['down_not_503'])} not 503",
            ),
            (
                "Every 503 has a JSON body",
                not analysis["outage_not_json"],
                f"{len(analysis['outage_503'])} 503s, {len(analysis['outage_not_json'])} not JSON",
            ),
            (
                f"503s arrive fast (under {FAST:.0f} s)",
                analysis["outage_max_latency"] < FAST,
                f"max {analysis['outage_max_latency'] * 1000:.0f} ms",
            ),
            (
                "The service recovers by itself",
                analysis["recovery"] is not None and not analysis["late_503"],
                "recovery "
                + (f"{analysis['recovery'] * 1000:.0f} ms" if analysis["recovery"] else "never")
                + f", {len(analysis['late_503'])} 503s after the grace period",
            ),
        ]
    return result


def write_report(
    path, args, load, events, analysis, verification, results, elapsed, sections
) -> str:
    ledger = load.ledger
    lines = [
        "# Load and fault test",
        "",
        "Written by `reliability/loadfault.py` (run with `reliability/run.sh`). "
        "gunicorn (2 workers, production settings) on PostgreSQL on loopback, "
        f"{args.clients} concurrent clients for {args.duration:.0f} s; "
        + (
            f"PostgreSQL stopped at {events['stop_begin']:.1f} s and started again 2 s later."
            if events
            else "no PostgreSQL restart."
        ),
        "",
        "| | |",
        "|---|---|",
        f"| Date | {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M UTC} |",
        f"| Machine | {platform.machine()}, {os.cpu_count()} cores, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()} |",
        f"| PostgreSQL | {os.environ.get('PG_VERSION', '?')}; Django keeps connections open "
        f"(CONN_MAX_AGE={os.environ.get('CONN_MAX_AGE', '60')} s) with health checks |",
        f"| Duration | {args.duration:.0f} s of load ({elapsed:.0f} s with setup and checks) |",
        f"| Clients | {args.clients} threads, one request at a time each, "
        f"timeout {TIMEOUT:.0f} s |",
        f"| Requests served | {len(analysis['records'])} "
        f"({len(analysis['records']) / args.duration:.0f}/s) |",
        f"| 412 (lost If-Match races, not errors) | {analysis['precondition_failed']} |",
    ]
    if events:
        down = events["started"] - events["stop_begin"]
        recovery = analysis["recovery"]
        lines += [
            f"| PostgreSQL down | {events['stop_begin']:.1f} s to {events['started']:.1f} s "
            f"({down:.1f} s) |",
            f"| 503s during the outage | {len(analysis['outage_503'])}, all JSON: "
            f"{'yes' if not analysis['outage_not_json'] else 'no'}, max latency "
            f"{analysis['outage_max_latency'] * 1000:.0f} ms |",
            "| Recovery (PostgreSQL accepting to first success) | "
            + (f"{recovery * 1000:.0f} ms |" if recovery is not None else "never |"),
        ]
    acknowledged = sum(len(v) for v in ledger.created.values()) + len(ledger.edits)
    lost = (
        len(verification["missing"])
        + len(verification["wrong"])
        + len(verification["history_missing"])
        + len(verification["lost_updates"])
    )
    unknown = ", ".join(
        f"{ledger.unknown[kind]} {kind}" for kind in ("sources", "positions", "round edits")
    )
    lines += [
        f"| Writes acknowledged | {acknowledged} "
        f"({', '.join(f'{len(v)} {k}' for k, v in sorted(ledger.created.items()))}, "
        f"{len(ledger.edits)} round edits) |",
        f"| Writes verified | {verification['checked']} |",
        f"| Writes lost | {lost} |",
        f"| Writes with unknown outcome (5xx or no answer) | {sum(ledger.unknown.values())} "
        f"({unknown}) |",
        "",
        "## Checks",
        "",
        "| Check | Result | Detail |",
        "|---|---|---|",
    ]
    lines += [
        f"| {name} | {'pass' if ok else '**FAIL**'} | {detail} |" for name, ok, detail in results
    ]
    problems = [
        *(f"missing: {item}" for item in verification["missing"]),
        *(f"wrong value: {item}" for item in verification["wrong"]),
        *(f"not in the history: {item}" for item in verification["history_missing"]),
        *(f"lost update: {item}" for item in verification["lost_updates"]),
    ]
    if problems:
        lines += ["", "## Lost writes (first 20)", ""]
        lines += [f"* {item}" for item in problems[:20]]
    lines += ["", "## Requests by endpoint and status", ""]
    lines += ["| Endpoint | Status | Count |", "|---|---|---|"]
    for (kind, status), count in sorted(analysis["by_kind"].items()):
        lines.append(f"| {kind} | {status or 'no answer'} | {count} |")
    lines += ["", "## Errors by kind", "", "| Status | Count |", "|---|---|"]
    for status, count in sorted(analysis["statuses"].items()):
        if status == 0 or status >= 400:
            lines.append(f"| {status or 'no answer'} | {count} |")
    for section in sections:
        lines += ["", *section]
    text = "\n".join(lines) + "\n"
    Path(path).write_text(text)
    return text


# --- Main ---------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load (20)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (8)")
    parser.add_argument(
        "--restart-at", type=float, help="restart PostgreSQL after this many seconds (half)"
    )
    parser.add_argument("--no-restart", action="store_true", help="load only, no fault")
    parser.add_argument(
        "--slow-duration",
        type=float,
        help="seconds of each slow-client phase (a quarter of --duration, 8 to 30)",
    )
    parser.add_argument(
        "--costly-duration",
        type=float,
        help="seconds of each costly-read phase (a quarter of --duration, 20 to 30; 0 skips)",
    )
    parser.add_argument(
        "--sqlite-duration",
        type=float,
        help="seconds of SQLite writers (half of --duration, 10 to 60; 0 skips them)",
    )
    parser.add_argument("--report", default=str(ROOT / "reliability" / "REPORT.md"))
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        parser.error("DATABASE_URL must point at PostgreSQL (reliability/run.sh sets it)")
    restart = not args.no_restart
    if restart and not (os.environ.get("PG_DIR") and os.environ.get("PG_BINDIR")):
        parser.error("the restart needs PG_DIR and PG_BINDIR (.ci/postgres.sh); or --no-restart")
    restart_at = args.restart_at if args.restart_at is not None else args.duration / 2
    slow_duration = args.slow_duration or min(30.0, max(8.0, args.duration / 4))
    # At least 20 s: the limits are a budget a minute, which a client may spend in a burst
    # (both workers for a few seconds); a phase much shorter than the window measures the
    # burst, not the budget (8 s phases showed 12.9x on the median, 20 s ones within 2x).
    costly_duration = (
        args.costly_duration
        if args.costly_duration is not None
        else min(30.0, max(20.0, args.duration / 4))
    )
    sqlite_duration = (
        args.sqlite_duration
        if args.sqlite_duration is not None
        else min(60.0, max(10.0, args.duration / 2))
    )

    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tracker-loadfault-") as folder:
        work = Path(folder)
        env = server_env(work)
        print("Preparing the database (migrate, seed data, editor token)...", flush=True)
        token = prepare_database(env)
        port = free_port()
        server = start_server(gunicorn_command(port), env, port, work / "gunicorn.log")
        try:
            initial = {
                r["slug"]: r["summary"]
                for r in request(port, "GET", "/api/v1/sparse/rounds/?fields=slug,summary").json()[
                    "results"
                ]
            }
            aliases = ["Bescent", "Bessent", "Greer", "Ahn", "Choi", "Jamie"]
            run_id = secrets.token_hex(4)
            load = Load(port, token, run_id, list(initial), aliases, args.duration, args.clients)
            load.initial = initial
            events: dict = {}
            restarter = None
            if restart:
                restarter = threading.Thread(
                    target=restart_postgres,
                    args=(load, Postgres(), restart_at, events),
                    daemon=True,
                )
            print(
                f"Load: {args.clients} clients for {args.duration:.0f} s on 127.0.0.1:{port}"
                + (f", PostgreSQL restart at {restart_at:.0f} s" if restart else ""),
                flush=True,
            )
            if restarter:
                load.t0 = time.monotonic()
                restarter.start()
            load.run()
            if restarter:
                restarter.join(120)
            verification = verify(load, env)
            print(f"Slow clients: three phases of {slow_duration:.0f} s", flush=True)
            slow = slowclients.run(port, work, slow_duration)
        finally:
            stop_server(server)
        log = (work / "gunicorn.log").read_text()
        costly = None
        if costly_duration > 0:
            # The phase as before the cost (a server of its own) in longer runs only: CI's
            # short run keeps the two that the check compares.
            before = costly_duration >= 20
            print(
                f"Costly anonymous reads: {3 if before else 2} phases of {costly_duration:.0f} s",
                flush=True,
            )
            costly = costly_reads.run(env, work, costly_duration, before=before)
    writers = None
    if sqlite_duration > 0:
        print(f"SQLite: 20 writers and 8 readers for {sqlite_duration:.0f} s", flush=True)
        writers = sqlite_writers.run(sqlite_duration, writers=20, readers=8)
    analysis = analyse(load, events, restart)
    results = checks(analysis, verification, restart, load) + slowclients.checks(slow)
    sections = [slowclients.report_lines(slow)]
    if costly is not None:
        results += costly_reads.checks(costly)
        sections.append(costly_reads.report_lines(costly))
    if writers is not None:
        results += sqlite_writers.checks(writers)
        sections.append(sqlite_writers.report_lines(writers))
    elapsed = time.monotonic() - began
    report = write_report(
        args.report,
        args,
        load,
        events if restart else {},
        analysis,
        verification,
        results,
        elapsed,
        sections,
    )
    print(report)
    failed = [name for name, ok, _ in results if not ok]
    if failed:
        tracebacks = [block for block in log.split("\n\n") if "Traceback" in block]
        if tracebacks:
            print("Server tracebacks (first 3):\n" + "\n\n".join(tracebacks[:3]))
        print(f"FAILED: {', '.join(failed)}")
        return 1
    print(f"Load and fault test passed ({len(analysis['records'])} requests, report {args.report})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
