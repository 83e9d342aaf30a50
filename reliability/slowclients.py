"""Slow clients (slowloris) against gunicorn, with and without the reverse proxy in front.

gunicorn's sync workers (two, as in production) serve one connection at a time. Slow
clients open connections and send their request a little at a time: a header line every
2 s that never ends the headers (slowloris), or complete headers and then a body one byte
every 2 s. Meanwhile one legitimate client sends ordinary requests, one at a time. Three
phases of the same length, on loopback only:

1. through nginx (deploy/nginx/templates/default.conf.template, Debian's nginx), no attack:
   the legitimate client's usual latency;
2. through nginx, under attack: the same client's latency, and how nginx ended the slow
   connections;
3. straight to gunicorn, under attack: what the proxy prevents.

reliability/loadfault.py runs it against its gunicorn and adds a section to REPORT.md.
"""

from __future__ import annotations

import collections
import http.client
import os
import shutil
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from common import ROOT, free_port, percentile

TEMPLATE = ROOT / "deploy" / "nginx" / "templates" / "default.conf.template"
INTERVAL = 2.0  # seconds between the slow clients' sends
LEGIT_TIMEOUT = 10.0
LEGIT, SLOW_HEADERS, SLOW_BODY = "127.0.0.2", "127.0.0.3", "127.0.0.4"  # source addresses
PATHS = [
    "/api/v1/rounds/?negotiation=kr-us-tariff-talks-2025",
    "/api/v1/rounds/jeju-ministerial-2025-05-16/",
    "/api/v1/deadlines/?as_of=2025-05-16",
    "/healthz",
]


def nginx_binary() -> str | None:
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None
    )


def render_proxy(work: Path, upstream_port: int, proxy_port: int) -> Path:
    """The compose proxy's configuration for loopback: the template with its two values
    filled in (as the official image's entrypoint does), in a main file of our own."""
    server = TEMPLATE.read_text()
    server = server.replace("${TRACKER_UPSTREAM}", f"127.0.0.1:{upstream_port}")
    server = server.replace("${TRACKER_PROXY_PORT}", f"127.0.0.1:{proxy_port}")
    (work / "default.conf").write_text(server)
    for folder in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (work / folder).mkdir(exist_ok=True)
    main = f"""
daemon off;
worker_processes 1;
{"user root;" if os.geteuid() == 0 else ""}
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    include {work}/default.conf;
}}
"""
    path = work / "nginx.conf"
    path.write_text(main)
    return path


def check_config(nginx: str, config: Path) -> None:
    subprocess.run(
        [nginx, "-t", "-q", "-c", str(config), "-p", str(config.parent)],
        check=True,
        capture_output=True,
    )


