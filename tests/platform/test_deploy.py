"""Deployment: docker compose puts nginx in front of gunicorn, and its configuration is
valid nginx with timeouts for slow clients (run for real by reliability/slowclients.py)."""

import os
import re
import subprocess
import sys

import pytest
import yaml
from django.conf import settings

ROOT = settings.BASE_DIR
sys.path.insert(0, str(ROOT / "reliability"))
import slowclients  # noqa: E402

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
TEMPLATE = slowclients.TEMPLATE.read_text()


def test_compose_publishes_only_the_proxy():
    services = COMPOSE["services"]
    assert services["proxy"]["build"]["target"] == "proxy"
    assert services["proxy"]["ports"] == ["${PORT:-8000}:8080"]
    assert "ports" not in services["web"]  # gunicorn is reached through nginx only
    assert services["web"]["environment"]["NUM_PROXIES"] == "${NUM_PROXIES:-1}"


def test_compose_shares_the_cache_and_rate_limits_on_redis():
    services = COMPOSE["services"]
    assert services["redis"]["image"].startswith("redis:")
    assert services["web"]["environment"]["REDIS_URL"] == "redis://redis:6379/0"
    assert services["web"]["depends_on"]["redis"] == {"condition": "service_healthy"}
    assert "ports" not in services["redis"]


def test_the_proxy_image_is_the_official_nginx_with_the_template():
    dockerfile = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+) AS (\w+)$", dockerfile, re.MULTILINE)
    assert stages[0][0].startswith("nginx:") and stages[0][1] == "proxy"
    assert stages[-1][1] == "app"  # the default build target stays the app
    assert "COPY deploy/nginx/templates /etc/nginx/templates" in dockerfile


@pytest.mark.parametrize(
    "directive",
    [
        "client_header_timeout 10s;",
        "client_body_timeout 10s;",
        "send_timeout 30s;",
        "keepalive_timeout 15s;",
        "proxy_request_buffering on;",
        "proxy_buffering on;",
        "limit_conn tracker_per_client 64;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    ],
)
def test_the_proxy_buffers_and_times_slow_clients_out(directive):
    assert directive in TEMPLATE


@pytest.mark.skipif(not slowclients.nginx_binary(), reason="nginx is not installed")
def test_the_proxy_configuration_is_valid_nginx(tmp_path):
    config = slowclients.render_proxy(tmp_path, upstream_port=8000, proxy_port=8080)
    try:
        slowclients.check_config(slowclients.nginx_binary(), config)
    except subprocess.CalledProcessError as error:  # pragma: no cover - shows nginx's reason
        pytest.fail(error.stderr.decode())


def test_behind_pgbouncer_no_server_side_cursors_nor_startup_options():
    code = (
        "from django.conf import settings; d = settings.DATABASES; "
        "print(d['default']['DISABLE_SERVER_SIDE_CURSORS'], "
        "d['replica1']['DISABLE_SERVER_SIDE_CURSORS'], 'options' in d['default']['OPTIONS'])"
    )
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": "postgres://u@127.0.0.1:1/db",
        "DATABASE_REPLICA_URLS": "postgres://u@127.0.0.1:2/db",
        "DATABASE_BEHIND_PGBOUNCER": "1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == "True True False"
