"""Conditional requests: 304 for polling dashboards, 412 for a stale edit."""

import pytest

from negotiations import models
from tests.contract import json_4xx

pytestmark = pytest.mark.django_db

JEJU = "/api/v1/rounds/jeju-ministerial-2025-05-16/"
SOURCE_SLUG = "reuters-2025-04-24"
SOURCE = f"/api/v1/sources/{SOURCE_SLUG}/"
# A full source for PUT (every other field falls back to its default).
SOURCE_BODY = {"title": "Korea, US agree to fast-track tariff talks", "publisher": "Reuters"}

POLLED = [
    "/api/v1/rounds/?negotiation=kr-us-tariff-talks-2025",
    JEJU,
    "/api/v1/negotiations/kr-us-tariff-talks-2025/agenda-changes/",
    "/api/v1/negotiations/kr-us-tariff-talks-2025/agenda-matrix/",
    "/api/v1/deadlines/?upcoming=true",
]


@pytest.mark.parametrize("url", POLLED)
def test_unchanged_data_is_a_304(api, url, django_assert_max_num_queries):
    first = api.get(url)
    assert first.status_code == 200
    assert first["ETag"] and first["Last-Modified"]
    with django_assert_max_num_queries(2):
        again = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


@pytest.mark.parametrize("url", POLLED)
def test_any_change_anywhere_invalidates_the_etag(api, editor, url):
    etag = api.get(url)["ETag"]
    # A change to a record that rounds only embed: a citation's quote.
    citation = models.Citation.objects.order_by("pk").first()
    response = editor.patch(
        f"/api/v1/citations/{citation.slug}/", {"note": "Checked."}, format="json"
    )
    assert response.status_code == 200
    assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_etag_differs_by_query_and_format(api):
    plain = api.get("/api/v1/rounds/")["ETag"]
    assert api.get("/api/v1/rounds/?level=ministerial")["ETag"] != plain
    assert api.get("/api/v1/rounds/?format=csv")["ETag"] != plain


