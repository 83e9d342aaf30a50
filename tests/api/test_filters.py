"""Filters, search, ordering, pagination, sparse fields and bad query parameters."""

import datetime

import pytest
from django.utils import timezone

from negotiations import models
from negotiations.domain.versioning import bump_data_version
from tests.contract import error_messages
from tests.helpers import results, slugs

pytestmark = pytest.mark.django_db

WASHINGTON = "washington-2plus2-2025-04-24"
TECHNICAL_1 = "washington-technical-1-2025-05-01"
JEJU = "jeju-ministerial-2025-05-16"
TECHNICAL_2 = "technical-2-week-of-2025-05-19"
TALKS = "kr-us-tariff-talks-2025"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"negotiation": TALKS}, {WASHINGTON, TECHNICAL_1, JEJU, TECHNICAL_2}),
        ({"level": "ministerial"}, {JEJU}),
        ({"level": ["ministerial", "director"]}, {JEJU, TECHNICAL_1}),
        ({"status": "planned", "negotiation": TALKS}, {TECHNICAL_2}),
        (
            {"start_date_after": "2025-05-01", "start_date_before": "2025-05-16"},
            {TECHNICAL_1, JEJU},
        ),
        ({"city": "jeju"}, {JEJU}),
        ({"country": "kr"}, {JEJU}),
        ({"participant": "ahn-duk-geun"}, {WASHINGTON, JEJU}),
        ({"area": "currency-policy"}, {WASHINGTON}),
        ({"area": "digital-trade"}, {JEJU, TECHNICAL_2}),
        ({"agenda_status": "not_reported", "negotiation": TALKS}, {TECHNICAL_1}),
        ({"party": "kr", "level": "high_level_2plus2"}, {WASHINGTON}),
        ({"search": "Jeju"}, {JEJU}),
    ],
)
def test_round_filters(api, query, expected):
    assert set(slugs(api.get("/api/v1/rounds/", query))) == expected


def test_rounds_default_order_is_by_date_then_stable(api):
    dates = [r["start_date"] for r in results(api.get("/api/v1/rounds/", {"negotiation": TALKS}))]
    assert dates == sorted(dates)


def test_round_ordering_descending(api):
    found = slugs(api.get("/api/v1/rounds/", {"negotiation": TALKS, "ordering": "-sequence"}))
    assert found == [TECHNICAL_2, JEJU, TECHNICAL_1, WASHINGTON]


@pytest.mark.parametrize("term", ["Bescent", "Becent", "bessent", "Scott"])
def test_people_search_matches_names_and_aliases(api, term):
    assert "scott-bessent" in slugs(api.get("/api/v1/people/", {"search": term}))


def test_people_by_party_and_organization(api):
    assert set(slugs(api.get("/api/v1/people/", {"organization": "ustr"}))) == {"jamieson-greer"}
    us = set(slugs(api.get("/api/v1/people/", {"party": "us"})))
    assert {"scott-bessent", "jamieson-greer", "donald-trump"} <= us
    assert "ahn-duk-geun" not in us


def test_organizations_by_party_and_alias(api):
    assert "motie" in slugs(api.get("/api/v1/organizations/", {"search": "Industry Ministry"}))
    assert set(slugs(api.get("/api/v1/organizations/", {"party": "us"}))) >= {"ustr", "us-treasury"}


def test_positions_filters(api):
    found = results(api.get("/api/v1/positions/", {"party": "us", "area": "currency-policy"}))
    assert "us-requests-separate-currency-talks-2025-04-24" in {p["slug"] for p in found}
    assert all(p["party"] == "us" and "currency-policy" in p["areas"] for p in found)
    kinds = {p["kind"] for p in results(api.get("/api/v1/positions/", {"kind": "request"}))}
    assert kinds == {"request"}
    at_jeju = results(api.get("/api/v1/positions/", {"round": JEJU}))
    assert at_jeju and all(p["round"] == JEJU for p in at_jeju)


def test_citations_by_source(api):
    found = results(
        api.get("/api/v1/citations/", {"source": "reuters-2025-04-24", "page_size": 500})
    )
    assert found and all(c["source"] == "reuters-2025-04-24" for c in found)
    assert len(found) == models.Citation.objects.filter(source__slug="reuters-2025-04-24").count()


