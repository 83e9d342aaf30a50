"""What the reliability scripts share: a throwaway database prepared like production, a
server on loopback, HTTP requests with a timeout, percentiles. Loopback only."""

from __future__ import annotations

import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
TIMEOUT = 10.0  # seconds: a request still unanswered then is a hang, and a failure


_handed_out: list[int] = []


def free_port() -> int:
    """A loopback port nothing listens on: any, or on a machine shared with others one of
    RELIABILITY_PORTS ("8121-8129"), the least recently handed out first."""
    wanted = os.environ.get("RELIABILITY_PORTS", "").strip()
    if not wanted:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]
    low, _, high = wanted.partition("-")
    ports = range(int(low), int(high or low) + 1)
    for port in sorted(ports, key=lambda port: (port in _handed_out, _handed_out.count(port))):
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.append(port)
        return port
    raise SystemExit(f"No free port in RELIABILITY_PORTS={wanted}")


def server_env(work: Path, **overrides: str) -> dict[str, str]:
    """Production settings (DEBUG off, a random key, no HTTPS redirect on loopback, no rate
    limits), static files collected into the throwaway folder."""
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        THROTTLE_ANON="off",
        THROTTLE_USER="off",
        LOG_LEVEL="WARNING",
        STATIC_ROOT=str(work / "static"),
    )
    env.update(overrides)
    return env


def manage(env, *args, capture=False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
    )
    return result.stdout or ""


EDITOR_SNIPPET = """
from django.contrib.auth.models import Permission, User
from negotiations.api.tokens import issue_token
user, _ = User.objects.get_or_create(username="loadfault-editor")
user.user_permissions.set(Permission.objects.filter(content_type__app_label="negotiations"))
print(issue_token(user)[1])
"""


def prepare_database(env, *, static: bool = True) -> str:
    """Migrate, load the seed data, collect static files; the editor's API token."""
    manage(env, "migrate", "--noinput")
    manage(env, "loaddata", "korea_us_2025")
    if static:
        manage(env, "collectstatic", "--noinput")
    return manage(env, "shell", "-v", "0", "-c", EDITOR_SNIPPET, capture=True).split()[-1]


def gunicorn_command(port: int, *options: str) -> list[str]:
    return [
        *(GUNICORN, "tracker.wsgi:application", "--bind", f"127.0.0.1:{port}"),
        *("--workers", "2", "--timeout", "30", "--graceful-timeout", "5"),
        *options,
    ]


def start_server(command: list[str], env, port: int, log: Path) -> subprocess.Popen:
    """Start a server in its own process group; return once /healthz answers on port."""
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"{command[0]} exited early:\n{log.read_text()[-3000:]}")
        try:
            if request(port, "GET", "/healthz").status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(server)
    raise SystemExit(f"{command[0]} did not answer /healthz within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str]

    def json(self):
        return json.loads(self.body)


def request(port, method, path, body=None, headers=None, timeout=TIMEOUT) -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        all_headers = {"Accept": "application/json", **(headers or {})}
        if payload is not None:
            all_headers["Content-Type"] = "application/json"
        connection.request(method, path, body=payload, headers=all_headers)
        response = connection.getresponse()
        return Answer(
            response.status,
            response.read(),
            {key.lower(): value for key, value in response.getheaders()},
        )
    finally:
        connection.close()


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of the values fall (nearest rank); 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]
