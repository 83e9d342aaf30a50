"""Headers a client or a dashboard on another origin relies on: a list's place (Link,
X-Total-Count) for JSON as for CSV, rate limits, Location on a 201, If-Modified-Since, and
CORS for the dashboards of configured origins."""

import re
import time

import pytest
from django.test import Client
from django.utils.http import http_date

from negotiations.domain.versioning import current_data_version
from tests import factories

pytestmark = pytest.mark.django_db


def links(response) -> dict[str, str]:
    found = re.findall(r'<([^>]*)>; rel="([a-z]+)"', response["Link"])
    return {rel: url for url, rel in found}


class TestPaging:
    @pytest.mark.parametrize("url", ["/api/v1/citations/", "/api/v1/citations.csv"])
    def test_first_next_and_last_with_the_total(self, api, url):
        response = api.get(url, {"page_size": 10})
        total = api.get("/api/v1/citations/").json()["count"]
        assert response["X-Total-Count"] == str(total)
        found = links(response)
        assert set(found) == {"first", "next", "last"}
        assert "page=2" in found["next"] and "page_size=10" in found["next"]
        assert f"page={-(-total // 10)}" in found["last"]
        assert "page=" not in found["first"]

    def test_a_middle_page_links_back(self, api):
        response = api.get("/api/v1/citations/", {"page_size": 10, "page": 2})
        assert set(links(response)) == {"first", "prev", "next", "last"}

    def test_the_links_lead_through_the_list(self, api):
        seen, url = [], "/api/v1/sources/?page_size=2"
        while url:
            response = api.get(url)
            seen += [source["slug"] for source in response.json()["results"]]
            url = links(response).get("next")
        assert len(seen) == int(response["X-Total-Count"]) == len(set(seen))

    def test_a_cursor_list_is_not_counted(self, api):
        response = api.get("/api/v1/citations/", {"cursor": "", "page_size": 5})
        assert "X-Total-Count" not in response
        found = links(response)
        assert set(found) == {"first", "next"}
        second = api.get(found["next"])
        assert set(links(second)) == {"first", "prev", "next"}
        assert api.get(found["first"]).json() == response.json()

    def test_an_area_history_says_where_it_is(self, api):
        area = factories.area()
        for _ in range(2):  # on the agendas of two negotiations: two pages of one
            factories.round(factories.negotiation(), 1, agenda={"tariffs": area})
        response = api.get(f"/api/v1/agenda-areas/{area.slug}/history/", {"page_size": 1})
        assert response["X-Total-Count"] == str(response.json()["count"])
        assert "first" in links(response)

    def test_the_changes_feed_links_to_its_next_page(self, api):
        response = api.get("/api/v1/changes/", {"since": "2000-01-01T00:00:00Z", "page_size": 2})
        assert links(response) == {"next": response.json()["next"]}


class TestRateLimits:
    def test_every_answer_says_where_the_client_stands(self, api, monkeypatch):
        monkeypatch.setenv("THROTTLE_ANON", "5/minute")
        first = api.get("/api/v1/parties/")
        second = api.get("/api/v1/rounds/no-such-round/")  # errors count and say so too
        assert first["RateLimit-Limit"] == "5"
        assert first["RateLimit-Policy"] == "5;w=60"
        assert (first["RateLimit-Remaining"], second["RateLimit-Remaining"]) == ("4", "3")
        assert 0 < int(first["RateLimit-Reset"]) <= 60

    def test_a_throttled_answer(self, editor, monkeypatch):
        monkeypatch.setenv("THROTTLE_USER", "1/minute")
        editor.get("/api/v1/parties/")
        throttled = editor.get("/api/v1/parties/")
        assert throttled.status_code == 429
        assert throttled["RateLimit-Remaining"] == "0"
        assert int(throttled["Retry-After"]) == int(throttled["RateLimit-Reset"]) > 0

    @pytest.mark.parametrize("url", ["/api/v1/parties/", "/api/v1/rounds/{slug}/"])
    def test_a_304_does_not_count(self, api, a_round, monkeypatch, url):
        """Revalidating is what a polling client should do: it cost a request of its quota."""
        monkeypatch.setenv("THROTTLE_ANON", "3/minute")
        url = url.format(slug=a_round.slug)
        etag = api.get(url)["ETag"]
        for _ in range(5):
            revalidated = api.get(url, HTTP_IF_NONE_MATCH=etag)
            assert revalidated.status_code == 304
            assert revalidated["RateLimit-Remaining"] == "2"
        assert api.get(url)["RateLimit-Remaining"] == "1"  # a 200 counts

    def test_no_headers_without_a_limit(self, api, monkeypatch):
        monkeypatch.setenv("THROTTLE_ANON", "off")
        monkeypatch.setenv("THROTTLE_USER", "off")
        assert "RateLimit-Limit" not in api.get("/api/v1/parties/")


