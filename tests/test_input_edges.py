"""Edge cases of query parameters that used to escape validation: a 400 naming the parameter,
never a 500 or a misleading 503."""

import sqlite3

import pytest
from django.db import InterfaceError, OperationalError

from negotiations.api import exceptions
from tests.contract import error_messages, parameters_of

pytestmark = pytest.mark.django_db

LISTS = ["rounds", "people", "citations"]


def assert_400_naming(response, parameter):
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert parameter in error_messages(response)
    return error_messages(response)


class TestNonAsciiDigits:
    """str.isdigit() accepts '²' and '١', which int() refuses or reads differently."""

    @pytest.mark.parametrize("path", LISTS)
    @pytest.mark.parametrize("parameter", ["page", "page_size"])
    @pytest.mark.parametrize("value", ["\u00b2", "\u2467", "\u0661"])
    def test_is_a_400_naming_the_parameter(self, api, path, parameter, value):
        assert_400_naming(api.get(f"/api/v1/{path}/", {parameter: value}), parameter)

    def test_with_a_cursor_too(self, api):
        assert_400_naming(
            api.get("/api/v1/rounds/", {"cursor": "", "page_size": "\u00b2"}), "page_size"
        )

    def test_ascii_digits_still_work(self, api):
        assert api.get("/api/v1/rounds/", {"page": "1", "page_size": "02"}).status_code == 200

    def test_a_page_number_too_long_for_int_is_past_the_end(self, api):
        # Python refuses to parse integers of more than 4300 digits: not a 500.
        assert api.get("/api/v1/rounds/", {"page": "9" * 5000}).status_code == 404
        assert_400_naming(api.get("/api/v1/rounds/", {"page_size": "9" * 5000}), "page_size")


class TestUpdatedSinceOutOfRange:
    """Valid ISO 8601 times whose UTC equivalent falls outside years 1 to 9999."""

    EXTREMES = ["9999-12-31T23:59:59-23:00", "0001-01-01T00:00:00+05:00"]

    @pytest.mark.parametrize("value", EXTREMES)
    @pytest.mark.parametrize("path", ["rounds", "deadlines", "sources"])
    def test_lists(self, api, path, value):
        body = assert_400_naming(
            api.get(f"/api/v1/{path}/", {"updated_since": value}), "updated_since"
        )
        assert "out of range" in body["updated_since"][0]

    @pytest.mark.parametrize("value", EXTREMES)
    def test_calendar_feed(self, api, value):
        response = api.get("/api/v1/deadlines.ics", {"updated_since": value})
        assert_400_naming(response, "updated_since")

    @pytest.mark.parametrize("value", EXTREMES)
    def test_same_answer_as_the_changes_feed(self, api, value):
        assert_400_naming(api.get("/api/v1/changes/", {"since": value}), "since")

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
        body = assert_400_naming(api.get(f"/api/v1/{path}/", {"search": "x" * 1_000_000}), "search")
        assert "200" in body["search"][0]

    @pytest.mark.parametrize(
        ("path", "parameter"),
        [("rounds", "city"), ("rounds", "country"), ("sources", "publisher")],
    )
    def test_other_text_filters_are_bounded_too(self, api, path, parameter):
        assert_400_naming(api.get(f"/api/v1/{path}/", {parameter: "x" * 201}), parameter)

    def test_up_to_200_characters_is_fine(self, api):
        assert api.get("/api/v1/people/", {"search": "x" * 200}).status_code == 200
        assert_400_naming(api.get("/api/v1/people/", {"search": "x" * 201}), "search")


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
    @pytest.mark.parametrize("value", ["1.5", "0.1", "1e3", "\u00b2", "ten"])
    def test_not_a_whole_number_is_a_400(self, api, value):
        assert_400_naming(api.get("/api/v1/deadlines/", {"within_days": value}), "within_days")

    @pytest.mark.parametrize("value", ["-1", "36501"])
    def test_bounds_are_kept(self, api, value):
        assert_400_naming(api.get("/api/v1/deadlines/", {"within_days": value}), "within_days")

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
