"""The dashboard at scale: a negotiation picker that searches and pages instead of listing
every negotiation, and agenda cells whose details are fetched when opened."""

import datetime

import pytest
from django.urls import reverse

from negotiations import models
from negotiations.dashboard.selectors import PICKER_PAGE_SIZE
from tests import factories

pytestmark = pytest.mark.django_db

TALKS = "kr-us-tariff-talks-2025"
JEJU = "jeju-ministerial-2025-05-16"


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
    assert TALKS in picker(client.get("/dashboard/", {"q": "Seoul"}))


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
def test_a_bad_picker_search_is_a_400_that_still_shows_the_page(client, params, message):
    response = client.get("/dashboard/", params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["data"]["negotiation"]["slug"] == TALKS


def test_cell_details_are_fetched_with_their_quotes_and_disputes(
    client, django_assert_max_num_queries
):
    url = reverse("dashboard:cell", args=[TALKS])
    with django_assert_max_num_queries(10):  # the negotiation, then nine for the cell
        response = client.get(url, {"round": JEJU, "area": "currency-policy"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Previously reported as" in html and "Treasury" in html
    assert "Sources disagree" in html

    as_known = client.get(
        url, {"round": "washington-2plus2-2025-04-24", "area": "currency-policy",
              "known_as_of": "2025-04-25"},
    )  # fmt: skip
    assert as_known.status_code == 200 and "first reported agenda" in as_known.content.decode()


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"round": "no-such-round", "area": "tariffs"}, 404),
        ({"round": JEJU, "area": "no-such-area"}, 404),
        ({"round": JEJU}, 400),
        ({"round": JEJU, "area": "tariffs", "known_as_of": "soon"}, 400),
    ],
)
def test_bad_cell_requests(client, params, status):
    assert client.get(reverse("dashboard:cell", args=[TALKS]), params).status_code == status


def test_cells_name_their_round_and_keep_details_out_of_the_page(client):
    html = client.get("/dashboard/", {"round": JEJU}).content.decode()
    assert 'class="cell__detail"' not in html
    assert f'data-cell-url="{reverse("dashboard:cell", args=[TALKS])}"' in html


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
    settings.DASHBOARD_NEGOTIATION = TALKS
    assert client.get("/dashboard/").context["current"].slug == TALKS
    settings.DASHBOARD_NEGOTIATION = "no-such-talks"  # not recorded: the busiest
    assert client.get("/dashboard/").context["current"].slug == "busy-talks"
