"""The dashboard at scale: a negotiation picker that searches and pages instead of listing
every negotiation, and agenda cells whose details are fetched when opened."""

import datetime

import pytest
from django.urls import reverse

from negotiations import models
from negotiations.dashboard.selectors import PICKER_PAGE_SIZE
from tests import factories

pytestmark = pytest.mark.django_db


def picker(response) -> list[str]:
    return [row.slug for row in response.context["picker"]["results"]]


def many_negotiations(count: int) -> list[models.Negotiation]:
    party = factories.party(slug="party-zz", name="Zedland", code="ZZ")
    made = []
    for index in range(count):
        negotiation = factories.negotiation(
            slug=f"bulk-talks-{index:02d}",
            title=f"Bulk talks {index:02d}",
            parties=[party],
            status="concluded" if index % 2 else "active",
        )
        factories.round(negotiation, 1, start_date=datetime.date(2024, 1, 1 + index))
        made.append(negotiation)
    return made


def test_the_picker_shows_one_page_active_and_recent_first(client):
    many_negotiations(12)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    shown = picker(response)
    assert len(shown) == PICKER_PAGE_SIZE
    assert response.context["picker"]["count"] == models.Negotiation.objects.count()
    statuses = [row.status for row in response.context["picker"]["results"]]
    assert statuses == sorted(statuses, key=lambda status: status != "active")
    # Among the active bulk talks, the one with the latest round comes first.
    bulk = [slug for slug in shown if slug.startswith("bulk-")]
    assert bulk == sorted(bulk, reverse=True)


def test_the_picker_searches_by_title_party_and_status(client):
    many_negotiations(6)
    assert set(picker(client.get("/dashboard/", {"q": "bulk talks 03"}))) == {"bulk-talks-03"}
    by_party = picker(client.get("/dashboard/", {"q": "zedland"}))
    assert len(by_party) == 6
    assert len(picker(client.get("/dashboard/", {"q": "ZZ", "status": "concluded"}))) == 3
    # A party's alias finds its negotiations too.
    ruritania = factories.party(name="Ruritania")
    ruritania.aliases.create(name="Strelsau")
    talks = factories.negotiation(parties=[ruritania])
    assert talks.slug in picker(client.get("/dashboard/", {"q": "Strelsau"}))


