"""Hostile and odd input: every bad request is a 4xx JSON answer naming the field or
parameter (never a 500 or a misleading 503), and nothing is written.

Bodies (malformed JSON, wrong types, 1 MB strings, control characters, lone surrogates, far
dates, form encodings) and query parameters (non-ASCII digits, out-of-range times, long
searches, NUL characters, SQL and HTML as text). Several were found by Schemathesis against
the live schema (.ci/schemathesis.sh); the docstring of each of those names the finding.
"""

import json
import sqlite3

import pytest
from django.db import InterfaceError, OperationalError

from negotiations import models, registry
from negotiations.api import exceptions
from tests import factories
from tests.contract import json_4xx, parameters_of

pytestmark = pytest.mark.django_db

LISTS = ["rounds", "people", "citations"]


@pytest.fixture
def unchanged(round_url):
    """Asserts, after the test, that no record of the tracker was written."""
    slug = round_url.split("/")[-2]
    before = {model: model.objects.count() for model in registry.data_models()}
    updated = models.Round.objects.get(slug=slug).updated
    yield
    assert {model: model.objects.count() for model in registry.data_models()} == before
    assert models.Round.objects.get(slug=slug).updated == updated


class TestNonAsciiDigits:
    """str.isdigit() accepts '²' and '١', which int() refuses or reads differently."""

    @pytest.mark.parametrize("path", LISTS)
    @pytest.mark.parametrize("parameter", ["page", "page_size"])
    @pytest.mark.parametrize("value", ["\u00b2", "\u2467", "\u0661"])
    def test_is_a_400_naming_the_parameter(self, api, path, parameter, value):
        json_4xx(api.get(f"/api/v1/{path}/", {parameter: value}), naming=parameter)

    def test_with_a_cursor_too(self, api):
        json_4xx(
            api.get("/api/v1/rounds/", {"cursor": "", "page_size": "\u00b2"}), naming="page_size"
        )

    def test_ascii_digits_still_work(self, api):
        assert api.get("/api/v1/rounds/", {"page": "1", "page_size": "02"}).status_code == 200

    def test_a_page_number_too_long_for_int_is_past_the_end(self, api):
        # Python refuses to parse integers of more than 4300 digits: not a 500.
        assert api.get("/api/v1/rounds/", {"page": "9" * 5000}).status_code == 404
        json_4xx(api.get("/api/v1/rounds/", {"page_size": "9" * 5000}), naming="page_size")


class TestUpdatedSinceOutOfRange:
    """Valid ISO 8601 times whose UTC equivalent falls outside years 1 to 9999."""

    EXTREMES = ["9999-12-31T23:59:59-23:00", "0001-01-01T00:00:00+05:00"]

    @pytest.mark.parametrize("value", EXTREMES)
    @pytest.mark.parametrize("path", ["rounds", "deadlines", "sources"])
    def test_lists(self, api, path, value):
        body = json_4xx(
            api.get(f"/api/v1/{path}/", {"updated_since": value}), naming="updated_since"
        )
        assert "out of range" in body["updated_since"][0]

    @pytest.mark.parametrize("value", EXTREMES)
    def test_calendar_feed(self, api, value):
        response = api.get("/api/v1/deadlines.ics", {"updated_since": value})
        json_4xx(response, naming="updated_since")

    @pytest.mark.parametrize("value", EXTREMES)
    def test_same_answer_as_the_changes_feed(self, api, value):
        json_4xx(api.get("/api/v1/changes/", {"since": value}), naming="since")

    @pytest.mark.parametrize(
        "value", ["9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00Z", "0001-01-01T05:00:00+05:00"]
    )
    def test_extremes_that_fit_still_work(self, api, value):
        assert api.get("/api/v1/rounds/", {"updated_since": value}).status_code == 200


class TestLongSearch:
    @pytest.mark.parametrize(
        "path",
        ["people", "rounds", "organizations", "parties", "sources", "citations", "agenda-areas"],
    )
    def test_one_megabyte_search_is_a_400(self, api, path):
        body = json_4xx(api.get(f"/api/v1/{path}/", {"search": "x" * 1_000_000}), naming="search")
        assert "200" in body["search"][0]

    @pytest.mark.parametrize(
        ("path", "parameter"),
        [("rounds", "city"), ("rounds", "country"), ("sources", "publisher")],
    )
    def test_other_text_filters_are_bounded_too(self, api, path, parameter):
        json_4xx(api.get(f"/api/v1/{path}/", {parameter: "x" * 201}), naming=parameter)

    def test_up_to_200_characters_is_fine(self, api):
        assert api.get("/api/v1/people/", {"search": "x" * 200}).status_code == 200
        json_4xx(api.get("/api/v1/people/", {"search": "x" * 201}), naming="search")


