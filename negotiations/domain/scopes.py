"""Which parts of the data set a write changed: the scopes whose versions it moves
(negotiations.models.ScopeVersion, negotiations.domain.versioning).

A record of a model that belongs to negotiations (negotiations.registry.negotiation_paths:
a round, an agenda item, a deadline...) changes the negotiations it belongs to, before and
after the write (a round moved to another negotiation changes both). Any other record of
the data (a party, a person, an area, a source, a citation) is the shared vocabulary that
answers about every negotiation embed, and so is a negotiation's own record (its title is
shown beside related negotiations, its existence in the dashboard's picker). One exception:
a new citation is shown nowhere until a record links to it, and that link changes the
record's scope.

The open write (negotiations.domain.writes.Write) reports what it saved, deleted and
touched; ``scopes()`` then gives the negotiation ids and VOCABULARY, reading from the
database only what the records in memory do not say (a touched agenda item's negotiation).
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Model

from negotiations import registry
from negotiations.models import Citation, Negotiation, ScopeVersion

# Created, these are shown in no negotiation's answers until a record links to them.
SHOWN_ONCE_LINKED = (Citation,)


class ChangedScopes:
    """The scopes one write changed, as its records are reported."""

    def __init__(self):
        self.found: set[int] = set()
        self.pending: dict[type[Model], set[int]] = defaultdict(set)
        self.reported = False  # whether any record was reported (else: every scope moves)

    def record(
        self, model: type[Model], pk: int | None, values: Mapping[str, Any] | None = None
    ) -> None:
        """A record of ``model`` changed; ``values``: its columns (attname -> value) when
        known, else its scopes are read when the write settles."""
        self.reported = True
        paths = registry.negotiation_paths().get(model)
        if paths is None:
            self.found.add(ScopeVersion.VOCABULARY)
            return
        if model is Negotiation:
            self.found.update({ScopeVersion.VOCABULARY, pk} - {None})
            return
        if values is None:
            if pk is not None:
                self.pending[model].add(pk)
            return
        for path in paths:
            first, _, rest = path.partition("__")
            field = model._meta.get_field(first.removesuffix("_id"))
            value = values.get(field.attname)
            if value is None:
                continue
            if not rest:
                self.found.add(value)
            else:
                self.record(field.related_model, value)

    def saved(self, record: Model, *, created: bool, previous: Mapping[str, Any]) -> None:
        """``record`` was saved; ``previous``: the old values of the fields that changed (so
        that the negotiation it left changes too)."""
        model = type(record)
        self.reported = True
        if created and model in SHOWN_ONCE_LINKED:
            return
        self.record(model, record.pk, record.__dict__)
        if previous:
            self.record(model, record.pk, {**record.__dict__, **previous})

    def deleting(self, instances: Mapping[type[Model], Iterable[Model]]) -> None:
        """Records about to be deleted (by model): their scopes are read now."""
        for model, records in instances.items():
            # A link's record is touched (and so reported) by the write itself; the audit
            # copies of the records are no part of the data.
            if getattr(model, "is_citation_link", False) or model not in registry.data_models():
                continue
            for instance in records:
                self.record(model, instance.pk, instance.__dict__)
        self.read_pending()

    def read_pending(self) -> None:
        """The scopes of the records reported without their columns: one query per model."""
        while self.pending:
            model, pks = self.pending.popitem()
            paths = registry.negotiation_paths()[model]
            for row in model._base_manager.filter(pk__in=pks).order_by().values_list(*paths):
                self.found.update(value for value in row if value is not None)

    def scopes(self) -> set[int] | None:
        """The scopes changed; None if no record was reported (every scope, then)."""
        self.read_pending()
        return set(self.found) if self.reported else None

    def clear(self) -> None:
        self.found.clear()
        self.pending.clear()
        self.reported = False