def test_a_created_record_says_where_it_is(editor):
    response = editor.post("/api/v1/sources/", {"title": "A new report"}, format="json")
    assert response.status_code == 201, response.content
    slug = response.json()["slug"]
    assert response["Location"] == f"http://testserver/api/v1/sources/{slug}/"
    assert editor.get(response["Location"]).json()["slug"] == slug


def last_modified(api, url) -> str:
    """A record's Last-Modified (left out within the second of a write: then a second later)."""
    response = api.get(url)
    if "Last-Modified" not in response:
        time.sleep(1.1)
        response = api.get(url)
    return response["Last-Modified"]


class TestIfModifiedSince:
    def test_unchanged_data_is_a_304(self, api, round_url):
        since = last_modified(api, round_url)
        again = api.get(round_url, HTTP_IF_MODIFIED_SINCE=since)
        assert again.status_code == 304
        assert again.content == b""
        listed = api.get("/api/v1/rounds/", HTTP_IF_MODIFIED_SINCE=since)
        assert listed.status_code == 304

    def test_a_write_since_is_a_200(self, api, editor, round_url):
        since = last_modified(api, round_url)
        assert editor.patch(round_url, {"summary": "Changed."}, format="json").status_code == 200
        again = api.get(round_url, HTTP_IF_MODIFIED_SINCE=since)
        assert again.status_code == 200
        assert again.json()["summary"] == "Changed."
        # Within the second of the write, no Last-Modified: a second write in that same
        # second would go unseen by a client comparing whole seconds.
        _, changed_at = current_data_version()
        if http_date(changed_at.timestamp()) == http_date():
            assert "Last-Modified" not in again

    def test_if_none_match_takes_precedence(self, api, round_url):
        stale = api.get(
            round_url,
            HTTP_IF_MODIFIED_SINCE=last_modified(api, round_url),
            HTTP_IF_NONE_MATCH='"x"',
        )
        assert stale.status_code == 200


def test_if_modified_since_never_hides_an_invalid_request(api):
    """Schemathesis: a far-future If-Modified-Since was a 304 for ?page=-1 (a 400)."""
    future = "Fri, 19 Aug 5211 16:46:43 GMT"
    assert api.get(
        "/api/v1/parties/", {"page": "-1"}, HTTP_IF_MODIFIED_SINCE=future
    ).status_code == (400)
    assert (
        api.get("/api/v1/parties/", {"kind": "x"}, HTTP_IF_MODIFIED_SINCE=future).status_code == 400
    )
    assert api.get("/api/v1/parties/", HTTP_IF_MODIFIED_SINCE=future).status_code == 304


