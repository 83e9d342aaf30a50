"""The dashboard page on the seed data: timeline, agenda matrix, changes, sources."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from negotiations import models
from negotiations.dashboard import timeline
from tests import factories

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
# The most SQL queries one dashboard page may run, whatever the amount of data (one more
# with known_as_of: how many sources the day could use). The picker takes three (how many
# negotiations match, one page of them, their parties), choosing the negotiation one.
MAX_QUERIES = 18


def page(client, url="/dashboard/", **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:2000]
    return response


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


def test_unknown_negotiation_is_404(client):
    assert client.get("/dashboard/no-such-talks/").status_code == 404


def test_without_the_korea_us_talks_the_negotiation_with_most_rounds_is_shown(client):
    models.Negotiation.objects.filter(slug=TALKS).delete()
    assert page(client).context["current"].slug == "jp-us-tariff-talks-2025"


def test_with_no_negotiation_the_page_says_how_to_load_data(client):
    models.Negotiation.objects.all().delete()
    response = page(client)
    assert "No negotiation recorded yet" in response.content.decode()


def test_jeju_currency_policy_cell_is_dropped_with_its_explanation(client):
    response = page(client)
    jeju = cell(response, "currency-policy", JEJU)
    assert (jeju["state"], jeju["change"]) == ("absent", "dropped")
    assert jeju["before"]["label"] == "currency policy"
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


def test_the_1_may_round_cells_are_unknown(client):
    response = page(client)
    rows = response.context["data"]["matrix"]["rows"]
    assert rows
    states = {next(c for c in row["cells"] if c["round"] == MAY_1)["state"] for row in rows}
    assert states == {"unknown"}
    html = response.content.decode()
    for row in rows:
        tag = td(html, row["slug"], MAY_1)
        assert 'data-state="unknown"' in tag and "unknown" in tag.lower()
    assert 'data-state="unknown"' in html and '"unknown">Unknown</td>' in html


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


def test_as_of_defaults_to_today(client):
    response = page(client)
    today = timezone.localdate()
    assert response.context["as_of"] == today
    assert f'name="as_of" value="{today.isoformat()}"' in response.content.decode()


@pytest.mark.parametrize("bad", ["yesterday", "2025-13-01", "16/05/2025"])
def test_bad_as_of_is_a_clear_form_error_not_a_crash(client, bad):
    response = client.get("/dashboard/", {"as_of": bad})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a date as YYYY-MM-DD" in html
    assert 'role="alert"' in html
    # the page still renders, counting from today
    assert response.context["data"]["negotiation"]["slug"] == TALKS


@pytest.mark.parametrize("bad", ["no-such-round", "not a slug", "alaska-lng-summit-2025-summer"])
def test_unknown_round_is_a_form_error(client, bad):
    response = client.get("/dashboard/", {"round": bad, "as_of": "2025-05-16"})
    assert response.status_code == 400
    assert "This negotiation has no such round" in response.content.decode()
    assert response.context["data"]["selected_round"]["slug"] == NEXT_WEEK
    assert response.context["as_of"] == datetime.date(2025, 5, 16)


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


def test_season_precision_round_is_a_span_over_the_season(client):
    response = page(client, "/dashboard/alaska-lng-commitments-2025/")
    marks = [m for lane in response.context["data"]["timeline"]["lanes"] for m in lane["marks"]]
    (summit,) = marks
    assert summit["span"] and summit["precision"] == "season"
    assert summit["width"] > 500  # June to August, most of the axis


def test_deadlines_on_the_timeline(client):
    response = page(client, as_of="2025-05-16")
    tl = response.context["data"]["timeline"]
    dates = {mark["date"] for mark in tl["deadlines"]}
    assert dates == {datetime.date(2025, 6, 3), datetime.date(2025, 7, 8)}
    html = response.content.decode()
    assert 'class="deadline-mark" data-date="2025-07-08"' in html
    assert tl["as_of"]["visible"]


def test_as_of_far_from_the_talks_is_marked_at_the_edge(client):
    tl = page(client, as_of="2027-01-01").context["data"]["timeline"]
    assert not tl["as_of"]["visible"] and tl["as_of"]["side"] == "after"
    assert tl["last"] < datetime.date(2025, 12, 31)


def test_changes_default_to_the_latest_round_with_a_reported_agenda(client):
    data = page(client).context["data"]
    assert data["selected_round"]["slug"] == NEXT_WEEK
    assert data["changes"]["compared_to"]["slug"] == JEJU


def test_changes_of_jeju_name_the_skipped_round(client):
    response = page(client, round=JEJU, as_of="2025-05-16")
    changes = response.context["data"]["changes"]
    assert changes["compared_to"]["slug"] == WASHINGTON
    assert [area["slug"] for area in changes["dropped"]] == [
        "currency-policy",
        "investment-cooperation",
    ]
    assert {area["slug"] for area in changes["added"]} == {
        "commercial-considerations",
        "digital-trade",
        "rules-of-origin",
    }
    assert [skip["round"]["slug"] for skip in changes["skipped"]] == [MAY_1]
    html = response.content.decode()
    assert "Skipped <strong>First round of technical consultations</strong>" in html
    assert "its agenda was not reported" in html
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
    assert len(data["disagreements"]) == 3
    html = response.content.decode()
    assert "Korea JoongAng Daily" in html and "16 May 2025" in html
    assert "Which four areas were agreed on 24 April 2025" in html
    claims = next(
        d for d in data["disagreements"] if d["slug"] == "currency-policy-on-2025-04-24-agenda"
    )
    assert [claim["label"] for claim in claims["claims"]] == ["A", "B"]
    assert all(claim["citations"] for claim in claims["claims"])


def test_links_into_the_api_and_the_admin(client):
    html = page(client).content.decode()
    jeju = models.Round.objects.get(slug=JEJU)
    assert reverse("admin:negotiations_round_change", args=[jeju.pk]) in html
    assert f"/api/v1/rounds/{JEJU}/" in html
    assert "/api/v1/negotiations/kr-us-tariff-talks-2025/agenda-matrix/" in html
    source = models.Source.objects.get(slug="reuters-2025-04-24")
    assert reverse("admin:negotiations_source_change", args=[source.pk]) in html


def test_root_still_redirects_to_the_api(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/api/v1/"


def test_static_files_are_found():
    from django.contrib.staticfiles import finders

    assert finders.find("dashboard/dashboard.css")
    assert finders.find("dashboard/dashboard.js")


def grow():
    """30 more rounds with agendas, citations, deadlines and a disagreement, on the talks."""
    talks = models.Negotiation.objects.get(slug=TALKS)
    areas = list(models.AgendaArea.objects.all())
    source = factories.source(publisher="Bulk wire", published_on=datetime.date(2025, 5, 1))
    for round_ in factories.cited_rounds(talks, areas, source, range(100, 130)):
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


@pytest.mark.parametrize(
    ("params", "bound"),
    [
        ({}, MAX_QUERIES),
        ({"round": JEJU, "as_of": "2025-05-16"}, MAX_QUERIES),
        ({"known_as_of": "2026-01-01"}, MAX_QUERIES + 1),
    ],
)
def test_query_count_is_bounded_at_two_data_sizes(
    client, django_assert_max_num_queries, params, bound
):
    with django_assert_max_num_queries(bound):
        small = client.get("/dashboard/", params)
    assert small.status_code == 200
    rounds_before = len(small.context["data"]["rounds"])

    grow()
    with django_assert_max_num_queries(bound):
        large = client.get("/dashboard/", params)
    assert large.status_code == 200
    assert len(large.context["data"]["rounds"]) == rounds_before + 30
    assert len(large.context["data"]["matrix"]["columns"]) == rounds_before + 30


def test_the_first_known_agenda_is_not_highlighted_as_added(client):
    response = page(client)
    washington = cell(response, "currency-policy", WASHINGTON)
    assert washington["state"] == "present" and washington["change"] == "first_reported"
    assert washington["change_text"] == ""
    assert "nothing earlier to compare with" in washington["description"]
    tag = td(response.content.decode(), "currency-policy", WASHINGTON)
    assert 'data-change="first_reported"' in tag and "Added" not in tag


@pytest.mark.parametrize(
    ("first", "last", "labels"),
    [
        (datetime.date(2025, 4, 10), datetime.date(2025, 4, 28), ["14 Apr", "21 Apr", "28 Apr"]),
        (datetime.date(2025, 4, 20), datetime.date(2025, 7, 12), ["May 2025", "Jun", "Jul"]),
        (
            datetime.date(2024, 11, 1),
            datetime.date(2025, 12, 31),
            ["Jan 2025", "Apr", "Jul", "Oct"],
        ),
        (datetime.date(2022, 6, 1), datetime.date(2025, 6, 1), ["2023", "2024", "2025"]),
    ],
)
def test_ticks_suit_the_span(first, last, labels):
    major, _ = timeline.ticks(timeline.Scale(first, last))
    assert [tick["label"] for tick in major] == labels
    xs = [tick["x"] for tick in major]
    assert xs == sorted(xs) and xs[0] >= timeline.GUTTER and xs[-1] <= timeline.WIDTH


@pytest.mark.parametrize(
    ("start", "end", "precision", "text"),
    [
        (datetime.date(2025, 5, 16), None, "day", "16 May 2025"),
        (datetime.date(2025, 5, 19), datetime.date(2025, 5, 23), "week", "week of 19 May 2025"),
        (datetime.date(2025, 6, 1), datetime.date(2025, 8, 31), "season", "summer 2025"),
        (datetime.date(2025, 6, 1), datetime.date(2025, 6, 30), "month", "June 2025"),
        (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31), "year", "2025"),
        (datetime.date(2025, 5, 15), datetime.date(2025, 5, 16), "day", "15–16 May 2025"),
        (None, None, "day", "date not reported"),
    ],
)
def test_dates_are_written_as_precisely_as_they_are_known(start, end, precision, text):
    assert timeline.date_label(start, end, precision) == text


def test_deadline_labels_do_not_overlap():
    as_of = datetime.date(2025, 5, 16)
    deadlines = [
        {
            "slug": slug,
            "date": day,
            "end_date": None,
            "short_title": title,
            "days_label": "53 days to go",
            "status": "upcoming",
        }
        for slug, day, title in [
            ("a", datetime.date(2025, 6, 3), "South Korean snap presidential election"),
            ("b", datetime.date(2025, 7, 8), "End of the US reciprocal tariff pause"),
            ("c", datetime.date(2025, 7, 8), "July package target"),
        ]
    ]
    tl = timeline.build_timeline([], deadlines, as_of)
    lines = [line for mark in tl["deadlines"] for line in mark["lines"]]
    for one in lines:
        for other in lines:
            if one is not other and one["title_y"] == other["title_y"]:
                widths = timeline.CHAR_WIDTH * (len(one["text"]) + len(other["text"]))
                assert abs(one["label_x"] - other["label_x"]) > widths / 2
    assert len({line["title_y"] for line in lines if line["date"].month == 7}) == 2


def test_a_coarse_deadline_is_drawn_over_its_window():
    deadline = {
        "slug": "july",
        "date": datetime.date(2025, 7, 1),
        "end_date": datetime.date(2025, 7, 31),
        "short_title": "Sometime in July",
        "days_label": "46 days to go",
        "status": "upcoming",
    }
    tl = timeline.build_timeline([], [deadline], datetime.date(2025, 5, 16))
    (mark,) = tl["deadlines"]
    scale = timeline.Scale(tl["first"], tl["last"])
    assert mark["window"]["x"] == pytest.approx(scale.x(datetime.date(2025, 7, 1)), abs=0.1)
    assert mark["window"]["x"] + mark["window"]["width"] == pytest.approx(
        scale.x(datetime.date(2025, 8, 1)), abs=0.2
    )


def test_a_coarse_deadline_window_is_on_the_page(client):
    models.Deadline.objects.create(
        slug="some-day-in-july",
        title="Sometime in July",
        kind="other",
        negotiation=models.Negotiation.objects.get(slug=TALKS),
        date=datetime.date(2025, 7, 1),
        end_date=datetime.date(2025, 7, 31),
        date_precision="month",
    )
    html = page(client, as_of="2025-05-16").content.decode()
    assert 'class="deadline-mark__window"' in html
    assert "July 2025" in html  # the card says the month, not 1 July


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


@pytest.mark.parametrize("status", ["cancelled", "postponed"])
def test_a_called_off_round_is_drawn_apart_from_planned_ones(client, status):
    talks = models.Negotiation.objects.get(slug=TALKS)
    called_off = factories.round(
        talks, 40, status=status, start_date=datetime.date(2025, 6, 20), city="Seoul"
    )
    response = page(client, as_of="2025-05-16")
    data = response.context["data"]
    marks = {m["slug"]: m for lane in data["timeline"]["lanes"] for m in lane["marks"]}
    mark = marks[called_off.slug]
    assert mark["called_off"] and not mark["planned"] and mark["strike"]
    assert marks[NEXT_WEEK]["planned"] and not marks[NEXT_WEEK]["called_off"]
    assert data["called_off_count"] == 1
    assert data["planned_count"] == sum(1 for r in data["rounds"] if r["status"] == "planned")

    html = response.content.decode()
    group = re.search(rf'<g class="([^"]*)" data-round="{called_off.slug}"', html)
    assert group and group.group(1) == "round-mark round-mark--called-off"
    assert "Postponed/cancelled" in html  # legend entry
    header = re.search(rf'<th [^>]*class="([^"]*)" data-round="{called_off.slug}"', html)
    assert "is-called-off" in header.group(1) and "is-planned" not in header.group(1)


def test_a_disputed_entry_lists_each_version_with_its_sources_once(client):
    response = page(client, round=JEJU, as_of="2025-05-16")
    dropped = {entry["slug"]: entry for entry in response.context["data"]["changes"]["dropped"]}
    versions = dropped["investment-cooperation"]["disputes"][0]["claims"]
    assert [claim["sources_text"] for claim in versions] == [
        "\u201cTreasury Secretary Scott Bescent says\u2026\u201d; Korea JoongAng Daily; "
        "Korea JoongAng Daily (Yonhap)",
        "Reuters",
    ]
    html = response.content.decode()
    panel = html.split("change-list--dropped")[1]
    entry = panel.split('data-area="investment-cooperation"')[1].split("</li>")[0]
    assert "Inferred from the two lists" in entry and "\u26a0</span> Disputed" in entry
    assert 'role="tooltip"' in entry and "Four areas without currency policy" in entry
    assert td(html, "investment-cooperation", JEJU).count('data-disputed="true"') == 1


def test_the_day_known_shapes_the_whole_page(client):
    data = page(client, known_as_of="2025-04-25").context["data"]
    assert data["known_as_of"] == {
        "date": "2025-04-25",
        "sources_published": 3,
        "sources_undated": 0,
    }
    assert [row["slug"] for row in data["rounds"]] == [WASHINGTON, MAY_1, JEJU]
    assert {row["slug"]: row["status"] for row in data["rounds"]}[JEJU] == "planned"
    assert {source["slug"] for source in data["sources"]} == {
        "reuters-2025-04-24",
        "bescent-very-successful-2025-04",
        "han-cabinet-2025-04-22",
    }
    # Who met Greer in May: JoongAng's version (16 May) was not out yet.
    assert {d["slug"] for d in data["disagreements"]} == {
        "currency-policy-on-2025-04-24-agenda",
        "scope-of-25-percent-tariff-on-korea",
    }
    assert data["selected_round"]["slug"] == WASHINGTON


def test_a_round_not_yet_reported_on_the_day_is_a_notice_not_an_error(client):
    response = page(client, known_as_of="2025-04-25", round=NEXT_WEEK)
    assert response.context["notice"].startswith("The round you were looking at had not been")
    assert not response.context["query"].errors
    assert response.context["data"]["selected_round"]["slug"] == WASHINGTON
