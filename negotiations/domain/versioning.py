"""The data version: bumped by every write, read by conditional GETs (ETag / 304); and the
versions of its parts (scopes), so that answers about one negotiation stay cached while
others change.

Every write moves the data version (the changes feed, the replicas' lag check and the
read-your-writes cookie read it) and the scopes of what it changed: the negotiations its
records belong to, and the shared vocabulary when it changed a record every negotiation's
answers may embed (negotiations.registry.negotiation_paths says which is which;
negotiations.domain.writes works it out). An answer about one negotiation (a round, its
agenda changes, the matrix, its dashboard page: ``scoped_version``) is cached and tagged
under its negotiation's, the vocabulary's and the EVERYTHING scope's versions; every other
answer under the data version.
"""

import hashlib
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connections, router
from django.db.models import F, Q, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from negotiations.models import DataVersion, Negotiation, Round, ScopeVersion


class WritesSeen:
    """Whether the request being answered moved the data version (watch_writes)."""

    def __init__(self):
        self.wrote = False

    def __bool__(self) -> bool:
        return self.wrote


_watching: ContextVar[WritesSeen | None] = ContextVar("writes_seen", default=None)


@contextmanager
def watch_writes() -> Iterator[WritesSeen]:
    """Note whether the code run inside moves the data version: whether a request wrote
    (tracker.replicas sends only a client that wrote to the primary)."""
    seen = WritesSeen()
    token = _watching.set(seen)
    try:
        yield seen
    finally:
        _watching.reset(token)


def bump_data_version(scopes: Iterable[int] | None = None) -> None:
    """Move the version inside the current transaction (a rollback takes it back), and the
    versions of ``scopes`` (negotiation ids, ScopeVersion.VOCABULARY); without ``scopes``,
    every scoped answer's (ScopeVersion.EVERYTHING).

    Called once per write by negotiations.domain.writes, as the write's last statements,
    with the scopes it changed; code that writes around its services (a bulk load, a data
    migration) must call it itself, without scopes.
    """
    now = timezone.now()
    if not DataVersion.objects.filter(pk=1).update(version=F("version") + 1, changed_at=now):
        DataVersion.objects.get_or_create(pk=1, defaults={"version": 1, "changed_at": now})
    # After the data version's row, which every write locks first: writes never wait on
    # each other's scope rows in a different order. A scope's version is a new random number
    # (not a count): one statement, an insert or an update, whether the scope was written
    # before or not. Answers compare it for equality only.
    scopes = sorted(set(scopes)) if scopes is not None else [ScopeVersion.EVERYTHING]
    if scopes:
        version = secrets.randbits(62)
        ScopeVersion.objects.bulk_create(
            [ScopeVersion(scope=scope, version=version, changed_at=now) for scope in scopes],
            update_conflicts=True,
            unique_fields=["scope"],
            update_fields=["version", "changed_at"],
        )
    seen = _watching.get()
    if seen is not None:
        seen.wrote = True


# The version lookup's SQL, compiled once per database: every read pays this lookup (the
# ETag, the cached answer's key), and building and compiling its queryset cost ten times
# running it.
_VERSION_SQL: dict[str, tuple[str, tuple]] = {}


def current_data_version(using: str | None = None) -> tuple[int, "timezone.datetime | None"]:
    """(version, changed_at) of the data set, on ``using`` or where the router reads it."""
    alias = using or router.db_for_read(DataVersion)
    if alias not in _VERSION_SQL:
        query = DataVersion.objects.using(alias).filter(pk=1).values_list("version", "changed_at")
        _VERSION_SQL[alias] = query.query.get_compiler(alias).as_sql()
    sql, params = _VERSION_SQL[alias]
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return 0, None
    version, changed_at = row
    return version, aware(changed_at, connection)


# The subjects whose answers are scoped: a subject's kind -> the model its slug names, and
# the lookup from that model to its negotiation's id.
SCOPED_SUBJECTS = {"negotiation": (Negotiation, "pk"), "round": (Round, "negotiation_id")}
_SCOPED_SQL: dict[tuple[str, str], tuple[str, tuple, int]] = {}
_SLUG_PLACEHOLDER = "\x00slug"


def scoped_version(kind: str, slug: str, using: str | None = None) -> tuple[str, object]:
    """(version, changed_at) of the answers about the negotiation of the ``kind`` record
    (SCOPED_SUBJECTS) with this slug: the versions of its negotiation, of the vocabulary and
    of EVERYTHING, in one statement (its SQL compiled once per database). A slug that names
    nothing reads the last two alone (its answer is a 404 or a redirect, never cached).
    The version is text ("everything-vocabulary-negotiation"), for ETags and cache keys."""
    alias = using or router.db_for_read(ScopeVersion)
    if (kind, alias) not in _SCOPED_SQL:
        model, lookup = SCOPED_SUBJECTS[kind]
        negotiation = model.objects.using(alias).filter(slug=_SLUG_PLACEHOLDER).values(lookup)
        query = ScopeVersion.objects.using(alias).filter(
            Q(scope__in=[ScopeVersion.EVERYTHING, ScopeVersion.VOCABULARY])
            | Q(scope=Subquery(negotiation[:1]))
        )
        sql, params = (
            query.values_list("scope", "version", "changed_at").query.get_compiler(alias).as_sql()
        )
        _SCOPED_SQL[(kind, alias)] = (sql, params, params.index(_SLUG_PLACEHOLDER))
    sql, params, index = _SCOPED_SQL[(kind, alias)]
    params = (*params[:index], slug, *params[index + 1 :])
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    versions = {ScopeVersion.EVERYTHING: 0, ScopeVersion.VOCABULARY: 0}
    latest = None
    for scope, version, changed_at in rows:
        versions[scope] = version
        changed_at = aware(changed_at, connection)
        latest = changed_at if latest is None or changed_at > latest else latest
    everything = versions.pop(ScopeVersion.EVERYTHING)
    vocabulary = versions.pop(ScopeVersion.VOCABULARY)
    # Only the negotiation's row is left (or none): its id names it, so that a slug moved
    # to another negotiation never meets the other's cached answers. No "." in it: a
    # detail's ETag is "<object token>.<version>-<digest>".
    negotiation = "".join(f"n{scope}v{version}" for scope, version in versions.items())
    return f"s{everything}-{vocabulary}-{negotiation or 'none'}", latest


def aware(changed_at, connection):
    """A stored changed_at as an aware datetime, on any backend."""
    if isinstance(changed_at, str):  # SQLite without its type converters
        changed_at = parse_datetime(changed_at)
    if changed_at is not None and settings.USE_TZ and timezone.is_naive(changed_at):
        changed_at = timezone.make_aware(changed_at, connection.timezone)
    return changed_at


def etag_for(version: int, *variant: str) -> str:
    """A strong ETag for one representation of the data at a version."""
    digest = hashlib.sha256("\x1f".join((str(version), *variant)).encode()).hexdigest()[:20]
    return f'"{version}-{digest}"'


def object_token(updated) -> str:
    """A record's own version: its last change, to the microsecond.

    Used by If-Match in the API and by the admin to refuse an edit of a record that someone
    else changed in the meantime.
    """
    return format(int(updated.timestamp() * 1_000_000), "x")