class TestCrossOrigin:
    """A dashboard on another origin reads the headers it needs, sends its own and can use
    the ETag / If-Match (412) flow; other origins get nothing."""

    ORIGIN = "https://dashboard.example.org"

    @pytest.fixture(autouse=True)
    def allowed_origin(self, settings):
        settings.CORS_ALLOWED_ORIGINS = [self.ORIGIN]

    def test_a_configured_dashboard_is_allowed_and_no_other(self, api):
        allowed = api.get("/api/v1/rounds/", HTTP_ORIGIN=self.ORIGIN)
        assert allowed["Access-Control-Allow-Origin"] == self.ORIGIN
        other = api.get("/api/v1/rounds/", HTTP_ORIGIN="https://elsewhere.example.com")
        assert "Access-Control-Allow-Origin" not in other

    def test_a_dashboard_can_read_the_headers(self, api):
        response = api.get("/api/v1/rounds/", HTTP_ORIGIN=self.ORIGIN)
        exposed = {h.strip().lower() for h in response["Access-Control-Expose-Headers"].split(",")}
        assert {
            "etag",
            "last-modified",
            "link",
            "x-total-count",
            "location",
            "retry-after",
            "ratelimit-limit",
            "ratelimit-remaining",
            "ratelimit-reset",
            "ratelimit-policy",
            "x-request-id",
        } <= exposed

    def test_answers_a_middleware_writes_are_readable_too(self, settings):
        """A 404 for an unknown URL and a 400 for too many parameters are written before
        the view: the dashboard could not read them (no CORS headers)."""
        client = Client()  # not the contract's: it cannot read that many parameters either
        params = "&".join(f"p{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
        for response in (
            client.get("/api/v1/no-such-resource/", HTTP_ORIGIN=self.ORIGIN),
            client.get(f"/api/v1/rounds/?{params}", HTTP_ORIGIN=self.ORIGIN),
        ):
            assert response.status_code in (400, 404)
            assert response["Access-Control-Allow-Origin"] == self.ORIGIN

    def test_a_csv_answer_exposes_its_paging_headers(self, api):
        response = api.get("/api/v1/citations.csv", HTTP_ORIGIN=self.ORIGIN)
        exposed = {h.strip().lower() for h in response["Access-Control-Expose-Headers"].split(",")}
        assert {"x-total-count", "link", "etag"} <= exposed

    def test_responses_expose_etag_retry_after_and_content_disposition(self, api, round_url):
        response = api.get(round_url, HTTP_ORIGIN=self.ORIGIN)
        assert response.status_code == 200 and response["ETag"]
        exposed = {h.strip().lower() for h in response["Access-Control-Expose-Headers"].split(",")}
        assert {"etag", "retry-after", "content-disposition"} <= exposed

    def test_a_dashboard_can_send_its_own(self, api, round_url):
        response = api.options(
            round_url,
            HTTP_ORIGIN=self.ORIGIN,
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-modified-since, x-request-id",
        )
        allowed = {h.strip() for h in response["Access-Control-Allow-Headers"].split(",")}
        assert {"if-modified-since", "x-request-id"} <= allowed

    @pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
    def test_preflight_allows_conditional_headers(self, api, round_url, method):
        response = api.options(
            round_url,
            HTTP_ORIGIN=self.ORIGIN,
            HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, if-match",
        )
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == self.ORIGIN
        methods = {m.strip() for m in response["Access-Control-Allow-Methods"].split(",")}
        assert method in methods
        allowed = {h.strip() for h in response["Access-Control-Allow-Headers"].split(",")}
        assert {"if-match", "if-none-match", "authorization", "content-type"} <= allowed

    def test_a_cross_origin_put_with_a_stale_if_match_is_a_412(self, editor, round_url):
        etag = editor.get(round_url, HTTP_ORIGIN=self.ORIGIN)["ETag"]
        assert editor.patch(round_url, {"summary": "Editor A."}, format="json").status_code == 200
        current = editor.get(round_url)
        body = current.json()
        full = {
            **{key: body[key] for key in ("sequence", "title", "level", "status", "start_date")},
            "negotiation": body["negotiation"]["slug"],
            "summary": "Editor B.",
        }
        stale = editor.put(
            round_url, full, format="json", HTTP_IF_MATCH=etag, HTTP_ORIGIN=self.ORIGIN
        )
        assert stale.status_code == 412
        assert stale["Access-Control-Allow-Origin"] == self.ORIGIN
        assert editor.get(round_url).json()["summary"] == "Editor A."
        # The same PUT with the current ETag goes through: the 412 was the stale tag's.
        fresh = editor.put(
            round_url, full, format="json", HTTP_IF_MATCH=current["ETag"], HTTP_ORIGIN=self.ORIGIN
        )
        assert fresh.status_code == 200, fresh.content
        assert editor.get(round_url).json()["summary"] == "Editor B."

    def test_other_origins_get_nothing(self, api, round_url):
        response = api.get(round_url, HTTP_ORIGIN="https://elsewhere.example.com")
        assert "Access-Control-Allow-Origin" not in response
        assert "Access-Control-Expose-Headers" not in response
