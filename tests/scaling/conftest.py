"""Fixtures of the tests of several processes."""

import pytest

from tests.scaling import live


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A throwaway redis-server of the module's own (tests may reconfigure it), or a skip
    (a failure with REQUIRE_REDIS=1) where Redis is not installed."""
    if not live.redis_binary():
        live.missing(
            "Redis is missing (apt-get install redis-server)", live.REDIS_REQUIRED, "REQUIRE_REDIS"
        )
    url, process = live.start_redis(tmp_path_factory.mktemp("redis"))
    yield url
    process.terminate()
    process.wait(10)
