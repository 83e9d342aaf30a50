"""Hostile input: every bad request is a 4xx with a JSON message, and nothing is written."""

import pytest

from negotiations import models, registry
from tests.contract import error_messages, json_error

pytestmark = pytest.mark.django_db

JEJU = "/api/v1/rounds/jeju-ministerial-2025-05-16/"


@pytest.fixture
def unchanged():
    """Asserts, after the test, that no record of the tracker was written."""
    before = {model: model.objects.count() for model in registry.data_models()}
    jeju = models.Round.objects.get(slug="jeju-ministerial-2025-05-16").updated
    yield
    assert {model: model.objects.count() for model in registry.data_models()} == before
    assert models.Round.objects.get(slug="jeju-ministerial-2025-05-16").updated == jeju


def assert_json_4xx(response, status=400):
    json_error(response, status)
    return error_messages(response)


@pytest.mark.usefixtures("unchanged")
class TestBadBodies:
    def test_malformed_json(self, editor):
        response = editor.post("/api/v1/sources/", "{not json", content_type="application/json")
        assert_json_4xx(response)
        assert response.json()["code"] == "parse_error"
        assert "JSON parse error" in response.json()["detail"]

    def test_wrong_types(self, editor):
        body = assert_json_4xx(
            editor.post(
                "/api/v1/rounds/",
                {"negotiation": ["x"], "sequence": {"a": 1}, "title": 7, "start_date": True},
                format="json",
            )
        )
        assert {"negotiation", "sequence", "start_date"} <= set(body)

    @pytest.mark.parametrize("field", ["title", "summary"])
    def test_one_megabyte_strings(self, editor, field):
        body = assert_json_4xx(editor.patch(JEJU, {field: "x" * 1_000_000}, format="json"))
        assert field in body

    @pytest.mark.parametrize("text", ["nul\x00byte", "bell\x07", "escape\x1b[31m"])
    def test_control_characters(self, editor, text):
        body = assert_json_4xx(editor.patch(JEJU, {"summary": text}, format="json"))
        assert "summary" in body

    def test_dates_out_of_range(self, editor):
        body = assert_json_4xx(
            editor.patch(
                JEJU, {"start_date": "99999-01-01", "end_date": "0000-00-00"}, format="json"
            )
        )
        assert {"start_date", "end_date"} <= set(body)

    def test_body_that_is_not_an_object(self, editor):
        assert_json_4xx(editor.post("/api/v1/sources/", [1, 2, 3], format="json"))

    def test_unsupported_media_type(self, editor):
        response = editor.post("/api/v1/sources/", "title=x", content_type="text/plain")
        assert_json_4xx(response, status=415)


@pytest.mark.usefixtures("unchanged")
class TestBadQueries:
    @pytest.mark.parametrize(
        "term",
        [
            "'; DROP TABLE negotiations_round; --",
            "<script>alert(1)</script>",
            "%' OR '1'='1",
            "\\",
            "ü" * 200,  # the longest search term (longer ones: tests/test_input_edges.py)
        ],
    )
    def test_sql_and_html_in_search_are_just_text(self, api, term):
        for path in ("people", "rounds", "organizations", "sources", "citations", "agenda-areas"):
            response = api.get(f"/api/v1/{path}/", {"search": term})
            assert response.status_code == 200
            assert response.json()["results"] == [] or term == "\\"

    @pytest.mark.parametrize("path", ["people", "rounds", "citations"])
    def test_nul_in_a_query_parameter(self, api, path):
        assert_json_4xx(api.get(f"/api/v1/{path}/", {"search": "a\x00b"}))

    def test_far_dates_do_not_overflow(self, api):
        response = api.get("/api/v1/deadlines/", {"as_of": "9999-12-31", "within_days": "36500"})
        assert response.status_code == 200
        assert_json_4xx(api.get("/api/v1/deadlines/", {"as_of": "10000-01-01"}))
        assert_json_4xx(api.get("/api/v1/rounds/", {"updated_since": "0000-01-01T00:00:00Z"}))

    def test_huge_page_size(self, api):
        assert "page_size" in assert_json_4xx(api.get("/api/v1/rounds/", {"page_size": 10**9}))

    def test_odd_slugs_are_404(self, api):
        for slug in ("%00", "..%2F..%2Fetc", "a b", "ü"):
            assert api.get(f"/api/v1/rounds/{slug}/").status_code == 404


def test_every_write_is_one_transaction(editor, monkeypatch):
    """A failure after the item is saved, while its areas are written, leaves nothing."""

    def explode(**kwargs):
        raise RuntimeError("injected failure")

    monkeypatch.setattr("negotiations.domain.writes.set_agenda_item_areas", explode)
    before = models.AgendaItem.objects.count()
    with pytest.raises(RuntimeError, match="injected failure"):
        editor.post(
            "/api/v1/agenda-items/",
            {"round": "jeju-ministerial-2025-05-16", "label": "monetary policy"},
            format="json",
        )
    assert models.AgendaItem.objects.count() == before
    assert not models.AgendaItem.objects.filter(
        label="monetary policy", round__slug="jeju-ministerial-2025-05-16"
    ).exists()


def test_a_failed_update_leaves_the_old_citations(editor, monkeypatch):
    jeju = models.Round.objects.get(slug="jeju-ministerial-2025-05-16")
    citations = set(jeju.citations.values_list("slug", flat=True))
    original_save = models.Round.save

    def save_then_fail(self, *args, **kwargs):
        original_save(self, *args, **kwargs)
        raise RuntimeError("injected failure after save")

    monkeypatch.setattr(models.Round, "save", save_then_fail)
    with pytest.raises(RuntimeError):
        editor.patch(JEJU, {"summary": "Half-saved?", "citations": []}, format="json")
    jeju.refresh_from_db()
    assert jeju.summary != "Half-saved?"
    assert set(jeju.citations.values_list("slug", flat=True)) == citations


def test_read_only_and_unknown_fields_are_ignored(editor):
    response = editor.patch(
        JEJU, {"id": 1, "created": "2000-01-01T00:00:00Z", "is_admin": True}, format="json"
    )
    assert response.status_code == 200
    assert "is_admin" not in response.json()
    assert not response.json()["created"].startswith("2000")


@pytest.mark.parametrize(
    "text",
    ["'; DROP TABLE negotiations_source; --", "<script>alert(1)</script> & <b>bold</b>"],
)
def test_sql_and_html_in_text_fields_are_stored_verbatim(editor, api, text):
    created = editor.post("/api/v1/sources/", {"title": text, "notes": text}, format="json")
    assert created.status_code == 201, created.content
    assert created["Content-Type"] == "application/json"
    fetched = api.get(f"/api/v1/sources/{created.json()['slug']}/").json()
    assert fetched["title"] == fetched["notes"] == text
    assert api.get("/api/v1/sources/", {"search": text[:40]}).json()["count"] == 1
