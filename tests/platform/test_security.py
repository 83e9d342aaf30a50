"""Production settings, rate limits, outages: the service fails safe and says why."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import override_settings

pytestmark = pytest.mark.django_db

PRODUCTION_ENV = {
    "PATH": os.environ["PATH"],
    "SECRET_KEY": "a-very-long-and-random-production-secret-key-7f3d9c1b5e8a2046",
    "ALLOWED_HOSTS": "tracker.example.org",
    "DEBUG": "0",
}


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production_mode():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_turned_on():
    env = {**PRODUCTION_ENV}
    result = manage(
        "shell", "-c", "from django.conf import settings; print(settings.DEBUG)", env=env
    )
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_no_secrets_in_the_repository():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=settings.BASE_DIR, capture_output=True, text=True
    ).stdout.split()
    assert ".env" not in tracked
    assert ".env.example" in tracked
    compose = (settings.BASE_DIR / "docker-compose.yml").read_text()
    assert "${SECRET_KEY" in compose and "${POSTGRES_PASSWORD" in compose


class TestThrottling:
    def test_anonymous_clients_get_429_with_retry_after(self, api, monkeypatch):
        monkeypatch.setenv("THROTTLE_ANON", "3/minute")
        statuses = [api.get("/api/v1/parties/").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        throttled = api.get("/api/v1/parties/")
        assert int(throttled["Retry-After"]) > 0
        assert "throttled" in throttled.json()["detail"].lower()

    def test_authenticated_clients_have_their_own_rate(self, editor, monkeypatch):
        monkeypatch.setenv("THROTTLE_ANON", "1/minute")
        monkeypatch.setenv("THROTTLE_USER", "2/minute")
        statuses = [editor.get("/api/v1/parties/").status_code for _ in range(3)]
        assert statuses == [200, 200, 429]

    def test_rates_can_be_turned_off(self, api, monkeypatch):
        monkeypatch.setenv("THROTTLE_ANON", "off")
        assert all(api.get("/api/v1/parties/").status_code == 200 for _ in range(5))

    def test_a_forged_x_forwarded_for_does_not_escape_the_limit(self, api, monkeypatch):
        monkeypatch.setenv("THROTTLE_ANON", "3/minute")
        statuses = [
            api.get("/api/v1/parties/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
            for n in range(4)
        ]
        assert statuses == [200, 200, 200, 429]

    def test_behind_a_proxy_the_address_it_appends_counts(self, api, monkeypatch):
        monkeypatch.setenv("THROTTLE_ANON", "2/minute")
        rest_framework = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
        with override_settings(REST_FRAMEWORK=rest_framework):
            # The client forges the first address; the proxy appends the real one.
            forged = [
                api.get(
                    "/api/v1/parties/", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.7"
                ).status_code
                for n in range(3)
            ]
            other_client = api.get("/api/v1/parties/", HTTP_X_FORWARDED_FOR="203.0.113.8")
        assert forged == [200, 200, 429]
        assert other_client.status_code == 200

    def test_num_proxies_comes_from_the_environment(self):
        env = {**PRODUCTION_ENV, "NUM_PROXIES": "2"}
        code = "from django.conf import settings; print(settings.REST_FRAMEWORK['NUM_PROXIES'])"
        result = manage("shell", "-c", code, env=env)
        assert result.stdout.strip().splitlines()[-1] == "2"
        result = manage("check", env={**PRODUCTION_ENV, "NUM_PROXIES": "one"})
        assert result.returncode != 0
        assert "NUM_PROXIES" in result.stderr


class TestDatabaseOutage:
    def fail(self, *args, **kwargs):
        raise OperationalError("connection refused")

    def test_api_answers_503_json(self, api, monkeypatch):
        monkeypatch.setattr("negotiations.api.conditional.current_data_version", self.fail)
        response = api.get("/api/v1/rounds/")
        assert response.status_code == 503
        assert response["Retry-After"]
        assert "database is unavailable" in response.json()["detail"]

    def test_pages_outside_the_api_answer_503_json(self, client, monkeypatch):
        monkeypatch.setattr("negotiations.health.connection.cursor", self.fail)
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json()["database"] == "down"

    def test_healthz_when_up(self, client):
        assert client.get("/healthz").json() == {"status": "ok", "database": "up"}


@pytest.mark.parametrize("value", ["HTTP_X_FORWARDED_PROTO", "A,b,c"])
def test_a_half_configured_proxy_header_stops_startup(value):
    result = manage("check", env={**PRODUCTION_ENV, "SECURE_PROXY_SSL_HEADER": value})
    assert result.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER must be a header and a value" in result.stderr


def test_the_proxy_header_is_a_header_and_a_value():
    env = {**PRODUCTION_ENV, "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO, https"}
    code = "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    result = manage("shell", "-c", code, env=env)
    assert result.stdout.strip().splitlines()[-1] == "('HTTP_X_FORWARDED_PROTO', 'https')"
