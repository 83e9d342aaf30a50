"""The panel "Where each value comes from" on a record's admin page: each facet with its
value now, the quotes that state it, what a source gave when it differs, and marks for
superseded and disputed values (read from the record's claims)."""

import datetime

import pytest

from negotiations import models
from negotiations.domain import writes
from negotiations.domain.writes import CitationLinkSpec
from tests import factories
from tests.helpers import admin_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def cited_round():
    talks = factories.negotiation()
    steel = factories.area(name="Steel")
    round_ = factories.round(
        talks,
        1,
        agenda={"steel": steel},
        start_date=datetime.date(2025, 4, 24),
        city="Washington",
        level="ministerial",
    )
    early = factories.source(publisher="Early Wire", published_on=datetime.date(2025, 4, 20))
    late = factories.source(publisher="Late Daily", published_on=datetime.date(2025, 4, 25))
    rival = factories.source(publisher="Rival Post", published_on=datetime.date(2025, 4, 26))
    writes.set_citation_links(
        record=round_,
        links=[
            CitationLinkSpec(
                factories.citation(early, quote="Talks are expected late in April."),
                facets=("date",),
                values={
                    "date": {
                        "start_date": "2025-04-21",
                        "end_date": "2025-04-30",
                        "date_precision": "week",
                    }
                },
            ),
            CitationLinkSpec(
                factories.citation(late, quote="They met in Washington on 24 April."),
                facets=("date", "place"),
            ),
            CitationLinkSpec(
                factories.citation(rival, quote="The talks were held in Seoul."),
                facets=("place",),
                values={"place": {"city": "Seoul"}},
            ),
            factories.citation(late, quote="A quote about the whole round."),
        ],
    )
    item = round_.agenda_items.get()
    item.citations.add(factories.citation(late, quote="Steel was discussed."))
    return round_


def panel(response) -> str:
    html = response.content.decode()
    start = html.index('class="provenance"')
    return html[start : html.index("</fieldset>", start)]


def test_a_rounds_page_says_which_quote_backs_each_value(admin_client, cited_round):
    response = admin_client.get(admin_url(models.Round, "change", cited_round.pk))

    assert response.status_code == 200
    html = panel(response)
    assert "Where each value comes from" in response.content.decode()
    # The date: the early window superseded by the day the later source gives.
    assert "Talks are expected late in April." in html
    assert "Superseded by Late Daily (2025-04-25)" in html
    assert "This source gives: Start date: 2025-04-21; End date: 2025-04-30" in html
    assert "Early Wire</a>, 2025-04-20" in html
    # The place: two sources disagree, each version marked.
    assert "Disputed: the sources give different values" in html
    assert "This source gives: City: Washington" in html
    # A quote not yet refined counts for every value, and says so.
    assert "Linked to the whole round" in html
    assert "(cited for the whole record)" in html


def test_a_rounds_page_shows_its_participants_and_items_panels(admin_client, cited_round):
    item = cited_round.agenda_items.get()
    html = panel(admin_client.get(admin_url(models.Round, "change", cited_round.pk)))

    assert "Agenda item: steel" in html
    assert "Steel was discussed." in html
    # A quote picked in the round's page states the whole item: refined on the item's page.
    assert admin_url(models.AgendaItem, "change", item.pk) in html


@pytest.mark.parametrize("kind", ["agenda item", "deadline", "measure"])
def test_every_record_with_facets_has_the_panel(admin_client, cited_round, kind):
    source = factories.source(publisher="Wire", published_on=datetime.date(2025, 5, 1))
    record = {
        "agenda item": lambda: cited_round.agenda_items.get(),
        "deadline": factories.deadline,
        "measure": factories.measure,
    }[kind]()
    writes.set_citation_links(
        record=record,
        links=[CitationLinkSpec(factories.citation(source, quote="Stated."), facets=("title",))]
        if kind != "agenda item"
        else [CitationLinkSpec(factories.citation(source, quote="Stated."), facets=("label",))],
    )

    response = admin_client.get(admin_url(type(record), "change", record.pk))

    assert response.status_code == 200
    html = panel(response)
    assert "Stated." in html
    if kind != "agenda item":  # its one facet is its label
        assert "No quote states it." in html  # the facets no quote states yet


def test_the_panel_is_read_by_a_viewer_and_costs_few_queries(
    staff_with, cited_round, django_assert_max_num_queries
):
    viewer = staff_with()
    url = admin_url(models.Round, "change", cited_round.pk)
    viewer.get(url)  # warm the session and the permission caches
    with django_assert_max_num_queries(60):
        response = viewer.get(url)
    assert response.status_code == 200
    assert "They met in Washington on 24 April." in panel(response)


def test_the_add_page_has_no_panel(admin_client):
    response = admin_client.get(admin_url(models.Round, "add"))
    assert response.status_code == 200
    assert 'class="provenance"' not in response.content.decode()
