"""SQL query counts do not grow with the data: two sizes, one bound per endpoint."""

import pytest

from negotiations import models
from tests import factories

pytestmark = pytest.mark.django_db

TALKS = "kr-us-tariff-talks-2025"

# endpoint -> the most SQL queries it may run, whatever the amount of data (each GET reads
# the data version once for its ETag)
BOUNDS = {
    "/api/v1/parties/": 5,
    "/api/v1/organizations/": 5,
    "/api/v1/people/": 7,
    "/api/v1/people/?search=Bescent": 7,
    "/api/v1/negotiations/": 10,
    "/api/v1/rounds/": 8,
    "/api/v1/rounds/?negotiation=kr-us-tariff-talks-2025&area=tariffs": 10,
    "/api/v1/agenda-areas/": 5,
    "/api/v1/agenda-items/": 5,
    "/api/v1/deadlines/?upcoming=true&as_of=2025-05-16": 5,
    "/api/v1/measures/": 5,
    "/api/v1/positions/": 5,
    "/api/v1/sources/": 3,
    "/api/v1/citations/": 3,
    "/api/v1/conflicts/": 6,
    "/api/v1/rounds/jeju-ministerial-2025-05-16/": 7,
    "/api/v1/people/scott-bessent/": 6,
    "/api/v1/negotiations/kr-us-tariff-talks-2025/": 10,
    "/api/v1/rounds/jeju-ministerial-2025-05-16/agenda-changes/": 8,
    "/api/v1/rounds/compare/?from=washington-2plus2-2025-04-24&to=jeju-ministerial-2025-05-16": 9,
    "/api/v1/negotiations/kr-us-tariff-talks-2025/agenda-changes/": 8,
    "/api/v1/negotiations/kr-us-tariff-talks-2025/agenda-matrix/": 9,
    "/api/v1/agenda-areas/currency-policy/history/": 10,
    "/api/v1/deadlines.ics": 2,
    # As known on a day: one more query, for the sources the day could and could not use.
    "/api/v1/rounds/?known_as_of=2025-04-25": 9,
    "/api/v1/rounds/?known_as_of=2025-05-20&status=held&agenda_status=reported": 9,
    "/api/v1/rounds/washington-2plus2-2025-04-24/?known_as_of=2025-04-25": 8,
    "/api/v1/positions/?known_as_of=2025-04-25": 6,
    "/api/v1/measures/?known_as_of=2025-04-25": 6,
    "/api/v1/deadlines/?known_as_of=2025-04-25": 6,
    "/api/v1/conflicts/?known_as_of=2025-04-25": 7,
    "/api/v1/rounds/jeju-ministerial-2025-05-16/agenda-changes/?known_as_of=2025-05-20": 9,
    "/api/v1/negotiations/kr-us-tariff-talks-2025/agenda-changes/?known_as_of=2025-04-25": 9,
    "/api/v1/negotiations/kr-us-tariff-talks-2025/agenda-matrix/?include_planned=true": 9,
    "/api/v1/agenda-areas/currency-policy/history/?known_as_of=2025-05-20": 11,
}


def grow():
    """Multiply the data the endpoints read: rounds, agendas, people, deadlines, facts."""
    talks = models.Negotiation.objects.get(slug=TALKS)
    areas = list(models.AgendaArea.objects.all())
    source = models.Source.objects.get(slug="reuters-2025-04-24")
    kr, us = models.Party.objects.get(slug="kr"), models.Party.objects.get(slug="us")
    ustr = models.Organization.objects.get(slug="ustr")
    for number in range(30):
        person = models.Person.objects.create(
            slug=f"bulk-person-{number}", name=f"Person {number}", party=us
        )
        person.aliases.create(name=f"Bescent {number}")
        role = models.Role.objects.create(person=person, organization=ustr, title="Deputy")
        role.citations.add(factories.citation(source, quote=f"Quote {number}"))
    for round_ in factories.cited_rounds(talks, areas, source, range(100, 130)):
        sequence, agenda = round_.sequence, round_.agenda_items.exists()
        for party, name in ((kr, "Korean delegate"), (us, "US delegate")):
            participant = models.Participant.objects.create(
                round=round_, party=party, name_as_reported=name
            )
            participant.citations.add(factories.citation(source))
        position = models.Position.objects.create(
            slug=f"bulk-position-{sequence}",
            party=kr,
            kind="statement",
            summary="More.",
            round=round_,
        )
        position.citations.add(factories.citation(source))
        position.areas.add(*areas[:2])
        if agenda:
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


def test_query_counts_are_bounded_at_two_data_sizes(api, subtests, django_assert_max_num_queries):
    def measure():
        for url, bound in BOUNDS.items():
            with subtests.test(url=url):
                with django_assert_max_num_queries(bound, info=url):
                    response = api.get(url)
                assert response.status_code == 200, (url, response.content[:200])

    measure()  # the seed data
    grow()  # several times more rounds, agenda items, people, deadlines and positions
    measure()
