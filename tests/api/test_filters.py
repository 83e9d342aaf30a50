"""Filters, search, ordering, pagination, sparse fields and bad query parameters."""

import base64
import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from negotiations import models
from negotiations.choices import AgendaBasis
from negotiations.domain.versioning import bump_data_version
from tests import factories
from tests.contract import error_messages
from tests.helpers import LIST_PATHS, results, slugs

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    """Built talks shaped like the seed's (their slugs by the seed rounds' names): a 2+2 in
    Washington, a director-level round whose agenda was not reported, a ministerial in Jeju,
    a planned technical round; people with misspelt aliases, positions, cited agenda items."""
    kr, us = factories.party(), factories.party()
    talks = factories.negotiation(parties=[kr, us])
    tariffs, ntm = factories.area(), factories.area()
    fx, digital = factories.area(), factories.area()
    ustr, treasury = factories.organization(party=us), factories.organization(party=us)
    ministry = factories.organization(party=kr, name="Ministry of Trade, Industry and Energy")
    ministry.aliases.create(name="Industry Ministry")
    ahn = factories.person(name="Ahn Duk-geun", party=kr)
    choi = factories.person(name="Choi Sang-mok", party=kr)
    bessent = factories.person(name="Scott Bessent", party=us)
    for misspelt in ("Scott Bescent", "Scott Becent"):
        bessent.aliases.create(name=misspelt)
    greer = factories.person(name="Jamieson Greer", party=us)
    trump = factories.person(name="Donald Trump", party=us)
    models.Role.objects.create(person=greer, organization=ustr, title="Trade Representative")
    models.Role.objects.create(person=bessent, organization=treasury, title="Secretary")
    washington = factories.round(
        talks,
        1,
        title="Washington 2+2",
        level="high_level_2plus2",
        start_date=datetime.date(2025, 4, 24),
        city="Washington",
        country="US",
        agenda={"tariff and non-tariff measures": [tariffs, ntm], "currency": fx},
    )
    technical_1 = factories.round(
        talks, 2, level="director", start_date=datetime.date(2025, 5, 1), city="Washington"
    )
    jeju = factories.round(
        talks,
        3,
        title="Ministerial in Jeju",
        level="ministerial",
        start_date=datetime.date(2025, 5, 16),
        city="Jeju",
        country="KR",
        agenda={"digital trade": digital},
    )
    technical_2 = factories.round(
        talks,
        4,
        level="working",
        status="planned",
        start_date=datetime.date(2025, 5, 19),
        agenda_basis=AgendaBasis.ANNOUNCED,
        agenda={"six key areas": [digital]},
    )
    for round_, people in ((washington, (ahn, choi, bessent, greer)), (jeju, (ahn, greer))):
        for person in people:
            models.Participant.objects.create(
                round=round_, person=person, party=person.party, name_as_reported=person.name
            )
    for item in washington.agenda_items.all():
        item.citations.add(factories.citation())
    request = models.Position.objects.create(
        slug=factories.unique("position"),
        party=us,
        kind="request",
        summary="Separate talks.",
        negotiation=talks,
        round=washington,
    )
    request.areas.add(fx)
    models.Position.objects.create(
        slug=factories.unique("position"),
        party=kr,
        kind="statement",
        summary="Still talking.",
        negotiation=talks,
        round=jeju,
    )
    source = factories.source()
    for number in range(3):
        factories.citation(source, quote=f"Quote {number}.")
    return {
        "TALKS": talks.slug,
        "WASHINGTON": washington.slug,
        "TECHNICAL_1": technical_1.slug,
        "JEJU": jeju.slug,
        "TECHNICAL_2": technical_2.slug,
        "KOREA": kr.slug,
        "US": us.slug,
        "ustr": ustr.slug,
        "treasury": treasury.slug,
        "ministry": ministry.slug,
        "ahn": ahn.slug,
        "choi": choi.slug,
        "bessent": bessent.slug,
        "greer": greer.slug,
        "trump": trump.slug,
        "tariffs": tariffs.slug,
        "ntm": ntm.slug,
        "fx": fx.slug,
        "digital": digital.slug,
        "request": request.slug,
        "source": source.slug,
    }


def named(value, story):
    """A case's query or answer with the story's slugs for its names."""
    if isinstance(value, dict):
        return {key: named(item, story) for key, item in value.items()}
    if isinstance(value, list | set):
        return type(value)(named(item, story) for item in value)
    return story.get(value, value)