def start_nginx(nginx: str, config: Path, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [nginx, "-c", str(config), "-p", str(config.parent)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("nginx did not start (see its error log)")


def stop_nginx(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class SlowClients:
    """Slow connections kept open (reopened when the server ends one) until stopped."""

    port: int
    stop: threading.Event = field(default_factory=threading.Event)
    opened: collections.Counter = field(default_factory=collections.Counter)
    ended_by_server: collections.Counter = field(default_factory=collections.Counter)
    refused: collections.Counter = field(default_factory=collections.Counter)
    threads: list[threading.Thread] = field(default_factory=list)

    def start(self, headers: int, bodies: int) -> None:
        for number in range(headers):
            self.spawn(self.slow_headers, number)
        for number in range(bodies):
            self.spawn(self.slow_body, number)

    def spawn(self, target, number) -> None:
        thread = threading.Thread(target=target, args=(number,), daemon=True)
        thread.start()
        self.threads.append(thread)

    def connect(self, source: str, kind: str) -> socket.socket | None:
        try:
            sock = socket.create_connection(
                ("127.0.0.1", self.port), timeout=5, source_address=(source, 0)
            )
        except OSError:
            self.refused[kind] += 1
            self.stop.wait(INTERVAL)
            return None
        self.opened[kind] += 1
        return sock

    def dribble(self, sock: socket.socket, kind: str, first: bytes, then: bytes) -> None:
        """Send ``first``, then ``then`` every INTERVAL, until stopped or cut off."""
        try:
            sock.sendall(first)
            while not self.stop.wait(INTERVAL):
                sock.sendall(then)
        except OSError:
            self.ended_by_server[kind] += 1
        finally:
            sock.close()

    def slow_headers(self, number: int) -> None:
        kind = "header line every 2 s"
        while not self.stop.is_set():
            sock = self.connect(SLOW_HEADERS, kind)
            if sock is not None:
                first = f"GET /api/v1/rounds/?slow={number} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                self.dribble(sock, kind, first.encode(), b"X-Slow: 1\r\n")

    def slow_body(self, number: int) -> None:
        kind = "body byte every 2 s"
        while not self.stop.is_set():
            sock = self.connect(SLOW_BODY, kind)
            if sock is not None:
                first = (
                    "POST /api/v1/sources/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"
                )
                self.dribble(sock, kind, first.encode(), b" ")

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(INTERVAL + 10)


def legitimate(port: int, duration: float) -> list[tuple[int, float]]:
    """One client's ordinary requests, one at a time: (status or 0, seconds) each."""
    answers = []
    deadline = time.monotonic() + duration
    number = 0
    while time.monotonic() < deadline:
        path = PATHS[number % len(PATHS)]
        number += 1
        start = time.monotonic()
        connection = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=LEGIT_TIMEOUT, source_address=(LEGIT, 0)
        )
        try:
            connection.request("GET", path, headers={"Accept": "application/json"})
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            status = 0
        finally:
            connection.close()
        answers.append((status, time.monotonic() - start))
    return answers


def phase(port: int, duration: float, headers: int = 0, bodies: int = 0) -> dict:
    slow = SlowClients(port)
    slow.start(headers, bodies)
    if headers or bodies:
        time.sleep(INTERVAL)  # the slow connections are open before the first request
    try:
        answers = legitimate(port, duration)
    finally:
        slow.finish()
    served = [seconds for status, seconds in answers if status == 200]
    return {
        "requests": len(answers),
        "served": len(served),
        "unanswered": sum(status == 0 for status, _ in answers),
        "other": collections.Counter(status for status, _ in answers if status not in (0, 200)),
        "p50": percentile(served, 0.5),
        "p95": percentile(served, 0.95),
        "max": max(served, default=0.0),
        "slow_opened": dict(slow.opened),
        "slow_ended": dict(slow.ended_by_server),
        "slow_refused": dict(slow.refused),
    }


def run(gunicorn_port: int, work: Path, duration: float, headers=40, bodies=8) -> dict | None:
    """The three phases against a running gunicorn; None without nginx on this machine."""
    nginx = nginx_binary()
    if nginx is None:
        return None
    folder = work / "nginx"
    folder.mkdir(exist_ok=True)
    proxy_port = free_port()
    config = render_proxy(folder, gunicorn_port, proxy_port)
    check_config(nginx, config)
    process = start_nginx(nginx, config, proxy_port)
    try:
        baseline = phase(proxy_port, duration)
        proxied = phase(proxy_port, duration, headers, bodies)
    finally:
        stop_nginx(process)
    direct = phase(gunicorn_port, duration, headers, bodies)
    return {
        "duration": duration,
        "headers": headers,
        "bodies": bodies,
        "phases": {
            "Through nginx, no slow clients": baseline,
            "Through nginx, slow clients": proxied,
            "Straight to gunicorn, slow clients": direct,
        },
    }


def checks(result: dict | None) -> list[tuple[str, bool, str]]:
    if result is None:
        return [("Slow clients: nginx is installed to run the proxy on loopback", False, "")]
    baseline = result["phases"]["Through nginx, no slow clients"]
    proxied = result["phases"]["Through nginx, slow clients"]
    # "Their usual latency": within three times the median without slow clients, or 50 ms
    # more (loopback medians are a few milliseconds, at the mercy of a busy machine).
    bound = max(3 * baseline["p50"], baseline["p50"] + 0.05)
    return [
        (
            "Slow clients: every legitimate request through nginx is answered",
            proxied["requests"] > 0 and proxied["served"] == proxied["requests"],
            f"{proxied['served']} of {proxied['requests']} answered 200 while "
            f"{result['headers'] + result['bodies']} slow connections were open",
        ),
        (
            "Slow clients: legitimate requests keep their usual latency",
            proxied["p50"] <= bound,
            f"median {proxied['p50'] * 1000:.0f} ms under attack, "
            f"{baseline['p50'] * 1000:.0f} ms without",
        ),
    ]


def report_lines(result: dict | None) -> list[str]:
    lines = ["## Slow clients", ""]
    if result is None:
        return [*lines, "Not run: nginx is not installed (`apt-get install nginx`)."]
    lines += [
        f"gunicorn (2 sync workers) with {result['headers']} clients sending a header line "
        f"every {INTERVAL:.0f} s and {result['bodies']} sending a body one byte every "
        f"{INTERVAL:.0f} s, while one legitimate client sends ordinary GETs one at a time "
        f"(client timeout {LEGIT_TIMEOUT:.0f} s), {result['duration']:.0f} s per phase; nginx "
        "runs `deploy/nginx/templates/default.conf.template`, as docker compose does "
        "(`reliability/slowclients.py`).",
        "",
        "| Phase | Legitimate requests | Answered | Unanswered | Median | p95 | Max "
        "| Slow connections opened / ended by the server |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, data in result["phases"].items():
        opened = sum(data["slow_opened"].values())
        ended = sum(data["slow_ended"].values())
        times = (
            " | ".join(f"{data[key] * 1000:.0f} ms" for key in ("p50", "p95", "max"))
            if data["served"]
            else "- | - | -"
        )
        lines.append(
            f"| {name} | {data['requests']} | {data['served']} | {data['unanswered']} | "
            f"{times} | " + (f"{opened} / {ended} |" if opened else "- |")
        )
    return lines
