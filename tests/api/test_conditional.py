"""Conditional requests: 304 for polling dashboards, 412 for a stale edit."""

import pytest

from negotiations import models

pytestmark = pytest.mark.django_db

JEJU = "/api/v1/rounds/jeju-ministerial-2025-05-16/"

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