# Cases that would meet the seed's rounds too are asked of the built talks only.
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"negotiation": "TALKS"}, {"WASHINGTON", "TECHNICAL_1", "JEJU", "TECHNICAL_2"}),
        ({"level": "ministerial", "negotiation": "TALKS"}, {"JEJU"}),
        (
            {"level": ["ministerial", "director"], "negotiation": "TALKS"},
            {"JEJU", "TECHNICAL_1"},
        ),
        ({"status": "planned", "negotiation": "TALKS"}, {"TECHNICAL_2"}),
        (
            {
                "start_date_after": "2025-05-01",
                "start_date_before": "2025-05-16",
                "negotiation": "TALKS",
            },
            {"TECHNICAL_1", "JEJU"},
        ),
        ({"city": "jeju", "negotiation": "TALKS"}, {"JEJU"}),
        ({"country": "kr", "negotiation": "TALKS"}, {"JEJU"}),
        ({"participant": "ahn"}, {"WASHINGTON", "JEJU"}),
        ({"area": "fx"}, {"WASHINGTON"}),
        ({"area": "digital"}, {"JEJU", "TECHNICAL_2"}),
        ({"agenda_status": "not_reported", "negotiation": "TALKS"}, {"TECHNICAL_1"}),
        ({"party": "KOREA", "level": "high_level_2plus2"}, {"WASHINGTON"}),
        ({"search": "Jeju", "negotiation": "TALKS"}, {"JEJU"}),
    ],
)
def test_round_filters(api, story, query, expected):
    found = set(slugs(api.get("/api/v1/rounds/", named(query, story))))
    assert found == named(expected, story)


def test_rounds_default_order_is_by_date_then_stable(api, story):
    query = {"negotiation": story["TALKS"]}
    dates = [r["start_date"] for r in results(api.get("/api/v1/rounds/", query))]
    assert dates == sorted(dates)


def test_round_ordering_descending(api, story):
    query = {"negotiation": story["TALKS"], "ordering": "-sequence"}
    found = slugs(api.get("/api/v1/rounds/", query))
    assert found == named(["TECHNICAL_2", "JEJU", "TECHNICAL_1", "WASHINGTON"], story)


@pytest.mark.parametrize("term", ["Bescent", "Becent", "bessent", "Scott"])
def test_people_search_matches_names_and_aliases(api, story, term):
    assert story["bessent"] in slugs(api.get("/api/v1/people/", {"search": term}))


def test_people_by_party_and_organization(api, story):
    by_organization = set(slugs(api.get("/api/v1/people/", {"organization": story["ustr"]})))
    assert by_organization == {story["greer"]}
    us = set(slugs(api.get("/api/v1/people/", {"party": story["US"]})))
    assert us == named({"bessent", "greer", "trump"}, story)
    assert story["ahn"] not in us


def test_organizations_by_party_and_alias(api, story):
    found = slugs(api.get("/api/v1/organizations/", {"search": "Industry Ministry"}))
    assert story["ministry"] in found
    by_party = set(slugs(api.get("/api/v1/organizations/", {"party": story["US"]})))
    assert by_party == named({"ustr", "treasury"}, story)


def test_positions_filters(api, story):
    us, fx = story["US"], story["fx"]
    found = results(api.get("/api/v1/positions/", {"party": us, "area": fx}))
    assert story["request"] in {p["slug"] for p in found}
    assert all(p["party"] == us and fx in p["areas"] for p in found)
    kinds = {p["kind"] for p in results(api.get("/api/v1/positions/", {"kind": "request"}))}
    assert kinds == {"request"}
    at_jeju = results(api.get("/api/v1/positions/", {"round": story["JEJU"]}))
    assert at_jeju and all(p["round"] == story["JEJU"] for p in at_jeju)


def test_citations_by_source(api, story):
    source = story["source"]
    found = results(api.get("/api/v1/citations/", {"source": source, "page_size": 500}))
    assert found and all(c["source"] == source for c in found)
    assert len(found) == models.Citation.objects.filter(source__slug=source).count() == 3


def test_agenda_items_by_area(api, story):
    found = results(api.get("/api/v1/agenda-items/", {"area": story["fx"]}))
    assert [item["round"] for item in found] == [story["WASHINGTON"]]


