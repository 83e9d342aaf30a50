"""The dashboard on the seed: the 2025 Korea–US talks as an editor sees them (timeline,
agenda matrix, changes, sources and disputes) against what the articles report (the page as
a mechanism, on built talks: tests/dashboard/)."""

import datetime
import re

import pytest
from django.urls import reverse

from negotiations import models
from negotiations.dashboard import timeline
from tests.helpers import dashboard_page as page
from tests.seed import CURRENCY_OFF_JEJU

pytestmark = pytest.mark.django_db

TALKS = "kr-us-tariff-talks-2025"
JEJU = "jeju-ministerial-2025-05-16"
WASHINGTON = "washington-2plus2-2025-04-24"
MAY_1 = "washington-technical-1-2025-05-01"
NEXT_WEEK = "technical-2-week-of-2025-05-19"
NEGOTIATIONS = [
    "kr-us-tariff-talks-2025",
    "kr-us-currency-consultations-2025",
    "alaska-lng-commitments-2025",
    "jp-us-tariff-talks-2025",
]


def cell(response, area: str, round_slug: str) -> dict:
    for row in response.context["data"]["matrix"]["rows"]:
        if row["slug"] == area:
            return next(c for c in row["cells"] if c["round"] == round_slug)
    raise AssertionError(f"no row {area}")


def td(html: str, area: str, round_slug: str) -> str:
    """The opening tag of a matrix cell: in the area's row, the round's column."""
    row = re.search(rf'<tr data-area="{area}">(.*?)</tr>', html, flags=re.S)
    assert row, f"no row {area}"
    match = re.search(rf'<td [^>]*data-round="{round_slug}"[^>]*>', row.group(1), flags=re.S)
    assert match, f"no cell {area} x {round_slug}"
    return match.group(0)


def test_dashboard_defaults_to_the_korea_us_talks(client):
    response = page(client)
    html = response.content.decode()
    assert response.context["current"].slug == TALKS
    assert '<h1 id="page-title">Korea–US tariff negotiations 2025 (July package)</h1>' in html
    # the picker lists the four negotiations, the current one marked
    for slug in NEGOTIATIONS:
        assert reverse("dashboard:negotiation", args=[slug]) in html
    assert html.count('aria-current="page"') == 2  # site nav + picker
    # semantic structure and text alternatives
    for fragment in ("<header", "<nav", "<main", "<section", "<caption", '<th scope="row"'):
        assert fragment in html
    assert '<title id="timeline-svg-title">' in html and '<desc id="timeline-svg-desc">' in html
    assert "dashboard/dashboard.css" in html and "dashboard/dashboard.js" in html


@pytest.mark.parametrize("slug", NEGOTIATIONS)
def test_every_negotiation_renders(client, slug):
    response = page(client, reverse("dashboard:negotiation", args=[slug]), as_of="2025-05-16")
    assert response.context["current"].slug == slug
    assert response.context["data"]["negotiation"]["slug"] == slug
    negotiation = models.Negotiation.objects.get(slug=slug)
    for round_ in negotiation.rounds.all():
        assert f'data-round="{round_.slug}"' in response.content.decode()


def test_without_the_korea_us_talks_the_negotiation_with_most_rounds_is_shown(client):
    models.Negotiation.objects.filter(slug=TALKS).delete()
    assert page(client).context["current"].slug == "jp-us-tariff-talks-2025"


def test_jeju_currency_policy_cell_is_dropped_with_its_explanation(client):
    response = page(client)
    jeju = cell(response, "currency-policy", JEJU)
    assert (jeju["state"], jeju["change"]) == ("excluded", "dropped")
    assert [entry["exclusion"] for entry in jeju["exclusions"]] == [CURRENCY_OFF_JEJU]
    assert jeju["before"]["label"] == "currency policies"  # the 1 May announcement's words
    assert jeju["basis"] == "stated"
    stated, reading = jeju["annotations"]
    assert "but with currency policy absent" in stated["note"]
    assert "Treasury" in reading["note"] and reading["basis_text"] == "Editors\u2019 reading"
    tag = td(response.content.decode(), "currency-policy", JEJU)
    assert 'data-change="dropped"' in tag and "change-dropped" in tag
    assert 'tabindex="0"' in tag
    assert "Dropped" in tag  # the title says it in words, not only in colour
    added = td(response.content.decode(), "digital-trade", JEJU)
    assert 'data-change="added"' in added and "reported as “digital trade”" in added


