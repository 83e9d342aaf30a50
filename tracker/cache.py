"""Django's Redis cache, with a Redis outage taken as a miss instead of an error.

The cache holds nothing that is not also somewhere else: cached answers are recomputed from
the database, and rate-limit counts restart. So when Redis fails (unreachable, too slow: the
settings give it half a second, read-only after a failover, out of memory), a read is a
miss, a write is dropped, and the request goes on; each failure is logged. Limits are then
not enforced until Redis is back (negotiations/api/throttling.py lets requests through when
it cannot count them). After a failure the process leaves Redis alone for a few seconds, so
that a Redis that hangs costs one timeout, not one per call of every request.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
UNAVAILABLE = (RedisError, OSError)
# Seconds this process serves without Redis after a failure, before trying it again.
PAUSE_AFTER_FAILURE = 5.0


class CacheUnavailable(Exception):
    """Raised by ``incr`` and ``count`` only: a count that cannot be made is not a missing key."""


# Redis servers (their locations) that failed: monotonic time until which they are left
# alone, shared by every cache instance (Django makes one per thread) of this process.
down_until: dict[tuple, float] = {}


class ResilientRedisCache(RedisCache):
    def _attempt(self, operation: str, call, fallback):
        """``call()``, or ``fallback()`` when Redis failed now or a moment ago."""
        servers = tuple(self._servers)
        if time.monotonic() < down_until.get(servers, 0.0):
            return fallback(None)
        try:
            return call()
        except UNAVAILABLE as error:
            down_until[servers] = time.monotonic() + PAUSE_AFTER_FAILURE
            logger.warning(
                "Redis unavailable (%s): %s; going without it for %g s",
                operation,
                error,
                PAUSE_AFTER_FAILURE,
            )
            return fallback(error)

    @staticmethod
    def _uncounted(error):
        raise CacheUnavailable(str(error or "Redis paused after a failure"))

    def get(self, key, default=None, version=None):
        return self._attempt(
            "get",
            lambda: super(ResilientRedisCache, self).get(key, default, version),
            lambda error: default,
        )

    def get_many(self, keys, version=None):
        return self._attempt(
            "get_many",
            lambda: super(ResilientRedisCache, self).get_many(keys, version),
            lambda error: {},
        )

    def set(self, key, value, timeout=None, version=None):
        self._attempt(
            "set",
            lambda: super(ResilientRedisCache, self).set(key, value, timeout, version),
            lambda error: None,
        )

    def add(self, key, value, timeout=None, version=None):
        return self._attempt(
            "add",
            lambda: super(ResilientRedisCache, self).add(key, value, timeout, version),
            lambda error: False,
        )

    def delete(self, key, version=None):
        return self._attempt(
            "delete",
            lambda: super(ResilientRedisCache, self).delete(key, version),
            lambda error: False,
        )

    def incr(self, key, delta=1, version=None):
        return self._attempt(
            "incr",
            lambda: super(ResilientRedisCache, self).incr(key, delta, version),
            self._uncounted,
        )

    def count(self, key, timeout, version=None, amount: int = 1) -> int:
        """``amount`` more (one by default) under ``key``, which expires ``timeout`` seconds
        after its last count: INCRBY and EXPIRE in one round trip (Django's ``add`` then
        ``incr`` take three)."""
        key = self.make_and_validate_key(key, version=version)

        def count():
            pipeline = self._cache.get_client(key, write=True).pipeline()
            pipeline.incrby(key, amount)
            pipeline.expire(key, timeout)
            return pipeline.execute()[0]

        return self._attempt("count", count, self._uncounted)

    def clear(self):
        self._attempt("clear", lambda: super(ResilientRedisCache, self).clear(), lambda e: None)