def test_updated_since_returns_only_what_changed(api, a_round):
    cutoff = timezone.now()
    assert slugs(api.get("/api/v1/rounds/", {"updated_since": cutoff.isoformat()})) == []
    models.Round.objects.filter(pk=a_round.pk).update(
        updated=cutoff + datetime.timedelta(seconds=1)
    )
    bump_data_version()  # written around the write services: the version moves by hand
    assert slugs(api.get("/api/v1/rounds/", {"updated_since": cutoff.isoformat()})) == [
        a_round.slug
    ]


@pytest.mark.parametrize("path", LIST_PATHS)
def test_every_list_syncs_and_sparse_fields(api, path):
    assert api.get(f"/api/v1/{path}/", {"updated_since": "2000-01-01T00:00:00Z"}).status_code == 200
    assert api.get(f"/api/v1/{path}/", {"updated_since": "yesterday"}).status_code == 400
    sparse = results(api.get(f"/api/v1/sparse/{path}/", {"fields": "slug,updated"}))
    assert sparse and all(set(item) == {"slug", "updated"} for item in sparse)
    # Asked for at the JSON URL, whose answers hold every field: a 303 to the sparse one.
    moved = api.get(f"/api/v1/{path}/", {"fields": "slug,updated", "page_size": "1"})
    assert moved.status_code == 303
    assert moved["Location"] == (
        f"http://testserver/api/v1/sparse/{path}/?fields=slug%2Cupdated&page_size=1"
    )


def test_sparse_fields_on_detail_keep_nested_objects_whole(api, story):
    body = api.get(f"/api/v1/sparse/rounds/{story['JEJU']}/", {"fields": "slug,agenda"}).json()
    assert set(body) == {"slug", "agenda"}
    assert {"slug", "label", "areas", "citations"} <= set(body["agenda"][0])


def test_unknown_agenda_is_null_not_empty(api, story):
    body = api.get(f"/api/v1/rounds/{story['TECHNICAL_1']}/").json()
    assert body["agenda_status"] == "not_reported"
    assert body["agenda"] is None


def test_round_embeds_what_a_dashboard_needs(api, story):
    body = api.get(f"/api/v1/rounds/{story['WASHINGTON']}/").json()
    assert body["negotiation"] == {"slug": story["TALKS"], "title": body["negotiation"]["title"]}
    assert body["date_precision"] == "day"
    names = {p["person"]["slug"] for p in body["participants"] if p["person"]}
    assert names == named({"ahn", "choi", "bessent", "greer"}, story)
    item = next(i for i in body["agenda"] if len(i["areas"]) == 2)
    assert {a["slug"] for a in item["areas"]} == named({"tariffs", "ntm"}, story)
    assert item["citations"][0].keys() == {
        "slug",
        "source",
        "publisher",
        "quote",
        "published_on",
        "facets",
        "values",
        "reports_change",
    }


class TestBadInput:
    @pytest.mark.parametrize(
        ("query", "parameter"),
        [
            ({"start_date_after": "2025-13-40"}, "start_date_after"),
            ({"level": "galactic"}, "level"),
            ({"negotiation": "no-such-negotiation"}, "negotiation"),
            ({"ordering": "password"}, "ordering"),
            ({"page_size": "0"}, "page_size"),
            ({"page_size": "1000000000"}, "page_size"),
            ({"page_size": "ten"}, "page_size"),
            ({"page": "-1"}, "page"),
            ({"fields": "slug,secret"}, "fields"),
            ({"colour": "blue"}, "colour"),
            ({"updated_since": "2025-02-30T00:00:00"}, "updated_since"),
        ],
    )
    def test_bad_query_parameters_are_a_400_naming_the_parameter(self, api, query, parameter):
        url = "/api/v1/sparse/rounds/" if "fields" in query else "/api/v1/rounds/"
        response = api.get(url, query)
        assert response.status_code == 400
        assert parameter in error_messages(response)

    @pytest.mark.parametrize(
        ("url", "parameter"),
        [("/api/v1/rounds/", "updated_since"), ("/api/v1/changes/", "since")],
    )
    def test_an_unencoded_plus_in_a_time_is_explained(self, api, url, parameter):
        """`+00:00` unencoded arrives as " 00:00" (a "+" in a query is a space): the 400
        said only "Enter a valid date/time"."""
        response = api.get(f"{url}?{parameter}=2026-01-01T00:00:00+00:00")
        [message] = error_messages(response)[parameter]
        assert "%2B" in message and "Z" in message
        assert api.get(f"{url}?{parameter}=2026-01-01T00:00:00%2B00:00").status_code == 200
        [message] = error_messages(api.get(f"{url}?{parameter}=yesterday"))[parameter]
        assert "%2B" not in message

    def test_page_past_the_end_is_a_404(self, api):
        assert api.get("/api/v1/rounds/", {"page": "999"}).status_code == 404

    def test_page_size_is_bounded(self, api):
        body = api.get("/api/v1/citations/", {"page_size": "500"}).json()
        assert len(body["results"]) == min(500, body["count"])
        two = api.get("/api/v1/citations/", {"page_size": "2"}).json()
        assert len(two["results"]) == 2 and two["next"]