def test_present_cell_title_has_the_label_and_the_quote(client):
    response = page(client)
    tariffs = cell(response, "tariffs", JEJU)
    assert tariffs["label"] == "balanced trade"
    assert tariffs["citations"]
    quote = tariffs["citations"][0]["quote"]
    assert quote[:40] in tariffs["description"]
    tag = td(response.content.decode(), "tariffs", JEJU)
    assert "balanced trade" in tag


def test_the_1_may_round_cells_are_unknown_before_its_agenda_was_announced(client):
    """Reuters (24 April) announced the working-level discussions, Yonhap (26 April) their
    four areas: as known on 25 April, every 1 May cell is unknown, not empty."""
    response = page(client, known_as_of="2025-04-25")
    rows = response.context["data"]["matrix"]["rows"]
    assert rows
    states = {next(c for c in row["cells"] if c["round"] == MAY_1)["state"] for row in rows}
    assert states == {"unknown"}
    html = response.content.decode()
    for row in rows:
        tag = td(html, row["slug"], MAY_1)
        assert 'data-state="unknown"' in tag and "unknown" in tag.lower()
    assert 'data-state="unknown"' in html and '"unknown">Unknown</td>' in html

    announced = page(client, known_as_of="2025-04-26").context["data"]["matrix"]["rows"]
    currency = next(row for row in announced if row["slug"] == "currency-policy")
    cell_ = next(c for c in currency["cells"] if c["round"] == MAY_1)
    assert (cell_["state"], cell_["label"]) == ("present", "currency policies")


def test_as_of_changes_days_remaining(client):
    may_16 = page(client, as_of="2025-05-16").context["data"]["deadlines"]
    by_slug = {d["slug"]: d for d in may_16}
    assert by_slug["tariff-pause-expiry-2025-07-08"]["days_remaining"] == 53
    assert by_slug["korea-snap-election-2025-06-03"]["days_remaining"] == 18
    html = page(client, as_of="2025-05-16").content.decode()
    assert "53 days to go" in html and "18 days to go" in html
    assert 'data-deadline="tariff-pause-expiry-2025-07-08" data-days="53"' in html

    june_10 = page(client, as_of="2025-06-10")
    by_slug = {d["slug"]: d for d in june_10.context["data"]["deadlines"]}
    assert by_slug["tariff-pause-expiry-2025-07-08"]["days_remaining"] == 28
    assert by_slug["korea-snap-election-2025-06-03"]["status"] == "passed"
    assert "passed 7 days ago" in june_10.content.decode()


def test_planned_next_week_round_is_drawn_as_a_span(client):
    response = page(client, as_of="2025-05-16")
    tl = response.context["data"]["timeline"]
    marks = {mark["slug"]: mark for lane in tl["lanes"] for mark in lane["marks"]}
    week = marks[NEXT_WEEK]
    assert week["span"] and week["planned"] and week["precision"] == "week"
    scale = timeline.Scale(tl["first"], tl["last"])
    assert week["x"] == pytest.approx(scale.x(datetime.date(2025, 5, 19)), abs=0.1)
    assert week["x"] + week["width"] == pytest.approx(
        scale.x(datetime.date(2025, 5, 24)), abs=0.2
    )  # the whole week, 19 to 23 May inclusive
    jeju = marks[JEJU]
    assert not jeju["span"] and not jeju["planned"]

    html = response.content.decode()
    group = re.search(rf'<g class="round-mark[^"]*" data-round="{NEXT_WEEK}"(.*?)</g>', html, re.S)
    assert group and 'data-shape="span"' in group.group(0)
    assert '<rect class="round-span"' in group.group(1)
    assert "<circle" not in group.group(1)
    assert "week of 19 May" in group.group(1) and "“next week”" in group.group(1)
    dot = re.search(rf'<g class="round-mark[^"]*" data-round="{JEJU}"(.*?)</g>', html, re.S)
    assert '<circle class="round-dot"' in dot.group(1)


def test_deadlines_on_the_timeline(client):
    response = page(client, as_of="2025-05-16")
    tl = response.context["data"]["timeline"]
    dates = {mark["date"] for mark in tl["deadlines"]}
    assert dates == {datetime.date(2025, 6, 3), datetime.date(2025, 7, 8)}
    html = response.content.decode()
    assert 'class="deadline-mark" data-date="2025-07-08"' in html
    assert tl["as_of"]["visible"]


