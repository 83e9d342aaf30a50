"""The data version: bumped by every write, read by conditional GETs (ETag / 304)."""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connections, router
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from negotiations.models import DataVersion


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


def bump_data_version() -> None:
    """Move the version inside the current transaction (a rollback takes it back).

    Called once per write by negotiations.domain.writes, as the write's last statement;
    code that writes around its services (a bulk load, a data migration) must call it
    itself.
    """
    now = timezone.now()
    if not DataVersion.objects.filter(pk=1).update(version=F("version") + 1, changed_at=now):
        DataVersion.objects.get_or_create(pk=1, defaults={"version": 1, "changed_at": now})
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
    if isinstance(changed_at, str):  # SQLite without its type converters
        changed_at = parse_datetime(changed_at)
    if changed_at is not None and settings.USE_TZ and timezone.is_naive(changed_at):
        changed_at = timezone.make_aware(changed_at, connection.timezone)
    return version, changed_at


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