class TestCursorPagination:
    def test_walks_every_record_once_in_insertion_order(self, api):
        seen, url, params = [], "/api/v1/citations/", {"cursor": "", "page_size": "7"}
        while url:
            body = api.get(url, params).json()
            assert body["count"] is None
            seen += [item["slug"] for item in body["results"]]
            url, params = body["next"], None
        expected = list(models.Citation.objects.order_by("pk").values_list("slug", flat=True))
        assert seen == expected

    def test_filters_apply_with_a_cursor(self, api, story):
        body = api.get("/api/v1/rounds/", {"cursor": "", "negotiation": story["TALKS"]}).json()
        assert {r["slug"] for r in body["results"]} == named(
            {"WASHINGTON", "TECHNICAL_1", "JEJU", "TECHNICAL_2"}, story
        )

    @pytest.mark.parametrize(
        ("query", "parameter"),
        [
            ({"cursor": "", "ordering": "title"}, "ordering"),
            ({"cursor": "", "page": "2"}, "page"),
            ({"cursor": "", "page_size": "100000"}, "page_size"),
        ],
    )
    def test_conflicting_parameters(self, api, query, parameter):
        url = "/api/v1/sparse/rounds/" if "fields" in query else "/api/v1/rounds/"
        response = api.get(url, query)
        assert response.status_code == 400
        assert parameter in error_messages(response)

    @pytest.mark.parametrize(
        "cursor",
        [
            "not-base64!!",
            "abc",
            "cD1hYmM=",  # p=abc
            base64.b64encode(b"o=999999999&p=1").decode(),  # a position and an offset, unsigned
            base64.b64encode(b"p=1").decode(),
        ],
    )
    def test_a_forged_cursor_is_a_400_naming_it(self, api, cursor):
        response = api.get("/api/v1/rounds/", {"cursor": cursor})
        invalid_cursor(response)

    def test_only_cursors_this_server_issued_for_this_list_are_taken(self, api, settings):
        issued = api.get("/api/v1/citations/", {"cursor": "", "page_size": "2"}).json()["next"]
        cursor = parse_qs(urlsplit(issued).query)["cursor"][0]
        token, _, signature = cursor.rpartition(":")
        assert api.get("/api/v1/citations/", {"cursor": cursor}).status_code == 200
        # Altered: another position under the same signature, or no signature at all.
        forged = base64.b64encode(b"p=1").decode()
        invalid_cursor(api.get("/api/v1/citations/", {"cursor": f"{forged}:{signature}"}))
        invalid_cursor(api.get("/api/v1/citations/", {"cursor": token}))
        # Foreign: issued for another list, or by a server with another key.
        invalid_cursor(api.get("/api/v1/sources/", {"cursor": cursor}))
        settings.SECRET_KEY = "another-server-s-key-" * 3
        invalid_cursor(api.get("/api/v1/citations/", {"cursor": cursor, "page_size": "2"}))

    def test_previous_links_work_too(self, api):
        first = api.get("/api/v1/citations/", {"cursor": "", "page_size": "3"}).json()
        second = api.get(first["next"]).json()
        back = api.get(second["previous"]).json()
        assert [c["slug"] for c in back["results"]] == [c["slug"] for c in first["results"]]


def invalid_cursor(response) -> None:
    assert response.status_code == 400, response.content[:300]
    assert response.json()["errors"][0]["code"] == "invalid_cursor"
    assert "cursor" in error_messages(response)