def test_changes_default_to_the_latest_round_with_a_reported_agenda(client):
    data = page(client).context["data"]
    assert data["selected_round"]["slug"] == NEXT_WEEK
    assert data["changes"]["compared_to"]["slug"] == JEJU


def test_changes_of_jeju_against_the_announced_agenda_of_1_may(client):
    response = page(client, round=JEJU, as_of="2025-05-16")
    changes = response.context["data"]["changes"]
    assert changes["compared_to"]["slug"] == MAY_1
    assert [area["slug"] for area in changes["dropped"]] == [
        "currency-policy",
        "investment-cooperation",
    ]
    assert {area["slug"] for area in changes["added"]} == {
        "commercial-considerations",
        "digital-trade",
        "rules-of-origin",
    }
    assert changes["skipped"] == []
    html = response.content.decode()
    assert "Compared with <strong>First round of technical consultations</strong>" in html
    assert "Skipped" not in html.split('id="changes"')[1]
    assert "What the sources report, and the editors\u2019 reading" in html
    assert reverse("api:round-agenda-changes", kwargs={"slug": JEJU}) in html


def test_sources_and_disagreements(client):
    response = page(client)
    data = response.context["data"]
    assert {source["slug"] for source in data["sources"]} == {
        "joongang-2025-05-16",
        "yonhap-2025-04-26",
        "reuters-2025-04-24",
        "bescent-very-successful-2025-04",
        "han-cabinet-2025-04-22",
    }
    assert {d["slug"] for d in data["disagreements"]} == {
        "jeju-meeting-korean-counterpart",
        "scope-of-25-percent-tariff-on-korea",
    }
    html = response.content.decode()
    assert "Korea JoongAng Daily" in html and "16 May 2025" in html
    assert "Who was to meet Greer in South Korea in mid-May 2025?" in html
    assert "Which four areas were agreed on 24 April 2025" not in html  # computed now
    claims = next(
        d for d in data["disagreements"] if d["slug"] == "scope-of-25-percent-tariff-on-korea"
    )
    assert [claim["label"] for claim in claims["claims"]] == ["A", "B"]
    assert all(claim["citations"] for claim in claims["claims"])


def test_the_first_known_agenda_is_not_highlighted_as_added(client):
    response = page(client)
    washington = cell(response, "currency-policy", WASHINGTON)
    assert washington["state"] == "present" and washington["change"] == "first_reported"
    assert washington["change_text"] == ""
    assert "nothing earlier to compare with" in washington["description"]
    tag = td(response.content.decode(), "currency-policy", WASHINGTON)
    assert 'data-change="first_reported"' in tag and "Added" not in tag


def cell_html(client, area: str, round_slug: str, negotiation: str = TALKS) -> str:
    """A matrix cell's pop-up, as the page fetches it on hover and focus."""
    url = reverse("dashboard:cell", args=[negotiation])
    response = client.get(url, {"round": round_slug, "area": area})
    assert response.status_code == 200, response.content
    return response.content.decode()


def test_first_reported_agenda_is_the_same_in_matrix_and_changes_panel(client, api):
    response = page(client, round=WASHINGTON, as_of="2025-05-16")
    data = response.context["data"]
    html = response.content.decode()
    on_agenda = set()
    for row in data["matrix"]["rows"]:
        washington = next(c for c in row["cells"] if c["round"] == WASHINGTON)
        if washington["state"] == "present":
            assert washington["change"] == "first_reported", row["slug"]
            assert 'data-change="first_reported"' in td(html, row["slug"], WASHINGTON)
            on_agenda.add(row["slug"])
        else:
            assert washington["change"] is None, row["slug"]
    assert "currency-policy" in on_agenda

    # The panel lists the same areas as the first reported agenda, not as added.
    changes = data["changes"]
    assert changes["is_first_reported"] is True
    assert changes["added"] == changes["dropped"] == changes["retained"] == []
    assert {entry["slug"] for entry in changes["first_reported"]} == on_agenda
    panel = html[html.index('id="changes"') :]
    assert f'First reported agenda <span class="count">{len(on_agenda)}</span>' in panel
    assert 'id="changes-added-heading"' not in panel
    assert "nothing earlier to compare with" in panel

    # The API says the same.
    body = api.get(f"/api/v1/rounds/{WASHINGTON}/agenda-changes/").json()
    assert body["compared_to"] is None and body["added"] == []
    assert {entry["slug"] for entry in body["first_reported"]} == on_agenda