class TestOutageOrNot:
    """Only errors that say the database cannot answer at all are a 503."""

    @staticmethod
    def wrapped(cause):
        error = OperationalError(str(cause))
        error.__cause__ = cause
        return error

    @staticmethod
    def sqlite_error(message, code):
        error = sqlite3.OperationalError(message)
        error.sqlite_errorcode = code
        return error

    @staticmethod
    def psycopg_error(sqlstate):
        import psycopg

        error = psycopg.errors.lookup(sqlstate)("x") if sqlstate else psycopg.OperationalError("x")
        return error

    def test_connection_losses_are_outages(self):
        assert exceptions.is_outage(
            OperationalError("connection refused")
        )  # no driver error to judge
        assert exceptions.is_outage(InterfaceError("connection already closed"))
        assert exceptions.is_outage(self.wrapped(self.psycopg_error(None)))  # could not connect
        for sqlstate in ("08006", "57P01", "57P03", "53300"):
            assert exceptions.is_outage(self.wrapped(self.psycopg_error(sqlstate))), sqlstate
        cantopen = self.sqlite_error("unable to open database file", sqlite3.SQLITE_CANTOPEN)
        assert exceptions.is_outage(self.wrapped(cantopen))
        locked = self.sqlite_error("database is locked", sqlite3.SQLITE_BUSY)
        assert exceptions.is_outage(self.wrapped(locked))

    def test_refused_queries_are_not(self):
        like = self.sqlite_error("LIKE or GLOB pattern too complex", sqlite3.SQLITE_ERROR)
        assert not exceptions.is_outage(self.wrapped(like))
        assert not exceptions.is_outage(
            self.wrapped(self.psycopg_error("54001"))
        )  # statement too complex

    def test_a_refused_query_is_a_500_not_a_503(self, api, monkeypatch):
        def refuse(*args, **kwargs):
            raise self.wrapped(self.sqlite_error("LIKE pattern too complex", sqlite3.SQLITE_ERROR))

        monkeypatch.setattr("negotiations.api.conditional.current_data_version", refuse)
        api.raise_request_exception = False
        response = api.get("/api/v1/rounds/")
        assert response.status_code == 500
        assert "Retry-After" not in response
        body = response.json()
        assert (body["status"], body["code"], body["detail"]) == (
            500,
            "server_error",
            "Server error.",
        )


class TestWithinDays:
    # Only ASCII digits: not full-width, Arabic-Indic or superscript ones, nor "1.0".
    @pytest.mark.parametrize(
        "value", ["1.5", "0.1", "1e3", "1.0", "\u00b2", "\uff11\uff12", "\u0663", "ten"]
    )
    def test_not_a_whole_number_is_a_400(self, api, value):
        json_4xx(api.get("/api/v1/deadlines/", {"within_days": value}), naming="within_days")

    @pytest.mark.parametrize("value", ["-1", "36501"])
    def test_bounds_are_kept(self, api, value):
        json_4xx(api.get("/api/v1/deadlines/", {"within_days": value}), naming="within_days")

    def test_whole_numbers_work(self, api):
        for value in ("0", "30", "36500"):
            assert api.get("/api/v1/deadlines/", {"within_days": value}).status_code == 200
        assert api.get("/api/v1/deadlines.ics", {"within_days": "1.5"}).status_code == 400

    def test_schema_says_integer(self, api):
        schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
        parameters = parameters_of(schema, "/api/v1/deadlines/")
        assert parameters["within_days"]["schema"] == {
            "type": "integer",
            "minimum": 0,
            "maximum": 36500,
        }


@pytest.mark.parametrize("query", [{"from": "a\x00b"}, {"from": "a b", "to": "x"}])
def test_a_slug_with_a_nul_character_is_a_400(api, round_url, query):
    """A NUL in rounds/compare/?from= reached PostgreSQL, which refuses it: a 500."""
    query = {"to": round_url.split("/")[-2], **query}  # a round that exists, unless replaced
    assert "from" in json_4xx(api.get("/api/v1/rounds/compare/", query))


def test_a_related_slug_with_a_nul_character_is_a_400(editor, round_url):
    body = json_4xx(editor.patch(round_url, {"negotiation": "talks\x00"}, format="json"))
    assert "negotiation" in body


def test_a_lone_surrogate_in_text_is_a_400(editor, round_url):
    """ "\\ud800" is valid JSON but no text: PostgreSQL cannot encode it (a 500)."""
    body = json.dumps({"summary": "broken \ud800 text"})
    response = editor.patch(round_url, body, content_type="application/json")
    assert "summary" in json_4xx(response)


@pytest.mark.parametrize("path", ["people", "rounds", "positions"])
def test_a_nul_in_a_slug_filter_is_a_400(api, path):
    filter_name = {"people": "party", "rounds": "negotiation", "positions": "speaker"}[path]
    assert filter_name in json_4xx(api.get(f"/api/v1/{path}/", {filter_name: "a\x00b"}))


