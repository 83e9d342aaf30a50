"""The admin's agenda panel on the seed's Jeju round: the currency drop and the disputed
24 April list, as the dashboard shows them (the admin's forms on built talks: tests/admin/)."""

import pytest

from negotiations import models
from tests.helpers import admin_url
from tests.seed import JEJU

pytestmark = pytest.mark.django_db


def test_jeju_agenda_panel_shows_currency_policy_dropped(staff_client):
    jeju = models.Round.objects.get(slug=JEJU)
    response = staff_client.get(admin_url(models.Round, "change", jeju.pk))
    html = response.content.decode()

    def section(kind):
        return html.split(f"change-list--{kind}")[1].split("</section>")[0]

    dropped = section("dropped")
    assert "Currency policy" in dropped
    assert "Investment cooperation" in dropped
    assert "Digital trade" in section("added")
    assert "Skipped <strong>First round of technical consultations</strong>" in html


def test_jeju_agenda_panel_shows_the_drop_as_disputed_and_its_basis(staff_client):
    """The admin shows the dashboard's presentation: the disputed 24 April list marks
    every Jeju entry, and only the currency drop is stated by a source."""
    jeju = models.Round.objects.get(slug=JEJU)
    html = staff_client.get(admin_url(models.Round, "change", jeju.pk)).content.decode()

    currency = html.split('data-area="currency-policy"')[1].split("</li>")[0]
    assert "Stated by a source" in currency
    assert "Disputed" in currency
    assert "Which four areas were agreed on 24 April 2025" in currency
    investment = html.split('data-area="investment-cooperation"')[1].split("</li>")[0]
    assert "Inferred from the two lists" in investment and "Disputed" in investment
    assert "agenda/agenda.css" in html  # the marker's styles (claims on hover and focus)
