"""Bookkeeping: the version of the whole data set and of its parts, and the slugs records had
before."""

from django.db import models


class DataVersion(models.Model):
    """The version of the whole data set: one row, bumped in the writing transaction.

    Conditional GETs compare against it, so a dashboard that polls gets "304 Not Modified"
    for one indexed lookup, and never a stale answer: any write anywhere (API, admin,
    fixture load, bulk service) moves the version, including changes to embedded records
    such as a citation's quote.
    """

    bookkeeping = True  # not part of the record (negotiations.registry)

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = "data version"

    def __str__(self):
        return f"version {self.version} ({self.changed_at:%Y-%m-%d %H:%M:%S})"


class ScopeVersion(models.Model):
    """The version of one part of the data set, so that an answer about one negotiation
    keeps its cached copy and its ETag while others change (negotiations.domain.versioning).

    ``scope`` is a negotiation's id (its rounds, agendas, participants, deadlines...), or
    VOCABULARY (0: the records every negotiation's answers embed: parties, people,
    organisations, areas, sources, and negotiations' own titles), or EVERYTHING (-1: moved
    by a write that does not say what it changed, such as a data migration). Each write
    moves the scopes of what it changed, in its transaction, beside the data version; a
    scope's version is a random number, new at each write (compared for equality only).
    """

    EVERYTHING, VOCABULARY = -1, 0

    bookkeeping = True

    scope = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = "scope version"

    def __str__(self):
        return f"scope {self.scope}: version {self.version}"


class SlugHistory(models.Model):
    """A slug a record had before it was renamed: the old URL answers 301 with the new one,
    and the changes feed reports the rename (negotiations.domain.writes records it)."""

    bookkeeping = True

    model = models.CharField(max_length=100, help_text="app_label.ModelName")
    record_id = models.BigIntegerField()
    slug = models.SlugField(max_length=120, help_text="The slug it had.")
    renamed_to = models.SlugField(max_length=120, help_text="The slug it was given.")
    history_id = models.BigIntegerField(
        null=True, help_text="The audit row of the rename, in the model's history table."
    )
    renamed_at = models.DateTimeField()

    class Meta:
        verbose_name = "former slug"
        verbose_name_plural = "slug history"
        ordering = ["-renamed_at", "-pk"]
        indexes = [
            models.Index(fields=["model", "slug"], name="slug_history_lookup_idx"),
            models.Index(fields=["model", "history_id"], name="slug_history_event_idx"),
        ]

    def __str__(self):
        return f"{self.model} {self.slug} -> {self.renamed_to}"
