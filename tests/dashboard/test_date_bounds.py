"""The dashboard draws every date the model allows (1900-2100), and any day it is asked
about: a deadline dated 9999-12-31 made a negotiation's page a 500 (the timeline's margin
past the last day overflowed), a round dated 0001-01-01 broke the timeline's padding."""

import datetime

import pytest

from negotiations.dashboard import timeline
from negotiations.models.base import EARLIEST_DATE, LATEST_DATE
from tests import factories
from tests.helpers import dashboard_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def talks_at_the_bounds():
    """Rounds on the first and the last day allowed, deadlines there too, one of them a
    window that ends on the last day allowed."""
    talks = factories.negotiation()
    factories.round(talks, 1, start_date=EARLIEST_DATE)
    factories.round(
        talks,
        2,
        start_date=datetime.date(2100, 12, 1),
        end_date=LATEST_DATE,
        date_precision="month",
    )
    factories.deadline(negotiation=talks, date=EARLIEST_DATE)
    factories.deadline(
        negotiation=talks,
        date=datetime.date(2100, 1, 1),
        end_date=LATEST_DATE,
        date_precision="year",
    )
    return talks


@pytest.mark.parametrize(
    "as_of", [None, "1900-01-01", "2100-12-31", "0001-01-01", "9999-12-31", "2025-05-16"]
)
def test_the_page_draws_the_bounds(client, talks_at_the_bounds, as_of):
    params = {"as_of": as_of} if as_of else {}
    page = dashboard_page(client, f"/dashboard/{talks_at_the_bounds.slug}/", **params)
    drawing = page.context["data"]["timeline"]
    labels = [tick["label"] for tick in drawing["ticks"]]
    assert 2 <= len(labels) <= timeline.MAX_YEAR_LABELS
    assert drawing["first"] < EARLIEST_DATE and drawing["last"] > LATEST_DATE


@pytest.mark.parametrize("known_as_of", ["0001-01-01", "9999-12-31"])
def test_any_day_it_is_asked_about(client, talks_at_the_bounds, known_as_of):
    dashboard_page(client, f"/dashboard/{talks_at_the_bounds.slug}/", known_as_of=known_as_of)


def test_two_hundred_years_get_a_label_every_twenty():
    scale = timeline.Scale(*timeline.domain([EARLIEST_DATE, LATEST_DATE]))
    major, grid = timeline.ticks(scale)
    assert [tick["label"] for tick in major][:3] == ["1900", "1920", "1940"]
    assert len(grid) < 250
