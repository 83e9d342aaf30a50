"""An agenda item mapped to no area is never silently left out of a comparison."""

import pytest
from django.urls import reverse

from negotiations import models
from negotiations.domain import agenda
from tests import factories

pytestmark = pytest.mark.django_db

JEJU = "jeju-ministerial-2025-05-16"
NEXT_WEEK = "technical-2-week-of-2025-05-19"


@pytest.fixture
def automobiles():
    """An item of Jeju's agenda saved as unmapped, with a quote."""
    jeju = models.Round.objects.get(slug=JEJU)
    item = models.AgendaItem.objects.create(
        round=jeju, label="automobiles", slug=f"{JEJU}--automobiles", order=9, unmapped=True
    )
    item.citations.add(models.Citation.objects.get(slug="joongang-2025-05-16--six-areas"))
    return item


def test_round_changes_list_unmapped_items_on_each_side(automobiles):
    jeju = models.Round.objects.get(slug=JEJU)
    changes = agenda.round_agenda_changes(jeju)
    assert [item["item"] for item in changes["unmapped"]["after"]] == [automobiles.slug]
    assert changes["unmapped"]["after"][0]["citations"][0]["source"] == "joongang-2025-05-16"
    assert changes["unmapped"]["before"] == []
    # The areas comparison is unchanged: the item has no area to compare.
    assert {entry["slug"] for entry in changes["dropped"]} == {
        "currency-policy",
        "investment-cooperation",
    }

    later = agenda.round_agenda_changes(models.Round.objects.get(slug=NEXT_WEEK))
    assert [item["label"] for item in later["unmapped"]["before"]] == ["automobiles"]
    assert later["unmapped"]["after"] == []


def test_api_agenda_changes_and_matrix_show_unmapped_items(api, automobiles):
    body = api.get(f"/api/v1/rounds/{JEJU}/agenda-changes/").json()
    assert body["unmapped"]["after"][0]["label"] == "automobiles"

    matrix = api.get("/api/v1/negotiations/kr-us-tariff-talks-2025/agenda-matrix/").json()
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
        "/api/v1/rounds/compare/", {"from": JEJU, "to": "washington-2plus2-2025-04-24"}
    ).json()
    assert compared["unmapped"]["before"][0]["label"] == "automobiles"


def test_known_as_of_leaves_out_an_unmapped_item_not_yet_reported(api, automobiles):
    body = api.get(
        "/api/v1/negotiations/kr-us-tariff-talks-2025/agenda-matrix/",
        {"known_as_of": "2025-04-25"},
    ).json()
    assert body["unmapped"] == []


def test_an_unreported_agenda_lists_no_unmapped_items():
    talks = factories.negotiation()
    round_ = factories.round(talks, 1)
    models.AgendaItem.objects.create(round=round_, label="x", slug="x-item", unmapped=True)
    changes = agenda.round_agenda_changes(round_)
    assert changes["unmapped"] == {"before": [], "after": []}


def test_dashboard_and_admin_show_unmapped_items(client, staff_client, automobiles):
    html = client.get(
        reverse("dashboard:negotiation", args=["kr-us-tariff-talks-2025"]), {"round": JEJU}
    ).content.decode()
    assert "Not mapped to an area" in html
    assert "automobiles" in html.split('id="agenda"')[1]  # the matrix's unmapped row
    jeju = models.Round.objects.get(slug=JEJU)
    admin_html = staff_client.get(
        reverse("admin:negotiations_round_change", args=[jeju.pk])
    ).content.decode()
    assert "Not mapped to an area" in admin_html
