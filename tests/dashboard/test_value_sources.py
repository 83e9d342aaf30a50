"""The dashboard says where each value came from: an area a source says was off the agenda is
*Excluded* (not *Off*, not *Unknown*), with its quote; a round's date, place, level and
status show their sources on hover and focus, as known on a day with ?known_as_of=."""

import datetime

import pytest
from django.urls import reverse

from negotiations.domain import writes
from negotiations.domain.writes import CitationLinkSpec
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def talks():
    negotiation = factories.negotiation()
    steel, defense = factories.area(name="Steel"), factories.area(name="Defense costs")
    round_ = factories.round(
        negotiation,
        1,
        agenda={"steel": steel},
        start_date=datetime.date(2025, 4, 24),
        city="Washington",
        country="US",
    )
    early = factories.source(publisher="Early Wire", published_on=datetime.date(2025, 4, 20))
    late = factories.source(publisher="Late Daily", published_on=datetime.date(2025, 4, 26))
    writes.set_citation_links(
        record=round_,
        links=[
            CitationLinkSpec(
                factories.citation(early, quote="Talks are planned for late April."),
                facets=("date", "status", "level", "place"),
                values={
                    "date": {
                        "start_date": "2025-04-21",
                        "end_date": "2025-04-30",
                        "date_precision": "week",
                    },
                    "status": {"status": "planned"},
                },
            ),
            CitationLinkSpec(
                factories.citation(late, quote="They met in Washington on 24 April."),
                facets=("date", "status", "place", "agenda"),
            ),
        ],
    )
    round_.agenda_items.get().citations.add(factories.citation(late, quote="Steel came up."))
    exclusion = factories.exclusion(
        negotiation=negotiation, round=round_, area=defense, note="Not part of trade talks."
    )
    exclusion.citations.set(
        [factories.citation(late, quote="The discussion did not include defense costs.")]
    )
    return negotiation, round_, defense


def test_an_excluded_area_is_its_own_state_with_its_quote(client, talks):
    negotiation, round_, defense = talks
    page = client.get(f"/dashboard/{negotiation.slug}/").content.decode()
    row = page[page.index(f'data-area="{defense.slug}"') :]
    row = row[: row.index("</tr>")]
    assert 'data-state="excluded"' in row
    assert ">Excluded</td>" in row
    assert 'tabindex="0"' in row  # its details open on focus
    assert "Excluded (a source says it was off)" in page  # the legend

    detail = client.get(
        reverse("dashboard:cell", args=[negotiation.slug]),
        {"round": round_.slug, "area": defense.slug},
    ).content.decode()
    assert "The discussion did not include defense costs." in detail
    assert "Off this round&#x27;s agenda: Not part of trade talks." in detail


def test_the_change_panel_lists_the_rounds_excluded_areas(client, talks):
    negotiation, round_, _ = talks
    page = client.get(f"/dashboard/{negotiation.slug}/", {"round": round_.slug}).content.decode()
    changes = page[page.index('id="changes"') :]
    assert "Excluded: a source says it was off the agenda" in changes
    assert "Defense costs" in changes


def test_a_rounds_values_show_where_they_came_from(client, talks, django_assert_max_num_queries):
    negotiation, round_, _ = talks
    page = client.get(f"/dashboard/{negotiation.slug}/").content.decode()
    for facet in ("date", "place", "level", "status"):
        assert f'data-round="{round_.slug}" data-facet="{facet}"' in page
    assert f'data-value-url="/dashboard/{negotiation.slug}/value/"' in page

    url = reverse("dashboard:value", args=[negotiation.slug])
    with django_assert_max_num_queries(8):
        detail = client.get(url, {"round": round_.slug, "facet": "date"})
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "<strong>24 Apr 2025</strong>" in html
    assert "They met in Washington on 24 April." in html
    assert "Late Daily, 2025-04-26" in html
    # The earlier window, refined by the later day, with its own source.
    assert "Earlier: week of 21 Apr 2025 (superseded)" in html
    assert "Early Wire, 2025-04-20" in html


def test_as_known_on_a_day_the_value_then_with_its_sources_then(client, talks):
    negotiation, round_, _ = talks
    page = client.get(f"/dashboard/{negotiation.slug}/", {"known_as_of": "2025-04-25"})
    assert (
        f'data-value-url="/dashboard/{negotiation.slug}/value/?known_as_of=2025-04-25"'
        in page.content.decode()
    )
    url = reverse("dashboard:value", args=[negotiation.slug])
    html = client.get(
        url, {"round": round_.slug, "facet": "status", "known_as_of": "2025-04-25"}
    ).content.decode()
    assert "as known on 25 April 2025" in html
    assert "<strong>Planned</strong>" in html
    assert "Talks are planned for late April." in html
    assert "They met in Washington" not in html  # published the next day


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"round": "no-such-round", "facet": "date"}, 404),
        ({"facet": "date"}, 400),
        ({"round": "x", "facet": "weather"}, 400),
        ({"round": "x", "facet": "date", "known_as_of": "25/04/2025"}, 400),
    ],
)
def test_a_bad_value_query_is_a_4xx(client, talks, params, status):
    negotiation, round_, _ = talks
    if params.get("round") == "x":
        params = {**params, "round": round_.slug}
    url = reverse("dashboard:value", args=[negotiation.slug])
    assert client.get(url, params).status_code == status


def test_a_round_not_known_by_the_day_is_a_404(client, talks):
    negotiation, round_, _ = talks
    url = reverse("dashboard:value", args=[negotiation.slug])
    response = client.get(url, {"round": round_.slug, "facet": "date", "known_as_of": "2025-01-01"})
    assert response.status_code == 404
