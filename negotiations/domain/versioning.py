"""The data version: bumped by every write, read by conditional GETs (ETag / 304)."""

import hashlib

from django.db.models import F
from django.utils import timezone

from negotiations.models import DataVersion


def bump_data_version() -> None:
    """Move the version inside the current transaction (a rollback takes it back).

    Called once per write by negotiations.domain.writes; code that writes around its
    services (a bulk load, a data migration) must call it itself.
    """
    now = timezone.now()
    if not DataVersion.objects.filter(pk=1).update(version=F("version") + 1, changed_at=now):
        DataVersion.objects.get_or_create(pk=1, defaults={"version": 1, "changed_at": now})


def current_data_version() -> tuple[int, "timezone.datetime | None"]:
    row = DataVersion.objects.filter(pk=1).values_list("version", "changed_at").first()
    return row if row else (0, None)


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
