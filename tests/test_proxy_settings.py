"""Settings for running behind a TLS-terminating proxy are checked when the process starts."""

import pytest

from tests.platform.test_security import PRODUCTION_ENV, manage


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
