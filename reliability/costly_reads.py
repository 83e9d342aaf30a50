"""Anonymous costly reads: how much one anonymous client, within its rate limit, slows another
client's cheap cached read.

gunicorn (2 sync workers, production settings, the default rate limits) over the seed data and
the small synthetic data set (25 more negotiations, about a thousand rounds: an agenda area
then has a history across two dozen negotiations). Phases of the same length, on loopback:

1. the cheap client alone: one GET of a cached answer (a round's detail) every 150 ms, from
   its own address (400 a minute, within the anonymous limit);
2. the same, while a costly client, from another address, on two connections (one per
   worker, as a browser would open several) asks one request at a time on each for answers
   that cannot come from the cache: an area's history 100 negotiations to a page,
   known as of a different day each time (as the probe did), the dashboard and the calendar
   feed known as of a different day. It keeps within its limit: it sends its next request
   as soon as the last one is answered, and after a 429 it waits Retry-After seconds;
3. (longer runs only: it takes a server of its own) the same again on a gunicorn whose limits
   count requests only (THROTTLE_COST_MS=0), as they did before answers were charged their
   cost: what the cost saves.

The cheap client's median and p95 in each phase are the result: the costly client must not
slow it by more than twice (SLOWDOWN_LIMIT) under the default limits. The costly client's
answers (200, 429) and the server time its 200s took say how the rate limit charged it.

reliability/loadfault.py runs it (``run``) on its database with gunicorns of its own and
adds a section to REPORT.md; ``python reliability/costly_reads.py --port N`` runs the first
two phases against a server already up (with the synthetic data loaded).
"""

from __future__ import annotations

import argparse
import collections
import datetime
import http.client
import statistics
import threading
import time
from dataclasses import dataclass, field

from common import free_port, gunicorn_command, manage, percentile, start_server, stop_server

# The clients' source addresses: the costly one of the last phase has its own, so that the
# units it spent under the default limits do not count against it there.
CHEAP, COSTLY, COSTLY_COUNTED = "127.0.0.5", "127.0.0.6", "127.0.0.7"
# The default limits (common.server_env turns them off for the other tests).
LIMITS = {"THROTTLE_ANON": "600/minute", "THROTTLE_USER": "3000/minute", "THROTTLE_COST_MS": "10"}
CHEAP_PATH = "/api/v1/rounds/jeju-ministerial-2025-05-16/"
COSTLY_CONNECTIONS = 2  # one per gunicorn worker
CHEAP_INTERVAL = 0.15  # seconds between the cheap client's requests (400 a minute)
TIMEOUT = 30.0
SLOWDOWN_LIMIT = 2.0
AREA = "syn-area-01"  # on the agendas of two dozen synthetic negotiations
FIRST_DAY = datetime.date(2024, 1, 1)


def costly_paths(connection: int):
    """One connection's requests of the costly client, each a variant no cache holds (a
    new day each time, another one on each connection)."""
    for number in range(connection, 100_000, COSTLY_CONNECTIONS):
        day = (FIRST_DAY + datetime.timedelta(days=number % 700)).isoformat()
        kind = number % 4
        if kind in (0, 1):
            yield f"/api/v1/agenda-areas/{AREA}/history/?page_size=100&known_as_of={day}"
        elif kind == 2:
            yield f"/dashboard/kr-us-tariff-talks-2025/?known_as_of={day}"
        else:
            yield f"/api/v1/deadlines.ics?known_as_of={day}&within_days={number % 365 + 1}"


@dataclass
class Phase:
    name: str
    cheap: list[tuple[int, float]] = field(default_factory=list)  # (status, seconds)
    costly: collections.Counter = field(default_factory=collections.Counter)  # status
    costly_seconds: float = 0.0  # time the costly client's 200s took, in all
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def answered(self) -> list[float]:
        return [seconds for status, seconds in self.cheap if status == 200]

    def median(self) -> float:
        return statistics.median(self.answered) if self.answered else 0.0

    def p95(self) -> float:
        return percentile(self.answered, 0.95)


