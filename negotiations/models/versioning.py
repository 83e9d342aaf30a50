"""A single counter that moves whenever any record of the tracker changes."""

from django.db import models


class DataVersion(models.Model):
    """The version of the whole data set: one row, bumped in the writing transaction.

    Conditional GETs compare against it, so a dashboard that polls gets "304 Not Modified"
    for one indexed lookup, and never a stale answer: any write anywhere (API, admin,
    fixture load, bulk service) moves the version, including changes to embedded records
    such as a citation's quote.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = "data version"

    def __str__(self):
        return f"version {self.version} ({self.changed_at:%Y-%m-%d %H:%M:%S})"
