"""The admin's agenda panel on the seed's rounds: the currency drop at Jeju against the first
technical round's announced four, and the 24 April lists' disagreement, as the dashboard shows
them (the admin's forms on built talks: tests/admin/)."""

import pytest

from negotiations import models
from tests.helpers import admin_url
from tests.seed import JEJU, WASHINGTON

pytestmark = pytest.mark.django_db


def round_page(client, slug: str) -> str:
    record = models.Round.objects.get(slug=slug)
    return client.get(admin_url(models.Round, "change", record.pk)).content.decode()


def test_jeju_agenda_panel_shows_currency_policy_dropped(staff_client):
    html = round_page(staff_client, JEJU)

    def section(kind):
        return html.split(f"change-list--{kind}")[1].split("</section>")[0]

    dropped = section("dropped")
    assert "Currency policy" in dropped
    assert "Investment cooperation" in dropped
    assert "Digital trade" in section("added")
    assert "Compared with <strong>First round of technical consultations</strong>" in html


def test_jeju_agenda_panel_shows_the_basis_of_each_drop(staff_client):
    """The admin shows the dashboard's presentation: only the currency drop is stated by a
    source; neither list compared is disputed."""
    html = round_page(staff_client, JEJU)

    currency = html.split('data-area="currency-policy"')[1].split("</li>")[0]
    assert "Stated by a source" in currency
    assert "Disputed" not in currency
    investment = html.split('data-area="investment-cooperation"')[1].split("</li>")[0]
    assert "Inferred from the two lists" in investment and "Disputed" not in investment
    assert "agenda/agenda.css" in html  # the marker's styles (claims on hover and focus)


def test_the_24_april_panel_marks_currency_policy_disputed(staff_client):
    html = round_page(staff_client, WASHINGTON)
    currency = html.split('data-area="currency-policy"')[1].split("</li>")[0]
    assert "Disputed" in currency and "Reuters" in currency
    investment = html.split('data-area="investment-cooperation"')[1].split("</li>")[0]
    assert "Disputed" not in investment
