"""Read replicas (DATABASE_REPLICA_URLS): reads of the record on a replica, the rest on the
primary, and a client that just wrote reads its own writes.

Which requests read from a replica: GET and HEAD outside the admin, from a client that has
not written in the last READ_YOUR_WRITES_SECONDS. ``ReplicaMiddleware`` picks one usable
replica for the whole request (so the data version an answer is cached under and the data
it shows come from one database) and ``ReplicaRouter`` sends the reads of the
``negotiations`` app there. Everything else goes to the primary: writes and every query of a
write's request (its reads must see the rows it locks), the admin, users, tokens, sessions
and login attempts, migrations, management commands.

Read your writes: every successful write (API or admin) answers with a cookie
``tracker_primary_until`` (the time until which this client reads from the primary), so that
a client that wrote and reads again sees its write, and the ETag it sends back as If-Match
is the current one (a client that keeps no cookie sends it back by hand). A later time than
the window allows is ignored: a client cannot pin itself to the primary.

A replica is skipped, and its reads go to the primary, when it is unreachable or lags: when
it has not shown a write that the primary made more than DATABASE_REPLICA_MAX_LAG seconds
ago (the data version, negotiations.models.DataVersion, compared on both). Each process
checks each replica at most once a second (every 5 s once it failed). A GET that failed on a
replica (an answer 5xx while the replica turns out to be down) is answered again from the
primary: a stopped replica costs a client no error.
"""

from __future__ import annotations

import logging
import random
import time
from contextvars import ContextVar

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone

logger = logging.getLogger(__name__)

REPLICATED_APPS = {"negotiations"}
COOKIE = "tracker_primary_until"
CHECK_SECONDS = 1.0
RETRY_FAILED_SECONDS = 5.0

# The replica this request reads from; None: the primary.
reading_from: ContextVar[str | None] = ContextVar("reading_from", default=None)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        alias = reading_from.get()
        if alias is None or model._meta.app_label not in REPLICATED_APPS:
            return "default"
        return alias

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one data set, wherever it was read

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"  # replicas follow the primary's schema by replication


def data_version_on(alias: str):
    """(version, changed_at) of the data set on one database."""
    from negotiations.domain.versioning import current_data_version

    return current_data_version(using=alias)


def lag_problem(alias: str) -> str | None:
    """Why the replica cannot serve reads now (unreachable, lagging), or None."""
    try:
        replica_version, _ = data_version_on(alias)
    except DatabaseError as error:
        connections[alias].close()
        return f"unreachable ({error.__class__.__name__}: {str(error).strip()[:200]})"
    primary_version, changed_at = data_version_on("default")
    if replica_version >= primary_version or changed_at is None:
        return None
    behind = (timezone.now() - changed_at).total_seconds()
    if behind > settings.REPLICA_MAX_LAG:
        return (
            f"lagging: at data version {replica_version}, the primary at {primary_version} "
            f"for {behind:.1f} s (DATABASE_REPLICA_MAX_LAG={settings.REPLICA_MAX_LAG:g})"
        )
    return None


class Replicas:
    """This process's view of which replicas are usable, checked at most once a second."""

    def __init__(self):
        self.known: dict[str, tuple[float, bool]] = {}  # alias -> (checked until, usable)

    def usable(self, alias: str, *, recheck: bool = False) -> bool:
        now = time.monotonic()
        until, ok = self.known.get(alias, (0.0, False))
        if now < until and not recheck:
            return ok
        problem = lag_problem(alias)
        if problem and (ok or alias not in self.known):
            logger.warning("Replica %s skipped: %s", alias, problem)
        elif not problem and not ok and alias in self.known:
            logger.warning("Replica %s back in use", alias)
        ok = problem is None
        self.known[alias] = (now + (CHECK_SECONDS if ok else RETRY_FAILED_SECONDS), ok)
        return ok

    def choose(self) -> str | None:
        aliases = [alias for alias in settings.REPLICA_ALIASES if self.usable(alias)]
        return random.choice(aliases) if aliases else None


replicas = Replicas()


def primary_until(request) -> float:
    """Until when this client reads from the primary (its cookie), 0 if not."""
    raw = request.COOKIES.get(COOKIE, "")
    try:
        until = float(raw)
    except ValueError:
        return 0.0
    # A time further than one window ahead was not set by this server: ignored.
    return until if until <= time.time() + settings.READ_YOUR_WRITES_SECONDS + 1 else 0.0


def may_read_from_replica(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith("/admin/")
        and primary_until(request) < time.time()
    )


class ReplicaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        alias = replicas.choose() if may_read_from_replica(request) else None
        if alias is None:
            response = self.get_response(request)
        else:
            token = reading_from.set(alias)
            try:
                response = self.get_response(request)
            finally:
                reading_from.reset(token)
            if response.status_code >= 500 and not replicas.usable(alias, recheck=True):
                # The replica went away during the request: the same GET from the primary.
                response = self.get_response(request)
        request.read_from = alias or "default"
        if request.method not in ("GET", "HEAD", "OPTIONS") and response.status_code < 400:
            window = settings.READ_YOUR_WRITES_SECONDS
            response.set_cookie(
                COOKIE,
                f"{time.time() + window:.3f}",
                max_age=max(int(window), 1),
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
