"""Conditional requests: 304 for polling dashboards, 412 for a stale edit."""

import datetime

import pytest

from negotiations import models
from tests import factories
from tests.contract import json_4xx

pytestmark = pytest.mark.django_db

# A full source for PUT (every other field falls back to its default).
SOURCE_BODY = {"title": "Korea, US agree to fast-track tariff talks", "publisher": "Reuters"}

POLLED = [
    "/api/v1/rounds/?negotiation={talks}",
    "/api/v1/rounds/{round}/",
    "/api/v1/negotiations/{talks}/agenda-changes/",
    "/api/v1/negotiations/{talks}/agenda-matrix/",
    "/api/v1/deadlines/?upcoming=true",
]


@pytest.fixture
def built():
    """Built talks with two rounds and a deadline; the URLs' round is the second."""
    talks = factories.negotiation()
    steel, fx = factories.area(), factories.area()
    factories.round(talks, 1, agenda={"steel": steel, "fx": fx})
    round_ = factories.round(talks, 2, agenda={"steel": steel})
    factories.deadline(negotiation=talks, date=datetime.date(2031, 1, 1))
    return {"talks": talks.slug, "round": round_.slug}


@pytest.fixture
def round_path(built):
    return f"/api/v1/rounds/{built['round']}/"


@pytest.fixture
def source():
    """A source that a citation refers to."""
    return factories.citation().source


@pytest.fixture
def source_path(source):
    return f"/api/v1/sources/{source.slug}/"


@pytest.mark.parametrize("url", POLLED)
def test_unchanged_data_is_a_304(api, built, url, django_assert_max_num_queries):
    url = url.format(**built)
    first = api.get(url)
    assert first.status_code == 200
    assert first["ETag"] and first["Last-Modified"]
    with django_assert_max_num_queries(2):
        again = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


@pytest.mark.parametrize("url", POLLED)
def test_any_change_anywhere_invalidates_the_etag(api, editor, built, url):
    url = url.format(**built)
    etag = api.get(url)["ETag"]
    # A change to a record that rounds only embed: a citation's quote.
    citation = factories.citation()
    response = editor.patch(
        f"/api/v1/citations/{citation.slug}/", {"note": "Checked."}, format="json"
    )
    assert response.status_code == 200
    assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_etag_differs_by_query_and_representation(api):
    plain = api.get("/api/v1/rounds/")["ETag"]
    assert api.get("/api/v1/rounds/?level=ministerial")["ETag"] != plain
    assert api.get("/api/v1/rounds.csv")["ETag"] != plain
    assert api.get("/api/v1/sparse/rounds/?fields=slug")["ETag"] != plain


