"""What the tests of several server processes share: Redis, a PostgreSQL replica and PgBouncer
when present (skipped otherwise, a failure with REQUIRE_REDIS=1, REQUIRE_REPLICA=1 or
REQUIRE_PGBOUNCER=1, as in CI), gunicorn servers on loopback (reliability/common.py), and a
browser-like client for the admin (a cookie jar, forms posted back as a browser would)."""

import http.cookiejar
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

sys.path.insert(0, str(settings.BASE_DIR / "reliability"))
import common

REDIS_REQUIRED = os.environ.get("REQUIRE_REDIS") == "1"
REPLICA_REQUIRED = os.environ.get("REQUIRE_REPLICA") == "1"
PGBOUNCER_REQUIRED = os.environ.get("REQUIRE_PGBOUNCER") == "1"
ADMIN_PASSWORD = "scaling-test-password-42"

STAFF_SNIPPET = f"""
from django.contrib.auth.models import User
user = User.objects.filter(username="scaling-admin").first() or User.objects.create_superuser(
    "scaling-admin", "admin@example.org", "{ADMIN_PASSWORD}")
"""


def missing(reason: str, required: bool, variable: str):
    if required:
        pytest.fail(f"{reason} ({variable}=1)")
    pytest.skip(f"{reason}; set {variable}=1 to make this a failure")


def start_redis(folder: Path):
    """A throwaway redis-server on a free loopback port: (URL, process)."""
    port = common.free_port()
    process = subprocess.Popen(
        [
            *("redis-server", "--bind", "127.0.0.1", "--port", str(port)),
            *("--save", "", "--appendonly", "no", "--dir", str(folder)),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            return f"redis://127.0.0.1:{port}/0", process
        except redis.ConnectionError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("redis-server did not start")


def server_env(work: Path, **overrides: str) -> dict[str, str]:
    env = common.server_env(work, **overrides)
    # Not the test runner's settings: the servers read only what is given here.
    for name in ("REDIS_URL", "CACHE_URL", "DATABASE_REPLICA_URLS"):
        if name not in overrides:
            env.pop(name, None)
    return env


class Server:
    """One gunicorn process (one worker) on a free loopback port."""

    def __init__(self, env, work: Path, name: str, workers: int = 1):
        self.port = common.free_port()
        self.log = work / f"{name}.log"
        command = common.gunicorn_command(self.port)
        command[command.index("--workers") + 1] = str(workers)
        self.process = common.start_server(command, env, self.port, self.log)

    def request(self, method, path, body=None, headers=None) -> common.Answer:
        return common.request(self.port, method, path, body, headers)

    def get(self, path, headers=None) -> common.Answer:
        return self.request("GET", path, headers=headers)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        common.stop_server(self.process)


def prepare(env) -> str:
    """Migrate, load the seed data, collect static files, a superuser; the editor's token."""
    token = common.prepare_database(env)
    common.manage(env, "shell", "-v", "0", "-c", STAFF_SNIPPET)
    return token


def sqlite_env(work: Path, **overrides) -> dict[str, str]:
    return server_env(work, DATABASE_URL=f"sqlite:///{work / 'db.sqlite3'}", **overrides)


def with_database(url: str, name: str) -> str:
    """The same PostgreSQL server's URL, for another database."""
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path=f"/{name}"))


def unique_name(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(4)}"


def redis_binary() -> str | None:
    return shutil.which("redis-server")


# --- The admin, as a browser uses it ----------------------------------------------------------


class FormFields(HTMLParser):
    """The fields a browser would send for the admin's form (a change form, the login)."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.inside = False
        self.select: str | None = None
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id", "").endswith(("_form", "login-form")):
            self.inside = True
        if not self.inside or attrs.get("disabled") is not None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields.append((self.select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self.textarea, self.text = name, ""

    def handle_data(self, data):
        if self.textarea:
            self.text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.fields.append((self.textarea, self.text.removeprefix("\n")))
            self.textarea = None


class Browser:
    """Cookies kept, forms posted back with the CSRF token, redirects not followed."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, server: Server):
        self.server = server
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), self.NoRedirect
        )

    def open(self, path, data: list[tuple[str, str]] | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.server.url(path), data=body)
        if body is not None:
            request.add_header("Referer", self.server.url(path))
        try:
            with self.opener.open(request, timeout=common.TIMEOUT) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def form(self, path) -> list[tuple[str, str]]:
        status, page = self.open(path)
        assert status == 200, (status, page[:500])
        parser = FormFields()
        parser.feed(page)
        return parser.fields

    def log_in(self, username: str, password: str):
        fields = dict(self.form("/admin/login/"))
        fields.update(username=username, password=password)
        status, page = self.open("/admin/login/", list(fields.items()))
        assert status == 302, page[:500]

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)