def get(connection, path: str) -> tuple[int, float]:
    """The status of a GET, and its Retry-After (0 without one)."""
    connection.request("GET", path, headers={"Accept": "application/json"})
    response = connection.getresponse()
    response.read()
    return response.status, float(response.getheader("Retry-After") or 0)


def connect(port: int, source: str) -> http.client.HTTPConnection:
    return http.client.HTTPConnection(
        "127.0.0.1", port, timeout=TIMEOUT, source_address=(source, 0)
    )


def cheap_client(port: int, until: float, phase: Phase) -> None:
    connection = connect(port, CHEAP)
    next_at = time.monotonic()
    while time.monotonic() < until:
        started = time.monotonic()
        try:
            status, _ = get(connection, CHEAP_PATH)
        except (OSError, http.client.HTTPException):
            status = 0
            connection.close()
            connection = connect(port, CHEAP)
        phase.cheap.append((status, time.monotonic() - started))
        next_at = max(next_at + CHEAP_INTERVAL, time.monotonic())
        time.sleep(max(0.0, next_at - time.monotonic()))
    connection.close()


def costly_client(
    port: int, until: float, phase: Phase, stop: threading.Event, source: str, number: int
) -> None:
    """One connection of the costly client."""
    connection = connect(port, source)
    paths = costly_paths(number)
    while time.monotonic() < until and not stop.is_set():
        started = time.monotonic()
        try:
            status, retry_after = get(connection, next(paths))
        except (OSError, http.client.HTTPException):
            status, retry_after = 0, 0.0
            connection.close()
            connection = connect(port, source)
        with phase.lock:
            phase.costly[status] += 1
            if status == 200:
                phase.costly_seconds += time.monotonic() - started
        if status == 429:  # within its limit: it waits as it is told
            stop.wait(max(0.0, min(retry_after, until - time.monotonic())))
    connection.close()


def run_phase(port: int, name: str, duration: float, costly: str | None) -> Phase:
    """The cheap client for ``duration`` seconds, with the costly one (from the address
    ``costly``) if given."""
    phase = Phase(name)
    until = time.monotonic() + duration
    stop = threading.Event()
    threads = [threading.Thread(target=cheap_client, args=(port, until, phase), daemon=True)]
    if costly:
        threads += [
            threading.Thread(
                target=costly_client,
                args=(port, until, phase, stop, costly, number),
                daemon=True,
            )
            for number in range(COSTLY_CONNECTIONS)
        ]
    for thread in threads:
        thread.start()
    threads[0].join(duration + TIMEOUT)
    stop.set()
    for thread in threads[1:]:
        thread.join(TIMEOUT)
    return phase


def warm(port: int) -> None:
    """The cheap read into the answer cache."""
    connection = connect(port, CHEAP)
    get(connection, CHEAP_PATH)
    connection.close()


def measure(port: int, duration: float) -> list[Phase]:
    """The cheap client alone, then with the costly one, against a server already up."""
    warm(port)
    return [
        run_phase(port, "the cheap client alone", duration, None),
        run_phase(port, "with the costly client", duration, COSTLY),
    ]


def run(env: dict, work, duration: float, before: bool = True) -> dict:
    """Load the small synthetic data set into the database of ``env``, then the phases,
    each ``duration`` seconds, on gunicorns of their own (the default limits, then, with
    ``before``, limits that count requests only)."""
    began = time.monotonic()
    manage(env, "generate_synthetic", "--size", "small", "--clear", "-v", "0")
    phases = []
    servers = [({}, None)] + ([({"THROTTLE_COST_MS": "0"}, COSTLY_COUNTED)] if before else [])
    for limits, costly in servers:
        port = free_port()
        server = start_server(
            gunicorn_command(port),
            {**env, **LIMITS, **limits},
            port,
            work / f"gunicorn-costly-{port}.log",
        )
        try:
            if costly is None:
                phases += measure(port, duration)
            else:
                warm(port)
                name = "with the costly client, requests counted only (THROTTLE_COST_MS=0)"
                phases.append(run_phase(port, name, duration, costly))
        finally:
            stop_server(server)
    return {"duration": duration, "phases": phases, "elapsed": time.monotonic() - began}


