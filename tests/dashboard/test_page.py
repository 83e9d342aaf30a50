"""The dashboard page as a mechanism, on built talks: the negotiation and day it opens on,
form errors that still render the page, rounds and deadlines on the timeline, links into the
API and the admin, and a query count that does not grow with the data (the page on the seed's
story: tests/end_to_end/test_dashboard_story.py)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from negotiations import models
from negotiations.domain.versioning import bump_data_version
from tests import factories
from tests.helpers import dashboard_page as page

pytestmark = pytest.mark.django_db

# The most SQL queries one dashboard page may run, whatever the amount of data (seven more
# with known_as_of: how many sources the day could use, each round's facets from its
# citation links and their quotes, for the timeline and again for the agenda story, and
# the deadlines' the same way). The
# picker takes three (how many negotiations match, one page of them, their parties),
# choosing the negotiation one; the data version one (the page's key in the answer cache);
# the agenda's exclusions one.
MAX_QUERIES = 20


def test_unknown_negotiation_is_404(client):
    assert client.get("/dashboard/no-such-talks/").status_code == 404


def test_with_no_negotiation_the_page_says_how_to_load_data(client):
    models.Negotiation.objects.all().delete()
    response = page(client)
    assert "No negotiation recorded yet" in response.content.decode()


def test_as_of_defaults_to_today(client):
    response = page(client)
    today = timezone.localdate()
    assert response.context["as_of"] == today
    assert f'name="as_of" value="{today.isoformat()}"' in response.content.decode()


@pytest.mark.parametrize("bad", ["yesterday", "2025-13-01", "16/05/2025"])
def test_bad_as_of_is_a_clear_form_error_not_a_crash(client, bad):
    talks = factories.negotiation()
    factories.round(talks, 1)
    response = client.get(f"/dashboard/{talks.slug}/", {"as_of": bad})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a date as YYYY-MM-DD" in html
    assert 'role="alert"' in html
    # the page still renders, counting from today
    assert response.context["data"]["negotiation"]["slug"] == talks.slug
    assert response.context["as_of"] == timezone.localdate()


@pytest.mark.parametrize("bad", ["no-such-round", "not a slug", "another-negotiations-round"])
def test_unknown_round_is_a_form_error(client, bad):
    talks = factories.negotiation()
    factories.round(talks, 1, agenda={})
    latest = factories.round(talks, 2, agenda={})  # the latest with a reported agenda
    factories.round(factories.negotiation(), 1, slug="another-negotiations-round")
    response = client.get(f"/dashboard/{talks.slug}/", {"round": bad, "as_of": "2025-05-16"})
    assert response.status_code == 400
    assert "This negotiation has no such round" in response.content.decode()
    assert response.context["data"]["selected_round"]["slug"] == latest.slug
    assert response.context["as_of"] == datetime.date(2025, 5, 16)


def test_season_precision_round_is_a_span_over_the_season(client):
    talks = factories.negotiation()
    factories.round(
        talks,
        1,
        start_date=datetime.date(2025, 6, 1),
        end_date=datetime.date(2025, 8, 31),
        date_precision="season",
    )
    response = page(client, f"/dashboard/{talks.slug}/")
    marks = [m for lane in response.context["data"]["timeline"]["lanes"] for m in lane["marks"]]
    (summit,) = marks
    assert summit["span"] and summit["precision"] == "season"
    assert summit["width"] > 500  # June to August, most of the axis


def test_as_of_far_from_the_talks_is_marked_at_the_edge(client):
    talks = factories.negotiation()
    for sequence in (1, 2):  # in January 2025
        factories.round(talks, sequence)
    tl = page(client, f"/dashboard/{talks.slug}/", as_of="2027-01-01").context["data"]["timeline"]
    assert not tl["as_of"]["visible"] and tl["as_of"]["side"] == "after"
    assert tl["last"] < datetime.date(2025, 12, 31)


def test_links_into_the_api_and_the_admin(client):
    talks = factories.negotiation()
    round_ = factories.round(talks, 1, agenda={"steel": factories.area()})
    source = factories.source()
    round_.citations.add(factories.citation(source))
    html = page(client, f"/dashboard/{talks.slug}/").content.decode()
    assert reverse("admin:negotiations_round_change", args=[round_.pk]) in html
    assert f"/api/v1/rounds/{round_.slug}/" in html
    assert f"/api/v1/negotiations/{talks.slug}/agenda-matrix/" in html
    assert reverse("admin:negotiations_source_change", args=[source.pk]) in html


def test_root_still_redirects_to_the_api(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/api/v1/"


def test_static_files_are_found():
    from django.contrib.staticfiles import finders

    assert finders.find("dashboard/dashboard.css")
    assert finders.find("dashboard/dashboard.js")


def add_rounds(talks, areas, source, sequences):
    """Rounds with agendas, citations, deadlines, an annotated change and a disagreement."""
    for round_ in factories.cited_rounds(talks, areas, source, sequences):
        sequence = round_.sequence
        annotation = models.AgendaChangeAnnotation.objects.create(
            round=round_, area=areas[sequence % len(areas)], change="added", note="Bulk."
        )
        annotation.citations.add(factories.citation(source))
        disagreement = models.Disagreement.objects.create(
            slug=f"bulk-disagreement-{sequence}",
            title=f"Bulk {sequence}",
            note="?",
            negotiation=talks,
        )
        for label in "AB":
            claim = disagreement.claims.create(label=label, claim=f"Claim {label}")
            claim.citations.add(factories.citation(source))
        for party in talks.parties.all():
            models.Participant.objects.create(
                round=round_, party=party, name_as_reported=f"Delegate of {party.name}"
            ).citations.add(factories.citation(source))


@pytest.fixture
def opened(settings):
    """Built talks that the dashboard opens on: five rounds (the fifth with its agenda not
    reported) and all that they carry; and how to add 30 more."""
    talks = factories.negotiation()
    settings.DASHBOARD_NEGOTIATION = talks.slug
    areas = [factories.area() for _ in range(6)]
    source = factories.source(publisher="Bulk wire", published_on=datetime.date(2025, 5, 1))
    add_rounds(talks, areas, source, range(1, 6))

    def grow():
        add_rounds(talks, areas, source, range(100, 130))
        bump_data_version()  # as the write services do: the cached page is not the answer

    return talks, grow


@pytest.mark.parametrize(
    ("params", "bound"),
    [
        ({}, MAX_QUERIES),
        ({"round": "{third}", "as_of": "2025-05-16"}, MAX_QUERIES),
        ({"known_as_of": "2026-01-01"}, MAX_QUERIES + 7),
    ],
)
def test_query_count_is_bounded_at_two_data_sizes(
    client, django_assert_max_num_queries, opened, params, bound
):
    talks, grow = opened
    third = talks.rounds.get(sequence=3).slug
    params = {key: value.format(third=third) for key, value in params.items()}
    with django_assert_max_num_queries(bound):
        small = client.get("/dashboard/", params)
    assert small.status_code == 200
    assert small.context["data"]["negotiation"]["slug"] == talks.slug
    rounds_before = len(small.context["data"]["rounds"])

    grow()
    with django_assert_max_num_queries(bound):
        large = client.get("/dashboard/", params)
    assert large.status_code == 200
    assert len(large.context["data"]["rounds"]) == rounds_before + 30
    assert len(large.context["data"]["matrix"]["columns"]) == rounds_before + 30


def test_a_coarse_deadline_window_is_on_the_page(client):
    talks = factories.negotiation()
    factories.round(talks, 1)
    factories.deadline(
        title="Sometime in July",
        negotiation=talks,
        date=datetime.date(2025, 7, 1),
        end_date=datetime.date(2025, 7, 31),
        date_precision="month",
    )
    html = page(client, f"/dashboard/{talks.slug}/", as_of="2025-05-16").content.decode()
    assert 'class="deadline-mark__window"' in html
    assert "July 2025" in html  # the card says the month, not 1 July


@pytest.mark.parametrize("status", ["cancelled", "postponed"])
def test_a_called_off_round_is_drawn_apart_from_planned_ones(client, status):
    talks = factories.negotiation()
    factories.round(talks, 1, agenda={"steel": factories.area()})
    planned = factories.round(talks, 2, status="planned", start_date=datetime.date(2025, 6, 1))
    called_off = factories.round(
        talks, 3, status=status, start_date=datetime.date(2025, 6, 20), city="Seoul"
    )
    response = page(client, f"/dashboard/{talks.slug}/", as_of="2025-05-16")
    data = response.context["data"]
    marks = {m["slug"]: m for lane in data["timeline"]["lanes"] for m in lane["marks"]}
    mark = marks[called_off.slug]
    assert mark["called_off"] and not mark["planned"] and mark["strike"]
    assert marks[planned.slug]["planned"] and not marks[planned.slug]["called_off"]
    assert data["called_off_count"] == 1
    assert data["planned_count"] == sum(1 for r in data["rounds"] if r["status"] == "planned")

    html = response.content.decode()
    group = re.search(rf'<g class="([^"]*)" data-round="{called_off.slug}"', html)
    assert group and group.group(1) == "round-mark round-mark--called-off"
    assert "Postponed/cancelled" in html  # legend entry
    header = re.search(rf'<th [^>]*class="([^"]*)" data-round="{called_off.slug}"', html)
    assert "is-called-off" in header.group(1) and "is-planned" not in header.group(1)
