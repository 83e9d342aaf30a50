"""The Redis cache backend (tracker/cache.py) in one process: a rate-limit count is one
round trip that expires, and an unreachable Redis is a miss, never an error."""

import pytest
from django.core.cache import caches
from django.test import override_settings

from negotiations.api.throttling import count_request
from tests.scaling import live
from tracker.cache import CacheUnavailable


def redis_cache(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "tracker.cache.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    if not live.redis_binary():
        live.missing(
            "Redis is missing (apt-get install redis-server)", live.REDIS_REQUIRED, "REQUIRE_REDIS"
        )
    url, process = live.start_redis(tmp_path_factory.mktemp("redis"))
    yield url
    process.terminate()
    process.wait(10)


def test_a_count_goes_up_and_expires_after_its_window(redis_url):
    with override_settings(CACHES=redis_cache(redis_url)):
        cache = caches["default"]
        cache.clear()
        assert [count_request(cache, "client:0", 60) for _ in range(3)] == [1, 2, 3]
        client = cache._cache.get_client(write=True)
        key = cache.make_and_validate_key("client:0")
        assert 0 < client.ttl(key) <= 61
        assert cache.get("client:0") == 3  # the same value Django's cache reads


def test_an_unreachable_redis_is_a_miss_and_an_uncounted_request(db, client):
    closed_port = "redis://127.0.0.1:1/0"
    with override_settings(CACHES=redis_cache(closed_port)):
        cache = caches["default"]
        cache.set("key", "value")
        assert cache.get("key", "missing") == "missing"
        assert cache.add("key", "value") is False
        with pytest.raises(CacheUnavailable):
            count_request(cache, "client:0", 60)
        # The API answers: the limit is not enforced, the answer is computed, not cached.
        response = client.get("/api/v1/rounds/")
        assert response.status_code == 200
        assert "RateLimit-Remaining" not in response.headers