def test_agenda_items_by_area(api):
    found = results(api.get("/api/v1/agenda-items/", {"area": "currency-policy"}))
    assert [item["round"] for item in found] == [WASHINGTON]


def test_updated_since_returns_only_what_changed(api):
    cutoff = timezone.now()
    assert slugs(api.get("/api/v1/rounds/", {"updated_since": cutoff.isoformat()})) == []
    models.Round.objects.filter(slug=JEJU).update(updated=cutoff + datetime.timedelta(seconds=1))
    bump_data_version()  # written around the write services: the version moves by hand
    assert slugs(api.get("/api/v1/rounds/", {"updated_since": cutoff.isoformat()})) == [JEJU]


@pytest.mark.parametrize(
    "path",
    [
        "parties",
        "organizations",
        "people",
        "negotiations",
        "rounds",
        "agenda-areas",
        "agenda-items",
        "deadlines",
        "measures",
        "positions",
        "sources",
        "citations",
        "conflicts",
    ],
)
def test_every_list_syncs_and_sparse_fields(api, path):
    assert api.get(f"/api/v1/{path}/", {"updated_since": "2000-01-01T00:00:00Z"}).status_code == 200
    assert api.get(f"/api/v1/{path}/", {"updated_since": "yesterday"}).status_code == 400
    sparse = results(api.get(f"/api/v1/{path}/", {"fields": "slug,updated"}))
    assert sparse and all(set(item) == {"slug", "updated"} for item in sparse)


def test_sparse_fields_on_detail_keep_nested_objects_whole(api):
    body = api.get(f"/api/v1/rounds/{JEJU}/", {"fields": "slug,agenda"}).json()
    assert set(body) == {"slug", "agenda"}
    assert {"slug", "label", "areas", "citations"} <= set(body["agenda"][0])


def test_unknown_agenda_is_null_not_empty(api):
    body = api.get(f"/api/v1/rounds/{TECHNICAL_1}/").json()
    assert body["agenda_status"] == "not_reported"
    assert body["agenda"] is None


def test_round_embeds_what_a_dashboard_needs(api):
    body = api.get(f"/api/v1/rounds/{WASHINGTON}/").json()
    assert body["negotiation"] == {"slug": TALKS, "title": body["negotiation"]["title"]}
    assert body["date_precision"] == "day"
    names = {p["person"]["slug"] for p in body["participants"] if p["person"]}
    assert names == {"ahn-duk-geun", "choi-sang-mok", "scott-bessent", "jamieson-greer"}
    item = next(i for i in body["agenda"] if len(i["areas"]) == 2)
    assert {a["slug"] for a in item["areas"]} == {"tariffs", "non-tariff-measures"}
    assert item["citations"][0].keys() == {"slug", "source", "publisher", "quote"}


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
        response = api.get("/api/v1/rounds/", query)
        assert response.status_code == 400
        assert parameter in error_messages(response)

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

    def test_filters_apply_with_a_cursor(self, api):
        body = api.get("/api/v1/rounds/", {"cursor": "", "negotiation": TALKS}).json()
        assert {r["slug"] for r in body["results"]} == {WASHINGTON, TECHNICAL_1, JEJU, TECHNICAL_2}

    @pytest.mark.parametrize(
        ("query", "parameter"),
        [
            ({"cursor": "", "ordering": "title"}, "ordering"),
            ({"cursor": "", "page": "2"}, "page"),
            ({"cursor": "", "page_size": "100000"}, "page_size"),
        ],
    )
    def test_conflicting_parameters(self, api, query, parameter):
        response = api.get("/api/v1/rounds/", query)
        assert response.status_code == 400
        assert parameter in error_messages(response)

    @pytest.mark.parametrize("cursor", ["not-base64!!", "abc", "cD1hYmM="])  # the last: p=abc
    def test_a_forged_cursor_is_a_400_naming_it(self, api, cursor):
        response = api.get("/api/v1/rounds/", {"cursor": cursor})
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "invalid_cursor"
        assert "cursor" in error_messages(response)