def test_bulk_service_writes_move_the_version(api, editor):
    etag = api.get(JEJU)["ETag"]
    response = editor.post(
        "/api/v1/agenda-items/",
        {"round": "jeju-ministerial-2025-05-16", "label": "monetary policy"},
        format="json",
    )
    assert response.status_code == 201, response.content
    fresh = api.get(JEJU, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200
    assert "currency-policy" in {a["slug"] for i in fresh.json()["agenda"] for a in i["areas"]}


class TestIfMatch:
    def test_matching_if_match_is_applied(self, editor):
        etag = editor.get(JEJU)["ETag"]
        response = editor.patch(JEJU, {"summary": "First edit."}, format="json", HTTP_IF_MATCH=etag)
        assert response.status_code == 200
        assert response["ETag"]

    def test_stale_if_match_is_a_412_and_nothing_changes(self, editor):
        etag = editor.get(JEJU)["ETag"]
        assert (
            editor.patch(
                JEJU, {"summary": "Editor A."}, format="json", HTTP_IF_MATCH=etag
            ).status_code
            == 200
        )
        stale = editor.patch(JEJU, {"summary": "Editor B."}, format="json", HTTP_IF_MATCH=etag)
        assert stale.status_code == 412
        assert "changed since you read it" in stale.json()["detail"]
        assert models.Round.objects.get(slug="jeju-ministerial-2025-05-16").summary == "Editor A."

    def test_stale_delete_is_a_412(self, editor):
        url = "/api/v1/positions/us-requests-separate-currency-talks-2025-04-24/"
        etag = editor.get(url)["ETag"]
        editor.patch(url, {"summary": "Edited."}, format="json")
        assert editor.delete(url, HTTP_IF_MATCH=etag).status_code == 412
        assert editor.get(url).status_code == 200

    def test_unrelated_edits_do_not_invalidate_if_match(self, editor):
        etag = editor.get(JEJU)["ETag"]
        editor.patch("/api/v1/sources/reuters-2025-04-24/", {"notes": "x"}, format="json")
        response = editor.patch(JEJU, {"summary": "Still mine."}, format="json", HTTP_IF_MATCH=etag)
        assert response.status_code == 200

    def test_the_etag_of_a_write_response_works_for_the_next_write(self, editor):
        etag = editor.get(JEJU)["ETag"]
        second = editor.patch(JEJU, {"summary": "One."}, format="json", HTTP_IF_MATCH=etag)["ETag"]
        third = editor.patch(JEJU, {"summary": "Two."}, format="json", HTTP_IF_MATCH=second)
        assert third.status_code == 200

    def test_wildcard_and_missing_if_match_are_accepted(self, editor):
        assert (
            editor.patch(JEJU, {"summary": "A"}, format="json", HTTP_IF_MATCH="*").status_code
            == 200
        )
        assert editor.patch(JEJU, {"summary": "B"}, format="json").status_code == 200

    def test_wildcard_put_and_delete_proceed_on_an_existing_record(self, editor):
        put = editor.put(SOURCE, SOURCE_BODY, format="json", HTTP_IF_MATCH="*")
        assert put.status_code == 200, put.content
        assert models.Source.objects.get(slug=SOURCE_SLUG).title == SOURCE_BODY["title"]
        # A source no citation refers to, so that it can be deleted.
        slug = editor.post("/api/v1/sources/", SOURCE_BODY, format="json").json()["slug"]
        url = f"/api/v1/sources/{slug}/"
        assert editor.delete(url, HTTP_IF_MATCH="*").status_code == 204
        assert not models.Source.objects.filter(slug=slug).exists()
        # "*" does not create: there is no record to match any more.
        assert editor.put(url, SOURCE_BODY, format="json", HTTP_IF_MATCH="*").status_code == 404
        assert not models.Source.objects.filter(slug=slug).exists()

    def test_stale_put_is_a_412_and_nothing_changes(self, editor):
        read = editor.get(SOURCE)
        etag, title = read["ETag"], read.json()["title"]
        assert title != SOURCE_BODY["title"]
        assert editor.patch(SOURCE, {"notes": "Editor A."}, format="json").status_code == 200
        stale = editor.put(
            SOURCE, {**SOURCE_BODY, "notes": "Editor B."}, format="json", HTTP_IF_MATCH=etag
        )
        assert stale.status_code == 412
        assert "changed since you read it" in stale.json()["detail"]
        source = models.Source.objects.get(slug=SOURCE_SLUG)
        assert (source.title, source.notes) == (title, "Editor A.")

    def test_current_put_is_applied(self, editor):
        etag = editor.get(SOURCE)["ETag"]
        response = editor.put(SOURCE, SOURCE_BODY, format="json", HTTP_IF_MATCH=etag)
        assert response.status_code == 200, response.content
        assert models.Source.objects.get(slug=SOURCE_SLUG).title == SOURCE_BODY["title"]
        # The write's own ETag is current for the next PUT.
        again = editor.put(SOURCE, SOURCE_BODY, format="json", HTTP_IF_MATCH=response["ETag"])
        assert again.status_code == 200

    @pytest.mark.parametrize("method", ["put", "patch", "delete"])
    def test_a_weak_etag_never_matches(self, editor, method):
        """If-Match uses strong comparison (RFC 9110 13.1.1): W/ of the current tag is a 412."""
        before = editor.get(SOURCE)
        weak = f"W/{before['ETag']}"
        body = {"put": SOURCE_BODY, "patch": {"notes": "Weak."}, "delete": None}[method]
        kwargs = {"format": "json"} if body is not None else {}
        response = getattr(editor, method)(SOURCE, body, HTTP_IF_MATCH=weak, **kwargs)
        assert response.status_code == 412
        after = editor.get(SOURCE)
        assert after.status_code == 200
        assert after.json() == before.json()

    def test_a_weak_write_etag_never_matches(self, editor):
        written = editor.patch(SOURCE, {"notes": "One."}, format="json")["ETag"]
        response = editor.patch(
            SOURCE, {"notes": "Two."}, format="json", HTTP_IF_MATCH=f"W/{written}"
        )
        assert response.status_code == 412
        assert (
            editor.patch(
                SOURCE, {"notes": "Two."}, format="json", HTTP_IF_MATCH=written
            ).status_code
            == 200
        )

    def test_an_unquoted_token_is_not_an_entity_tag(self, editor):
        etag = editor.get(SOURCE)["ETag"]
        for value in (etag.strip('"'), etag.strip('"').split(".")[0]):
            response = editor.patch(SOURCE, {"notes": "x"}, format="json", HTTP_IF_MATCH=value)
            assert response.status_code == 412

    @pytest.mark.parametrize(
        "header, status",
        [
            ('"a", {current}', 200),
            ('{current}, "a"', 200),
            ('"a",{current} , "b"', 200),
            ('"a", "b"', 412),
            ('"a", W/{current}', 412),
            ('W/{current}, "a"', 412),
        ],
    )
    def test_a_list_matches_if_any_strong_tag_matches(self, editor, header, status):
        current = editor.get(SOURCE)["ETag"]
        value = header.format(current=current)
        put = editor.put(SOURCE, SOURCE_BODY, format="json", HTTP_IF_MATCH=value)
        assert put.status_code == status
        assert (models.Source.objects.get(slug=SOURCE_SLUG).title == SOURCE_BODY["title"]) is (
            status == 200
        )


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/rounds/?level=galactic", 400),
        ("/api/v1/rounds/?page=0", 400),
        ("/api/v1/rounds/no-such-round/agenda-changes/", 404),
        ("/api/v1/rounds/compare/?from=nope&to=nope", 400),
    ],
)
def test_if_none_match_star_never_hides_an_error(api, url, status):
    """If-None-Match: * was answered 304 before the request was validated."""
    json_4xx(api.get(url, HTTP_IF_NONE_MATCH="*"), status)


def test_if_none_match_star_on_a_valid_request_is_304(api):
    response = api.get(JEJU, HTTP_IF_NONE_MATCH="*")
    assert response.status_code == 304
    assert response["ETag"] == api.get(JEJU)["ETag"]