def test_a_later_round_still_shows_added_in_the_panel(client):
    changes = page(client, round=JEJU, as_of="2025-05-16").context["data"]["changes"]
    assert changes["is_first_reported"] is False and changes["first_reported"] == []
    assert {entry["slug"] for entry in changes["added"]} >= {"digital-trade"}


def test_dropped_cell_quotes_the_drop_first_then_the_earlier_round(client):
    response = page(client, round=JEJU, as_of="2025-05-16")
    jeju = cell(response, "currency-policy", JEJU)
    absent = "but with currency policy absent"
    assert absent in jeju["quotes"][0]["quote"]
    assert jeju["earlier_quotes"] == jeju["before"]["citations"][:1]
    assert jeju["earlier_text"].startswith("Earlier, at Washington")
    earlier_quote = jeju["earlier_quotes"][0]["quote"][:40]
    description = jeju["description"]
    assert description.index(absent) < description.index("Earlier, at Washington")
    assert description.index("Earlier, at Washington") < description.index(earlier_quote)

    detail = cell_html(client, "currency-policy", JEJU)
    assert detail.index(absent) < detail.index("Earlier, at Washington")
    assert detail.index("Earlier, at Washington") < detail.index(earlier_quote)
    assert "Previously reported as" in detail and "Treasury" in detail


def test_a_disputed_entry_lists_each_version_with_its_sources_once(client):
    """The 24 April lists disagree on currency policy (Reuters' four leave it out)."""
    response = page(client, round=WASHINGTON, as_of="2025-05-16")
    first = {
        entry["slug"]: entry for entry in response.context["data"]["changes"]["first_reported"]
    }
    assert first["currency-policy"]["disputes"]
    assert not first["investment-cooperation"]["disputes"]
    html = response.content.decode()
    panel = html.split('id="changes"')[1]
    entry = panel.split('data-area="currency-policy"')[1].split("</li>")[0]
    assert "\u26a0</span> Disputed" in entry and "Reuters" in entry
    assert td(html, "currency-policy", WASHINGTON).count('data-disputed="true"') == 1
    assert 'data-disputed="true"' not in td(html, "investment-cooperation", WASHINGTON)


def test_the_day_known_shapes_the_whole_page(client):
    data = page(client, known_as_of="2025-04-25").context["data"]
    assert data["known_as_of"] == {
        "date": "2025-04-25",
        "sources_published": 2,
        "sources_undated": 0,
    }
    assert [row["slug"] for row in data["rounds"]] == [WASHINGTON, MAY_1, JEJU]
    assert {row["slug"]: row["status"] for row in data["rounds"]}[JEJU] == "planned"
    assert {source["slug"] for source in data["sources"]} == {
        "reuters-2025-04-24",
        "han-cabinet-2025-04-22",
    }
    # Both disagreements wait for a later version (the undated article, JoongAng Daily).
    assert data["disagreements"] == []
    assert data["selected_round"]["slug"] == WASHINGTON


def test_an_unknown_level_is_not_printed_as_none(client):
    """On 25 April nobody had said at what level Greer and Choi would meet."""
    html = page(client, known_as_of="2025-04-25").content.decode()
    text = re.sub(r"<[^>]+>", " ", html)
    assert not re.search(r"\bNone\b", text)


def test_the_deadlines_as_known_on_a_day_count_to_the_date_then_known(client):
    """On 24 April Reuters had the pause lifted "in the month of July": 68 days to 1 July."""
    data = page(client, known_as_of="2025-04-24").context["data"]
    pause = {d["slug"]: d for d in data["deadlines"]}["tariff-pause-expiry-2025-07-08"]
    assert pause["days_remaining"] == 68


def test_a_round_not_yet_reported_on_the_day_is_a_notice_not_an_error(client):
    response = page(client, known_as_of="2025-04-25", round=NEXT_WEEK)
    assert response.context["notice"].startswith("The round you were looking at had not been")
    assert not response.context["query"].errors
    assert response.context["data"]["selected_round"]["slug"] == WASHINGTON
