"""Read replicas (DATABASE_REPLICA_URLS): reads of the record on a replica, the rest on the
primary, and a client that just wrote reads its own writes.

Which requests read from a replica: GET and HEAD outside the admin, from a client that has
not written in the last READ_YOUR_WRITES_SECONDS. ``ReplicaMiddleware`` picks one usable
replica for the whole request (so the data version an answer is cached under and the data
it shows come from one database) and ``ReplicaRouter`` sends the reads of the
``negotiations`` app there. Everything else goes to the primary: writes and every query of a
write's request (its reads must see the rows it locks), the admin, users, tokens, sessions
and login attempts, migrations, management commands.

Read your writes: every successful write (API or admin: a request that moved the data
version and answered with a success), and an API write refused as stale (412), answers with
a cookie ``tracker_primary_until``, signed with its time: for the next
READ_YOUR_WRITES_SECONDS this client reads from the primary, so that it sees its write, and
the ETag it sends back as If-Match is the current one (a client that keeps no cookie sends
it back by hand). The signature's age decides, and only a write earns one: a request that
wrote nothing (a TRACE, a POST to a page that takes none, a failed login) gets no cookie, so
a client cannot pin itself to the primary.

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
from django.core import signing
from django.db import DatabaseError, connections
from django.utils import timezone

logger = logging.getLogger(__name__)

REPLICATED_APPS = {"negotiations"}
COOKIE = "tracker_primary_until"
CHECK_SECONDS = 1.0
RETRY_FAILED_SECONDS = 5.0
# Primary versions noted per replica while it is behind (one per check: a replica this far
# behind has long been skipped).
MAX_NOTED = 120

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


class Replicas:
    """This process's view of which replicas are usable, checked at most once a second (every
    5 s once one failed).

    A replica lags when it has been missing a write of the primary's for longer than
    DATABASE_REPLICA_MAX_LAG: the data version (moved by every write) compared on both. Each
    check notes the primary's version with the time this process first saw it; the replica's
    lag is the age of the oldest noted version it has not reached (or of the primary's last
    write, when that is older). So a replica whose replay is slow or paused, or whose stream
    broke, is skipped even while new writes keep coming, and one that is steadily seconds
    behind is measured so, not timed anew each time it passes an old mark. (PostgreSQL's own
    replay lag, the age of the last replayed transaction, would call a healthy replica late
    for every write that follows a quiet spell.)

    While the primary cannot be reached, a replica that was usable stays in use (reads go on;
    anything that needs the primary fails as it would anyway), one skipped for lag stays
    skipped, and the primary is not asked again for RETRY_FAILED_SECONDS."""

    def __init__(self):
        self.known: dict[str, tuple[float, bool]] = {}  # alias -> (checked until, usable)
        # alias -> [(a primary version the replica had not reached, first seen: monotonic)]
        self.missing: dict[str, list[tuple[int, float]]] = {}
        self.lagging: set[str] = set()
        self.primary_down_until = 0.0

    def primary_version(self):
        """(version, changed_at) on the primary, or None while it cannot be reached."""
        if time.monotonic() < self.primary_down_until:
            return None
        try:
            return data_version_on("default")
        except DatabaseError:
            connections["default"].close()
            self.primary_down_until = time.monotonic() + RETRY_FAILED_SECONDS
            return None

    def problem(self, alias: str) -> str | None:
        """Why the replica cannot serve reads now (unreachable, lagging), or None."""
        try:
            replica_version, _ = data_version_on(alias)
        except DatabaseError as error:
            connections[alias].close()
            return f"unreachable ({error.__class__.__name__}: {str(error).strip()[:200]})"
        primary = self.primary_version()
        if primary is None:
            if alias in self.lagging:
                return "lagging when the primary became unreachable"
            return None
        primary_version, changed_at = primary
        now = time.monotonic()
        # The versions it has reached are no longer missing; the primary's newest is noted.
        missing = [noted for noted in self.missing.get(alias, []) if noted[0] > replica_version]
        if replica_version < primary_version and (not missing or missing[-1][0] < primary_version):
            missing.append((primary_version, now))
        self.missing[alias] = missing[:MAX_NOTED]
        behind = now - missing[0][1] if missing else 0.0
        if missing and changed_at is not None:  # the newest write it misses is this old at least
            behind = max(behind, (timezone.now() - changed_at).total_seconds())
        limit = settings.REPLICA_MAX_LAG
        if behind > limit:
            self.lagging.add(alias)
            return (
                f"lagging: at data version {replica_version}, the primary at {primary_version},"
                f" missing writes for {behind:.1f} s (DATABASE_REPLICA_MAX_LAG={limit:g})"
            )
        self.lagging.discard(alias)
        return None

    def usable(self, alias: str, *, recheck: bool = False) -> bool:
        until, ok = self.known.get(alias, (0.0, False))
        if time.monotonic() < until and not recheck:
            return ok
        problem = self.problem(alias)
        if problem and (ok or alias not in self.known):
            logger.warning("Replica %s skipped: %s", alias, problem)
        elif not problem and not ok and alias in self.known:
            logger.warning("Replica %s back in use", alias)
        ok = problem is None
        # Timed from the end of the check: a check that waited on a timeout is not redone
        # by the very next request.
        checked = time.monotonic()
        self.known[alias] = (checked + (CHECK_SECONDS if ok else RETRY_FAILED_SECONDS), ok)
        return ok

    def choose(self) -> str | None:
        aliases = [alias for alias in settings.REPLICA_ALIASES if self.usable(alias)]
        return random.choice(aliases) if aliases else None


replicas = Replicas()


SIGNER_SALT = "tracker.replicas.read-your-writes"


def sent_to_primary(request) -> bool:
    """Whether this client wrote a moment ago: its cookie, signed by this server (any
    process holding the same SECRET_KEY) at most READ_YOUR_WRITES_SECONDS ago (whole
    seconds: django.core.signing). A cookie made up or altered does not count."""
    raw = request.COOKIES.get(COOKIE, "")
    if not raw:
        return False
    try:
        signing.TimestampSigner(salt=SIGNER_SALT).unsign(
            raw, max_age=settings.READ_YOUR_WRITES_SECONDS
        )
    except signing.BadSignature:  # made up, altered, or expired
        return False
    return True


# An API write refused as stale: the client read a lagging replica (only a client allowed to
# write gets that far: credentials and permissions come first).
STALE_WRITE_METHODS = ("PUT", "PATCH", "DELETE")


def earned_the_primary(request, response, wrote: bool) -> bool:
    """After a write (the data version moved, and the answer is a success), and after an
    API write refused as stale (412), the client reads from the primary: its next ETag is
    the current one. Nothing else earns it, whatever the method."""
    if response.status_code == 412:
        return request.method in STALE_WRITE_METHODS
    return wrote and response.status_code < 400


def may_read_from_replica(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith("/admin/")
        and not sent_to_primary(request)
    )


class ReplicaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from negotiations.domain.versioning import watch_writes

        alias = replicas.choose() if may_read_from_replica(request) else None
        with watch_writes() as wrote:
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
        if earned_the_primary(request, response, bool(wrote)):
            window = settings.READ_YOUR_WRITES_SECONDS
            response.set_cookie(
                COOKIE,
                signing.TimestampSigner(salt=SIGNER_SALT).sign("primary"),
                max_age=max(int(window), 1),
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