def test_a_write_refuses_unknown_query_parameters(editor):
    """A DELETE with ?format= (empty) or another parameter went through (204)."""
    deadline = factories.deadline()
    response = editor.delete(f"/api/v1/deadlines/{deadline.slug}/?format=")
    json_4xx(response)
    response = editor.delete(f"/api/v1/deadlines/{deadline.slug}/?force=1")
    assert "force" in json_4xx(response)
    assert models.Deadline.objects.filter(slug=deadline.slug).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"summary": 0}, "summary"),  # DRF made it "0"
        ({"citations": {}}, "citations"),  # DRF made it []
        ({"negotiation": ""}, "negotiation"),  # DRF made it null
        ({"sequence": "4"}, "sequence"),  # DRF made it 4
        ({"citations": ["", None]}, "citations"),
    ],
)
def test_json_types_are_those_of_the_schema(editor, round_url, payload, field):
    slug = round_url.split("/")[-2]
    before = models.Round.objects.get(slug=slug).updated
    assert field in json_4xx(editor.patch(round_url, payload, format="json"))
    assert models.Round.objects.get(slug=slug).updated == before


def test_a_type_error_is_reported_with_the_other_errors(editor):
    body = json_4xx(
        editor.post("/api/v1/rounds/", {"sequence": "first", "level": "galactic"}, format="json")
    )
    assert {"sequence", "level", "negotiation", "title"} <= set(body)


def test_a_decimal_may_be_a_string(editor):
    measure = factories.measure(rate_percent=25)
    response = editor.patch(
        f"/api/v1/measures/{measure.slug}/", {"rate_percent": "12.5"}, format="json"
    )
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]
)
def test_writes_are_json_only(editor, round_url, content_type):
    """Form bodies cannot say null, a number or a list of slugs as the schema types them."""
    json_4xx(editor.patch(round_url, "summary=x", content_type=content_type), 415)


@pytest.mark.usefixtures("unchanged")
class TestBadBodies:
    def test_malformed_json(self, editor):
        response = editor.post("/api/v1/sources/", "{not json", content_type="application/json")
        json_4xx(response)
        assert response.json()["code"] == "parse_error"
        assert "JSON parse error" in response.json()["detail"]

    def test_wrong_types(self, editor):
        body = json_4xx(
            editor.post(
                "/api/v1/rounds/",
                {"negotiation": ["x"], "sequence": {"a": 1}, "title": 7, "start_date": True},
                format="json",
            )
        )
        assert {"negotiation", "sequence", "start_date"} <= set(body)

    @pytest.mark.parametrize("field", ["title", "summary"])
    def test_one_megabyte_strings(self, editor, round_url, field):
        body = json_4xx(editor.patch(round_url, {field: "x" * 1_000_000}, format="json"))
        assert field in body

    @pytest.mark.parametrize("text", ["nul\x00byte", "bell\x07", "escape\x1b[31m"])
    def test_control_characters(self, editor, round_url, text):
        body = json_4xx(editor.patch(round_url, {"summary": text}, format="json"))
        assert "summary" in body

    def test_dates_out_of_range(self, editor, round_url):
        body = json_4xx(
            editor.patch(
                round_url, {"start_date": "99999-01-01", "end_date": "0000-00-00"}, format="json"
            )
        )
        assert {"start_date", "end_date"} <= set(body)

    def test_body_that_is_not_an_object(self, editor):
        json_4xx(editor.post("/api/v1/sources/", [1, 2, 3], format="json"))

    def test_unsupported_media_type(self, editor):
        response = editor.post("/api/v1/sources/", "title=x", content_type="text/plain")
        json_4xx(response, status=415)


@pytest.mark.usefixtures("unchanged")
class TestBadQueries:
    @pytest.mark.parametrize(
        "term",
        [
            "'; DROP TABLE negotiations_round; --",
            "<script>alert(1)</script>",
            "%' OR '1'='1",
            "\\",
            "ü" * 200,  # the longest search term (longer ones: TestLongSearch)
        ],
    )
    def test_sql_and_html_in_search_are_just_text(self, api, term):
        for path in ("people", "rounds", "organizations", "sources", "citations", "agenda-areas"):
            response = api.get(f"/api/v1/{path}/", {"search": term})
            assert response.status_code == 200
            assert response.json()["results"] == [] or term == "\\"

    @pytest.mark.parametrize("path", ["people", "rounds", "citations"])
    def test_nul_in_a_query_parameter(self, api, path):
        json_4xx(api.get(f"/api/v1/{path}/", {"search": "a\x00b"}))

    def test_far_dates_do_not_overflow(self, api):
        response = api.get("/api/v1/deadlines/", {"as_of": "9999-12-31", "within_days": "36500"})
        assert response.status_code == 200
        json_4xx(api.get("/api/v1/deadlines/", {"as_of": "10000-01-01"}))
        json_4xx(api.get("/api/v1/rounds/", {"updated_since": "0000-01-01T00:00:00Z"}))

    def test_huge_page_size(self, api):
        assert "page_size" in json_4xx(api.get("/api/v1/rounds/", {"page_size": 10**9}))

    def test_odd_slugs_are_404(self, api):
        for slug in ("%00", "..%2F..%2Fetc", "a b", "ü"):
            assert api.get(f"/api/v1/rounds/{slug}/").status_code == 404