def test_bulk_service_writes_move_the_version(api, editor, built, round_path):
    fx = factories.area(name="Exchange policy", slug="exchange-policy")
    fx.aliases.create(name="forex policy")
    etag = api.get(round_path)["ETag"]
    response = editor.post(
        "/api/v1/agenda-items/", {"round": built["round"], "label": "forex policy"}, format="json"
    )
    assert response.status_code == 201, response.content
    fresh = api.get(round_path, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200
    assert "exchange-policy" in {a["slug"] for i in fresh.json()["agenda"] for a in i["areas"]}


class TestIfMatch:
    def test_matching_if_match_is_applied(self, editor, round_path):
        etag = editor.get(round_path)["ETag"]
        response = editor.patch(
            round_path, {"summary": "First edit."}, format="json", HTTP_IF_MATCH=etag
        )
        assert response.status_code == 200
        assert response["ETag"]

    def test_stale_if_match_is_a_412_and_nothing_changes(self, editor, built, round_path):
        etag = editor.get(round_path)["ETag"]
        assert (
            editor.patch(
                round_path, {"summary": "Editor A."}, format="json", HTTP_IF_MATCH=etag
            ).status_code
            == 200
        )
        stale = editor.patch(
            round_path, {"summary": "Editor B."}, format="json", HTTP_IF_MATCH=etag
        )
        assert stale.status_code == 412
        assert "changed since you read it" in stale.json()["detail"]
        assert models.Round.objects.get(slug=built["round"]).summary == "Editor A."

    def test_stale_delete_is_a_412(self, editor):
        talks = factories.negotiation()
        position = models.Position.objects.create(
            slug=factories.unique("position"),
            party=talks.parties.first(),
            kind="statement",
            negotiation=talks,
        )
        url = f"/api/v1/positions/{position.slug}/"
        etag = editor.get(url)["ETag"]
        editor.patch(url, {"summary": "Edited."}, format="json")
        assert editor.delete(url, HTTP_IF_MATCH=etag).status_code == 412
        assert editor.get(url).status_code == 200

    def test_unrelated_edits_do_not_invalidate_if_match(self, editor, round_path, source_path):
        etag = editor.get(round_path)["ETag"]
        editor.patch(source_path, {"notes": "x"}, format="json")
        response = editor.patch(
            round_path, {"summary": "Still mine."}, format="json", HTTP_IF_MATCH=etag
        )
        assert response.status_code == 200

    def test_the_etag_of_a_write_response_works_for_the_next_write(self, editor, round_path):
        etag = editor.get(round_path)["ETag"]
        second = editor.patch(round_path, {"summary": "One."}, format="json", HTTP_IF_MATCH=etag)[
            "ETag"
        ]
        third = editor.patch(round_path, {"summary": "Two."}, format="json", HTTP_IF_MATCH=second)
        assert third.status_code == 200

    def test_wildcard_and_missing_if_match_are_accepted(self, editor, round_path):
        assert (
            editor.patch(round_path, {"summary": "A"}, format="json", HTTP_IF_MATCH="*").status_code
            == 200
        )
        assert editor.patch(round_path, {"summary": "B"}, format="json").status_code == 200

    def test_wildcard_put_and_delete_proceed_on_an_existing_record(
        self, editor, source_path, source
    ):
        put = editor.put(source_path, SOURCE_BODY, format="json", HTTP_IF_MATCH="*")
        assert put.status_code == 200, put.content
        assert models.Source.objects.get(slug=source.slug).title == SOURCE_BODY["title"]
        # A source no citation refers to, so that it can be deleted.
        slug = editor.post("/api/v1/sources/", SOURCE_BODY, format="json").json()["slug"]
        url = f"/api/v1/sources/{slug}/"
        assert editor.delete(url, HTTP_IF_MATCH="*").status_code == 204
        assert not models.Source.objects.filter(slug=slug).exists()
        # "*" does not create: there is no record to match any more.
        assert editor.put(url, SOURCE_BODY, format="json", HTTP_IF_MATCH="*").status_code == 404
        assert not models.Source.objects.filter(slug=slug).exists()

    def test_stale_put_is_a_412_and_nothing_changes(self, editor, source_path, source):
        read = editor.get(source_path)
        etag, title = read["ETag"], read.json()["title"]
        assert title != SOURCE_BODY["title"]
        assert editor.patch(source_path, {"notes": "Editor A."}, format="json").status_code == 200
        stale = editor.put(
            source_path, {**SOURCE_BODY, "notes": "Editor B."}, format="json", HTTP_IF_MATCH=etag
        )
        assert stale.status_code == 412
        assert "changed since you read it" in stale.json()["detail"]
        saved = models.Source.objects.get(slug=source.slug)
        assert (saved.title, saved.notes) == (title, "Editor A.")

    def test_current_put_is_applied(self, editor, source_path, source):
        etag = editor.get(source_path)["ETag"]
        response = editor.put(source_path, SOURCE_BODY, format="json", HTTP_IF_MATCH=etag)
        assert response.status_code == 200, response.content
        assert models.Source.objects.get(slug=source.slug).title == SOURCE_BODY["title"]
        # The write's own ETag is current for the next PUT.
        again = editor.put(source_path, SOURCE_BODY, format="json", HTTP_IF_MATCH=response["ETag"])
        assert again.status_code == 200

    @pytest.mark.parametrize("method", ["put", "patch", "delete"])
    def test_a_weak_etag_never_matches(self, editor, method, source_path):
        """If-Match uses strong comparison (RFC 9110 13.1.1): W/ of the current tag is a 412."""
        before = editor.get(source_path)
        weak = f"W/{before['ETag']}"
        body = {"put": SOURCE_BODY, "patch": {"notes": "Weak."}, "delete": None}[method]
        kwargs = {"format": "json"} if body is not None else {}
        response = getattr(editor, method)(source_path, body, HTTP_IF_MATCH=weak, **kwargs)
        assert response.status_code == 412
        after = editor.get(source_path)
        assert after.status_code == 200
        assert after.json() == before.json()

    def test_a_weak_write_etag_never_matches(self, editor, source_path):
        written = editor.patch(source_path, {"notes": "One."}, format="json")["ETag"]
        response = editor.patch(
            source_path, {"notes": "Two."}, format="json", HTTP_IF_MATCH=f"W/{written}"
        )
        assert response.status_code == 412
        assert (
            editor.patch(
                source_path, {"notes": "Two."}, format="json", HTTP_IF_MATCH=written
            ).status_code
            == 200
        )

    def test_an_unquoted_token_is_not_an_entity_tag(self, editor, source_path):
        etag = editor.get(source_path)["ETag"]
        for value in (etag.strip('"'), etag.strip('"').split(".")[0]):
            response = editor.patch(source_path, {"notes": "x"}, format="json", HTTP_IF_MATCH=value)
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
    def test_a_list_matches_if_any_strong_tag_matches(
        self, editor, header, status, source_path, source
    ):
        current = editor.get(source_path)["ETag"]
        value = header.format(current=current)
        put = editor.put(source_path, SOURCE_BODY, format="json", HTTP_IF_MATCH=value)
        assert put.status_code == status
        assert (models.Source.objects.get(slug=source.slug).title == SOURCE_BODY["title"]) is (
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


def test_if_none_match_star_on_a_valid_request_is_304(api, round_path):
    response = api.get(round_path, HTTP_IF_NONE_MATCH="*")
    assert response.status_code == 304
    assert response["ETag"] == api.get(round_path)["ETag"]
