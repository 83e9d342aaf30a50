"""Django's Redis cache, with a Redis outage taken as a miss instead of an error.

The cache holds nothing that is not also somewhere else: cached answers are recomputed from
the database, and rate-limit counts restart. So when Redis is unreachable (or answers too
slowly: the settings give it half a second), a read is a miss, a write is dropped, and the
request goes on; each failure is logged. Limits are then not enforced until Redis is back
(negotiations/api/throttling.py lets requests through when it cannot count them).
"""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class CacheUnavailable(Exception):
    """Raised by ``incr`` only: a counter that cannot be counted is not a missing key."""


class ResilientRedisCache(RedisCache):
    def _failed(self, operation: str, error: Exception) -> None:
        logger.warning("Redis unavailable (%s): %s", operation, error)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNAVAILABLE as error:
            self._failed("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNAVAILABLE as error:
            self._failed("get_many", error)
            return {}

    def set(self, key, value, timeout=None, version=None):
        try:
            super().set(key, value, timeout, version)
        except UNAVAILABLE as error:
            self._failed("set", error)

    def add(self, key, value, timeout=None, version=None):
        try:
            return super().add(key, value, timeout, version)
        except UNAVAILABLE as error:
            self._failed("add", error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNAVAILABLE as error:
            self._failed("delete", error)
            return False

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNAVAILABLE as error:
            self._failed("incr", error)
            raise CacheUnavailable(str(error)) from error

    def count(self, key, timeout, version=None) -> int:
        """One more under ``key``, which expires ``timeout`` seconds after its last count:
        INCR and EXPIRE in one round trip (Django's ``add`` then ``incr`` take three)."""
        key = self.make_and_validate_key(key, version=version)
        try:
            pipeline = self._cache.get_client(key, write=True).pipeline()
            pipeline.incr(key)
            pipeline.expire(key, timeout)
            return pipeline.execute()[0]
        except UNAVAILABLE as error:
            self._failed("count", error)
            raise CacheUnavailable(str(error)) from error

    def clear(self):
        try:
            super().clear()
        except UNAVAILABLE as error:
            self._failed("clear", error)