def slowdown(result: dict, index: int = 1) -> tuple[float, float]:
    """How much slower the cheap read was in phase ``index`` than alone: median, p95."""
    alone, attacked = result["phases"][0], result["phases"][index]
    return (
        attacked.median() / alone.median() if alone.median() else float("inf"),
        attacked.p95() / alone.p95() if alone.p95() else float("inf"),
    )


def checks(result: dict) -> list[tuple[str, bool, str]]:
    alone, attacked = result["phases"][:2]
    median, p95 = slowdown(result)
    failed = [s for phase in result["phases"] for s, _ in phase.cheap if s != 200]
    unexpected = sum(
        count
        for phase in result["phases"]
        for status, count in phase.costly.items()
        if status not in (200, 429)
    )
    return [
        (
            "Costly anonymous reads: the cheap client's every request answered 200",
            not failed,
            f"{sum(len(phase.cheap) for phase in result['phases'])} requests, "
            f"{len(failed)} not 200",
        ),
        (
            "Costly anonymous reads: the costly client is answered (200) or refused (429), "
            "nothing else",
            not unexpected,
            f"{unexpected} other answers or none",
        ),
        (
            f"Costly anonymous reads: the cheap client's median no more than "
            f"{SLOWDOWN_LIMIT:g}× slower",
            median <= SLOWDOWN_LIMIT,
            f"median {ms(alone.median())} → {ms(attacked.median())} ({median:.2f}×), "
            f"p95 {ms(alone.p95())} → {ms(attacked.p95())} ({p95:.2f}×)",
        ),
    ]


def costly_answers(phase: Phase) -> str:
    if not phase.costly:
        return "-"
    other = sum(phase.costly.values()) - phase.costly[200] - phase.costly[429]
    return f"{phase.costly[200]} / {phase.costly[429]}" + (f" (other: {other})" if other else "")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def report_lines(result: dict) -> list[str]:
    lines = [
        "## Costly anonymous reads",
        "",
        "gunicorn (2 sync workers) with the default rate limits, over the seed data and the "
        "small synthetic data set. A cheap client reads a cached answer (a round's detail) "
        f"every {CHEAP_INTERVAL * 1000:.0f} ms, alone and then while a costly anonymous "
        f"client, from another address, on {COSTLY_CONNECTIONS} connections (one per "
        "worker), asks one request at a time on each for answers no cache holds: an area's "
        f"history 100 negotiations to a page (`{AREA}`), the dashboard and the calendar "
        "feed, each known as of a different day. It keeps within its limit: on each "
        "connection, its next request as soon as the last is answered, and after a 429 it "
        "waits Retry-After seconds. A third phase, in longer runs, has a gunicorn whose "
        "limits count requests only (`THROTTLE_COST_MS=0`), as before answers were charged "
        f"their cost (`reliability/costly_reads.py`), {result['duration']:.0f} s per phase"
        + (
            f" ({result['elapsed']:.0f} s in all, with the synthetic data and the servers)."
            if "elapsed" in result
            else "."
        ),
        "",
        "| Phase | Cheap reads | Median | p95 | Max | Costly client: 200 / 429 "
        "| Server time of its 200s |",
        "|---|---|---|---|---|---|---|",
    ]
    for phase in result["phases"]:
        lines.append(
            f"| {phase.name} | {len(phase.cheap)} | {ms(phase.median())} | {ms(phase.p95())} "
            f"| {ms(max(phase.answered, default=0.0))} | {costly_answers(phase)} "
            f"| {f'{phase.costly_seconds:.1f} s' if phase.costly else '-'} |"
        )
    lines.append("")
    for index, phase in enumerate(result["phases"][1:], start=1):
        median, p95 = slowdown(result, index)
        lines.append(
            f"Slowdown of the cheap read {phase.name}: median {median:.2f}×, p95 {p95:.2f}×."
        )
    lines.append(f"The check: at most {SLOWDOWN_LIMIT:g}× on the median, under the default limits.")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per phase")
    args = parser.parse_args()
    result = {"duration": args.duration, "phases": measure(args.port, args.duration)}
    print("\n".join(report_lines(result)))
    for name, ok, detail in checks(result):
        print(f"{'pass' if ok else 'FAIL'}: {name}: {detail}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
