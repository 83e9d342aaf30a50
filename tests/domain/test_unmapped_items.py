"""An agenda item mapped to no area is never silently left out of a comparison."""

import datetime
import re

import pytest
from django.urls import reverse

from negotiations import models
from negotiations.domain import agenda
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def talks():
    """Built talks shaped like the seed's (the rounds by the seed's names): a first round on
    tariffs, currency and investment, a second ("Jeju") on tariffs and digital trade, a
    third on tariffs."""
    talks = factories.negotiation()
    tariffs, fx = factories.area(), factories.area(slug="unmapped-fx")
    investment, digital = factories.area(slug="unmapped-investment"), factories.area()
    factories.round(talks, 1, agenda={"tariffs": tariffs, "currency": fx, "investment": investment})
    factories.round(talks, 2, agenda={"tariffs": tariffs, "digital trade": digital})
    factories.round(talks, 3, agenda={"tariffs": tariffs})
    return talks


@pytest.fixture
def automobiles(talks):
    """An item of the second round's agenda saved as unmapped, with a quote from an article
    published on the day."""
    jeju = talks.rounds.get(sequence=2)
    item = models.AgendaItem.objects.create(
        round=jeju, label="automobiles", slug=f"{jeju.slug}--automobiles", order=9, unmapped=True
    )
    article = factories.source(published_on=datetime.date(2025, 5, 16))
    item.citations.add(factories.citation(article, quote="Automobiles too."))
    jeju.citations.add(factories.citation(article, quote="They met."))
    return item


def test_round_changes_list_unmapped_items_on_each_side(talks, automobiles):
    jeju = automobiles.round
    changes = agenda.round_agenda_changes(jeju)
    assert [item["item"] for item in changes["unmapped"]["after"]] == [automobiles.slug]
    source = automobiles.citations.get().source.slug
    assert changes["unmapped"]["after"][0]["citations"][0]["source"] == source
    assert changes["unmapped"]["before"] == []
    # The areas comparison is unchanged: the item has no area to compare.
    assert {entry["slug"] for entry in changes["dropped"]} == {
        "unmapped-fx",
        "unmapped-investment",
    }

    later = agenda.round_agenda_changes(talks.rounds.get(sequence=3))
    assert [item["label"] for item in later["unmapped"]["before"]] == ["automobiles"]
    assert later["unmapped"]["after"] == []


def test_api_agenda_changes_and_matrix_show_unmapped_items(api, talks, automobiles):
    JEJU = automobiles.round.slug
    body = api.get(f"/api/v1/rounds/{JEJU}/agenda-changes/").json()
    assert body["unmapped"]["after"][0]["label"] == "automobiles"

    matrix = api.get(f"/api/v1/negotiations/{talks.slug}/agenda-matrix/").json()
    assert matrix["unmapped"] == [
        {
            "round": JEJU,
            "items": [
                {
                    "item": automobiles.slug,
                    "label": "automobiles",
                    "citations": body["unmapped"]["after"][0]["citations"],
                }
            ],
        }
    ]
    compared = api.get(
        "/api/v1/rounds/compare/", {"from": JEJU, "to": talks.rounds.get(sequence=1).slug}
    ).json()
    assert compared["unmapped"]["before"][0]["label"] == "automobiles"


def test_known_as_of_leaves_out_an_unmapped_item_not_yet_reported(api, talks, automobiles):
    assert api.get(
        f"/api/v1/negotiations/{talks.slug}/agenda-matrix/", {"known_as_of": "2025-05-16"}
    ).json()["unmapped"], "known on the day of its article"
    body = api.get(
        f"/api/v1/negotiations/{talks.slug}/agenda-matrix/",
        {"known_as_of": "2025-04-25"},
    ).json()
    assert body["unmapped"] == []


def test_an_unreported_agenda_lists_no_unmapped_items():
    talks = factories.negotiation()
    round_ = factories.round(talks, 1)
    models.AgendaItem.objects.create(round=round_, label="x", slug="x-item", unmapped=True)
    changes = agenda.round_agenda_changes(round_)
    assert changes["unmapped"] == {"before": [], "after": []}


def test_dashboard_and_admin_show_unmapped_items(client, staff_client, talks, automobiles):
    jeju = automobiles.round
    html = client.get(
        reverse("dashboard:negotiation", args=[talks.slug]), {"round": jeju.slug}
    ).content.decode()
    assert "Not mapped to an area" in html
    # Their number ("Not mapped to an area 0" above a listed item: the filters were chained
    # onto a list), and the compared round's basis in words ("whose agenda is the discussed").
    counts = re.findall(r'Not mapped to an area\s*<span class="count">(\d+)', html)
    assert counts and all(int(count) > 0 for count in counts)
    assert "whose agenda is the" not in html
    assert "automobiles" in html.split('id="agenda"')[1]  # the matrix's unmapped row
    admin_html = staff_client.get(
        reverse("admin:negotiations_round_change", args=[jeju.pk])
    ).content.decode()
    assert "Not mapped to an area" in admin_html
    counts = re.findall(r'Not mapped to an area\s*<span class="count">(\d+)', admin_html)
    assert counts and all(int(count) > 0 for count in counts)