def test_the_chosen_negotiation_stays_in_view_on_any_page(client):
    many_negotiations(12)
    url = reverse("dashboard:negotiation", args=["bulk-talks-01"])
    response = client.get(url, {"p": "1"})
    html = response.content.decode()
    assert "bulk-talks-01" not in picker(response)  # concluded: on a later page
    assert 'aria-current="page"><span class="picker__name">Bulk talks 01' in html
    second = client.get(url, {"p": "2"})
    assert second.context["picker"]["number"] == 2
    assert "Page 2 of 2" in second.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [({"status": "nonsense"}, "Select a valid choice"), ({"q": "x" * 201}, "at most 200")],
)
def test_a_bad_picker_search_is_a_400_that_still_shows_the_page(
    client, settings, a_round, params, message
):
    settings.DASHBOARD_NEGOTIATION = a_round.negotiation.slug
    response = client.get("/dashboard/", params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["data"]["negotiation"]["slug"] == a_round.negotiation.slug


@pytest.fixture
def dropped_currency():
    """Built talks shaped like the seed's: currency policy on the first reported agenda (24
    April, a list the sources dispute), dropped at the second round (16 May) with the editors'
    notes on why."""
    talks = factories.negotiation()
    tariffs, fx = factories.area(), factories.area(name="Currency policy (built)")
    april = factories.source(published_on=datetime.date(2025, 4, 24))
    may = factories.source(published_on=datetime.date(2025, 5, 16))
    first = factories.round(
        talks,
        1,
        start_date=datetime.date(2025, 4, 24),
        agenda={"tariff measures": tariffs, "currency policy": fx},
    )
    second = factories.round(
        talks, 2, start_date=datetime.date(2025, 5, 16), agenda={"balanced trade": tariffs}
    )
    for round_, source in ((first, april), (second, may)):
        round_.citations.add(factories.citation(source, quote="They met."))
        for item in round_.agenda_items.all():
            item.citations.add(factories.citation(source, quote=f"On {item.label}."))
    for basis, note in (
        ("stated", "The second report lists the areas with currency policy absent."),
        ("editors_reading", "Context: the Treasury asked for separate currency talks."),
    ):
        models.AgendaChangeAnnotation.objects.create(
            round=second, area=fx, change="dropped", basis=basis, note=note
        ).citations.add(factories.citation(may, quote=note))
    disputed = models.Disagreement.objects.create(
        slug=factories.unique("which-list"),
        title="Was currency policy one of the four areas agreed on 24 April?",
        note="Two lists.",
        negotiation=talks,
        round=first,
        topic="agenda",
    )
    for label, source in (("A", may), ("B", april)):
        claim = disputed.claims.create(label=label, claim=f"List {label}.")
        claim.citations.add(factories.citation(source, quote=f"List {label}."))
    return {"talks": talks.slug, "first": first.slug, "second": second.slug, "fx": fx.slug}


def test_cell_details_are_fetched_with_their_quotes_and_disputes(
    client, django_assert_max_num_queries, dropped_currency
):
    # A dropped area with its annotations and a disputed list.
    built = dropped_currency
    url = reverse("dashboard:cell", args=[built["talks"]])
    # The data version (the answer cache's key), the negotiation, then ten for the cell (the
    # agenda's exclusions among them).
    with django_assert_max_num_queries(12):
        response = client.get(url, {"round": built["second"], "area": built["fx"]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Previously reported as" in html and "Treasury" in html
    assert "Sources disagree" in html

    as_known = client.get(
        url, {"round": built["first"], "area": built["fx"], "known_as_of": "2025-04-25"}
    )
    assert as_known.status_code == 200 and "first reported agenda" in as_known.content.decode()


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"round": "no-such-round", "area": "{area}"}, 404),
        ({"round": "{round}", "area": "no-such-area"}, 404),
        ({"round": "{round}"}, 400),
        ({"round": "{round}", "area": "{area}", "known_as_of": "soon"}, 400),
    ],
)
def test_bad_cell_requests(client, params, status):
    area = factories.area()
    round_ = factories.round(factories.negotiation(), 1, agenda={"steel": area})
    params = {key: value.format(round=round_.slug, area=area.slug) for key, value in params.items()}
    url = reverse("dashboard:cell", args=[round_.negotiation.slug])
    assert client.get(url, params).status_code == status


def test_cells_name_their_round_and_keep_details_out_of_the_page(client):
    round_ = factories.round(factories.negotiation(), 1, agenda={"steel": factories.area()})
    talks = round_.negotiation.slug
    html = client.get(f"/dashboard/{talks}/", {"round": round_.slug}).content.decode()
    assert 'class="cell__detail"' not in html
    assert f'data-cell-url="{reverse("dashboard:cell", args=[talks])}"' in html


def test_the_dashboard_opens_on_the_negotiation_with_the_most_rounds(client):
    talks = factories.negotiation(slug="busy-talks", title="Busy talks")
    for sequence in range(1, 21):
        factories.round(talks, sequence)
    response = client.get("/dashboard/")
    assert response.context["current"].slug == "busy-talks"


def test_the_dashboard_opens_on_the_configured_negotiation(client, settings):
    talks = factories.negotiation(slug="busy-talks", title="Busy talks")
    for sequence in range(1, 21):
        factories.round(talks, sequence)
    configured = factories.negotiation()
    settings.DASHBOARD_NEGOTIATION = configured.slug
    assert client.get("/dashboard/").context["current"].slug == configured.slug
    settings.DASHBOARD_NEGOTIATION = "no-such-talks"  # not recorded: the busiest
    assert client.get("/dashboard/").context["current"].slug == "busy-talks"
