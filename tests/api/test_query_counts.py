"""SQL query counts do not grow with the data: two sizes, one bound per endpoint."""

import datetime

import pytest

from negotiations import models
from negotiations.choices import NegotiationRelationKind
from tests import factories

pytestmark = pytest.mark.django_db

# endpoint -> the most SQL queries it may run, whatever the amount of data (each GET reads
# the data version once for its ETag); {names} are the built records'
BOUNDS = {
    "/api/v1/parties/": 5,
    "/api/v1/organizations/": 5,
    "/api/v1/people/": 7,
    "/api/v1/people/?search=Rassendil": 7,
    "/api/v1/negotiations/": 10,
    # Rounds: one query for the areas sources say were off (their lists' disputes).
    "/api/v1/rounds/": 9,
    "/api/v1/rounds/?negotiation={talks}&area={area}": 11,
    "/api/v1/agenda-areas/": 5,
    "/api/v1/agenda-items/": 5,
    "/api/v1/deadlines/?upcoming=true&as_of=2025-05-16": 5,
    "/api/v1/measures/": 5,
    "/api/v1/positions/": 5,
    "/api/v1/sources/": 3,
    "/api/v1/citations/": 3,
    "/api/v1/conflicts/": 6,
    "/api/v1/rounds/{second}/": 8,
    "/api/v1/people/{person}/": 6,
    "/api/v1/negotiations/{talks}/": 10,
    # The agenda answers: one query for the exclusions of the rounds and their negotiations.
    "/api/v1/rounds/{second}/agenda-changes/": 9,
    "/api/v1/rounds/compare/?from={first}&to={second}": 10,
    "/api/v1/negotiations/{talks}/agenda-changes/": 9,
    "/api/v1/negotiations/{talks}/agenda-matrix/": 10,
    "/api/v1/agenda-areas/{area}/history/": 11,
    "/api/v1/deadlines.ics": 3,
    # As known on a day: one more query, for the sources the day could and could not use;
    # the agenda answers two more, for what the rounds' own citations state (their facets).
    "/api/v1/rounds/?known_as_of=2025-04-25": 10,
    "/api/v1/rounds/?known_as_of=2025-05-20&status=held&agenda_status=reported": 10,
    "/api/v1/rounds/{first}/?known_as_of=2025-04-25": 9,
    "/api/v1/positions/?known_as_of=2025-04-25": 6,
    "/api/v1/measures/?known_as_of=2025-04-25": 6,
    "/api/v1/deadlines/?known_as_of=2025-04-25": 6,
    "/api/v1/conflicts/?known_as_of=2025-04-25": 7,
    "/api/v1/rounds/{second}/agenda-changes/?known_as_of=2025-05-20": 12,
    "/api/v1/negotiations/{talks}/agenda-changes/?known_as_of=2025-04-25": 12,
    "/api/v1/negotiations/{talks}/agenda-matrix/?include_planned=true": 10,
    "/api/v1/agenda-areas/{area}/history/?known_as_of=2025-05-20": 14,
    "/api/v1/rounds/{second}/claims/": 6,
    "/api/v1/rounds/{second}/claims/?known_as_of=2025-05-20": 7,
    "/api/v1/deadlines/{deadline}/claims/": 4,
    "/api/v1/agenda-exclusions/": 5,
}


class Talks:
    """Built talks with a record of every kind the endpoints read, and more on demand."""

    def __init__(self):
        self.kr, self.us = factories.party(), factories.party()
        self.talks = factories.negotiation(parties=[self.kr, self.us])
        self.areas = [factories.area() for _ in range(6)]
        # Published before the days asked about: the facts it is quoted for are known then.
        self.source = factories.source(published_on=datetime.date(2025, 1, 2))
        self.office = factories.organization(party=self.us)
        self.person = self.add_person("Rudolf Rassendyll")
        measure = factories.measure(
            imposing_party=self.us, target_party=self.kr, negotiation=self.talks
        )
        measure.citations.add(factories.citation(self.source))
        models.NegotiationRelation.objects.create(
            from_negotiation=factories.negotiation(parties=[self.kr, self.us]),
            to_negotiation=self.talks,
            kind=NegotiationRelationKind.SPUN_OFF_FROM,
        ).citations.add(factories.citation(self.source))
        self.add_rounds(range(1, 6))  # the 5th with its agenda not reported

    def add_person(self, name: str) -> models.Person:
        person = factories.person(name=name, party=self.us)
        person.aliases.create(name=name.replace("Rassendyll", "Rassendil"))
        role = models.Role.objects.create(person=person, organization=self.office, title="Deputy")
        role.citations.add(factories.citation(self.source, quote=f"{name}, deputy."))
        return person

    def add_rounds(self, sequences):
        """Rounds with agendas, deadlines, participants, positions, annotated changes and
        disputed lists, every one cited."""
        source, areas = self.source, self.areas
        for round_ in factories.cited_rounds(self.talks, areas, source, sequences):
            sequence, agenda = round_.sequence, round_.agenda_items.exists()
            for party, name, person in (
                (self.kr, "Korean delegate", None),
                (self.us, "US delegate", self.person),
            ):
                participant = models.Participant.objects.create(
                    round=round_, party=party, person=person, name_as_reported=name
                )
                participant.citations.add(factories.citation(source))
            position = models.Position.objects.create(
                slug=f"bulk-position-{sequence}",
                party=self.kr,
                kind="statement",
                summary="More.",
                round=round_,
            )
            position.citations.add(factories.citation(source))
            position.areas.add(*areas[:2])
            if agenda:
                # Its quote gives the whole list, and a source says an area was off it.
                round_.citation_links.update(facets=["agenda_list", "date", "status"])
                listed = set(round_.agenda_items.values_list("area_links__area", flat=True))
                off = next(area for area in areas if area.pk not in listed)
                factories.exclusion(negotiation=self.talks, round=round_, area=off)
                note = models.AgendaChangeAnnotation.objects.create(
                    round=round_, area=areas[sequence % len(areas)], change="added", note="Why."
                )
                note.citations.add(factories.citation(source))
                disagreement = models.Disagreement.objects.create(
                    slug=f"bulk-dispute-{sequence}",
                    title="Which list?",
                    note="Two lists.",
                    round=round_,
                    topic="agenda",
                )
                for label in "AB":
                    claim = disagreement.claims.create(label=label, claim=f"List {label}.")
                    claim.citations.add(factories.citation(source))

    def names(self) -> dict[str, str]:
        first, second = self.talks.rounds.order_by("sequence")[:2]
        return {
            "talks": self.talks.slug,
            "area": self.areas[1].slug,
            "first": first.slug,
            "second": second.slug,
            "person": self.person.slug,
            "deadline": self.talks.deadlines.order_by("pk").first().slug,
        }

    def grow(self):
        """Several times more rounds, agenda items, people, deadlines and positions."""
        for number in range(30):
            self.add_person(f"Rassendyll {number}")
        self.add_rounds(range(100, 130))


def test_query_counts_are_bounded_at_two_data_sizes(api, subtests, django_assert_max_num_queries):
    talks = Talks()

    def measure():
        for template, bound in BOUNDS.items():
            url = template.format(**talks.names())
            with subtests.test(url=url):
                with django_assert_max_num_queries(bound, info=url):
                    response = api.get(url)
                assert response.status_code == 200, (url, response.content[:200])

    measure()  # a record of every kind
    talks.grow()
    measure()
