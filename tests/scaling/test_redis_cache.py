"""The Redis cache backend (tracker/cache.py) in one process: a rate-limit count is one
round trip that expires, and an unreachable Redis is a miss, never an error."""

import pytest
from django.core.cache import caches
from django.test import override_settings

from negotiations.api.throttling import count_request
from tracker import cache as tracker_cache
from tracker.cache import CacheUnavailable


def redis_cache(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "tracker.cache.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def test_a_count_goes_up_and_expires_after_its_window(redis_url):
    with override_settings(CACHES=redis_cache(redis_url)):
        cache = caches["default"]
        cache.clear()
        assert [count_request(cache, "client:0", 60) for _ in range(3)] == [1, 2, 3]
        client = cache._cache.get_client(write=True)
        key = cache.make_and_validate_key("client:0")
        assert 0 < client.ttl(key) <= 61
        assert cache.get("client:0") == 3  # the same value Django's cache reads


def test_a_redis_that_hangs_costs_one_timeout_then_is_left_alone(tmp_path):
    import socket
    import time

    silent = socket.socket()  # accepts connections, never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
    try:
        with override_settings(CACHES=redis_cache(url)):
            cache = caches["default"]
            started = time.monotonic()
            assert cache.get("key", "missing") == "missing"  # waits out the timeout
            assert time.monotonic() - started >= 0.4
            started = time.monotonic()
            for _ in range(10):
                assert cache.get("key", "missing") == "missing"
                with pytest.raises(CacheUnavailable):
                    count_request(cache, "client:0", 60)
            assert time.monotonic() - started < 0.1  # not asked again for a while
    finally:
        silent.close()


def test_redis_errors_other_than_a_lost_connection_are_misses_too(redis_url):
    import redis

    with override_settings(CACHES=redis_cache(redis_url)):
        cache = caches["default"]
        client = cache._cache.get_client(write=True)
        client.config_set("maxmemory", "1")  # every write refused: OOM
        client.config_set("maxmemory-policy", "noeviction")
        try:
            with pytest.raises(redis.exceptions.ResponseError):
                client.set("probe", "x")
            cache.set("key", "value")  # no error
            tracker_cache.down_until.clear()  # asked again: the count itself is refused
            with pytest.raises(CacheUnavailable, match="maxmemory"):
                count_request(cache, "client:1", 60)
        finally:
            tracker_cache.down_until.clear()
            client.config_set("maxmemory", "0")


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
