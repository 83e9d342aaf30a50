"""What the database already records from an article: intake proposes none of it again.

The article is the same source when it has the same primary key, URL or text as a stored
one; a fact counts as recorded when it cites a citation of that source (a round by its
slug, a participant by person or name at that round, an agenda item by its areas at that
round, a deadline by day and kind, a position by kind and quote).
"""

from dataclasses import dataclass, field

from django.db.models import Q

from negotiations.domain.labels import label_key
from negotiations.models import AgendaItem, Deadline, Participant, Position, Round, Source


@dataclass
class Recorded:
    source_slug: str = ""
    rounds: set[str] = field(default_factory=set)
    participants: set[tuple[str, str]] = field(default_factory=set)  # (round, person or name)
    items: set[tuple[str, frozenset]] = field(default_factory=set)
    deadlines: set[tuple[str, str]] = field(default_factory=set)
    positions: list[tuple[str, str]] = field(default_factory=list)  # (kind, quote)
    round_slugs_by_key: dict[str, str] = field(default_factory=dict)

    @classmethod
    def for_source(cls, source: Source) -> "Recorded":
        stored = stored_source(source)
        if stored is None:
            return cls()
        cited = {"citations__source": stored}
        found = cls(source_slug=stored.slug)
        found.rounds = set(Round.objects.filter(**cited).values_list("slug", flat=True))
        for round_slug, person, name in Participant.objects.filter(**cited).values_list(
            "round__slug", "person__slug", "name_as_reported"
        ):
            found.participants.add((round_slug, person or label_key(name)))
        for item in (
            AgendaItem.objects.filter(**cited).select_related("round").prefetch_related("areas")
        ):
            areas = frozenset(area.slug for area in item.areas.all()) or frozenset(
                [label_key(item.label)]
            )
            found.items.add((item.round.slug, areas))
        for day, kind in Deadline.objects.filter(**cited).values_list("date", "kind"):
            found.deadlines.add((day.isoformat(), kind))
        for position in Position.objects.filter(**cited).prefetch_related("citations"):
            found.positions += [
                (position.kind, c.quote)
                for c in position.citations.all()
                if c.source_id == stored.pk
            ]
        return found

    def cites_round(self, slug: str) -> bool:
        return bool(slug) and slug in self.rounds

    def has_participant(self, round_slug: str, participant: dict) -> bool:
        ident = participant["person"] or label_key(participant["name_as_reported"])
        return bool(round_slug) and (round_slug, ident) in self.participants

    def has_item(self, round_slug: str, areas, label: str) -> bool:
        wanted = frozenset(areas) or frozenset([label_key(label)])
        return bool(round_slug) and (round_slug, wanted) in self.items

    def has_deadline(self, values: dict) -> bool:
        day = values["date"]
        return day is not None and (day.isoformat(), values["kind"]) in self.deadlines

    def has_position(self, sentence: str, kind: str) -> bool:
        return any(
            k == kind and (sentence in quote or quote in sentence) for k, quote in self.positions
        )

    def has_alias(self, person_slug: str, name: str) -> bool:
        return False  # a stored alias is a known spelling: the gazetteer matches it exactly


def stored_source(source: Source) -> Source | None:
    """The stored source that is this article: the same record, URL or text."""
    if source.pk:
        return Source.objects.filter(pk=source.pk).first()
    match = Q(pk__in=[])
    if source.url:
        match |= Q(url=source.url)
    if source.text:
        match |= Q(text=source.text)
    return Source.objects.filter(match).order_by("pk").first()
