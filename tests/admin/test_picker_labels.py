"""Every picker of the admin names a record with its slug: two negotiations of the same title
(or two rounds in one city) are told apart in the autocomplete and in plain selects."""

import pytest

from negotiations import models
from tests import factories
from tests.helpers import admin_url

pytestmark = pytest.mark.django_db


def test_the_autocomplete_offers_each_record_with_its_slug(staff_client):
    factories.negotiation(title="Twin talks", slug="twin-talks-a")
    factories.negotiation(title="Twin talks b", slug="twin-talks-b")
    answer = staff_client.get(
        "/admin/autocomplete/",
        {
            "term": "Twin",
            "app_label": "negotiations",
            "model_name": "round",
            "field_name": "negotiation",
        },
    )
    assert answer.status_code == 200
    texts = {result["text"] for result in answer.json()["results"]}
    assert texts == {"Twin talks \u00b7 twin-talks-a", "Twin talks b \u00b7 twin-talks-b"}


def test_a_plain_select_offers_each_record_with_its_slug(staff_client):
    negotiation = factories.negotiation(title="Select talks", slug="select-talks")
    page = staff_client.get(admin_url(models.Deadline, "add"))
    choices = dict(page.context["adminform"].form.fields["negotiation"].choices)
    assert "Select talks \u00b7 select-talks" in choices.values(), negotiation
