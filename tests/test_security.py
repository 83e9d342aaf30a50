"""Production settings, rate limits, outages: the service fails safe and says why."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import OperationalError

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


class TestDatabaseOutage:
    def fail(self, *args, **kwargs):
        raise OperationalError("connection refused")

    def test_api_answers_503_json(self, api, monkeypatch):
        monkeypatch.setattr("negotiations.api.views.current_data_version", self.fail)
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


def test_admin_needs_staff_status(client, django_user_model):
    user = django_user_model.objects.create_user(username="not-staff", password="x" * 16)
    client.force_login(user)
    assert client.get("/admin/negotiations/round/").status_code == 302
