"""Writes through the API: each is one transaction (a failure part-way leaves nothing), a
write that deadlocks is retried and then refused as a conflict, and what a client may not set
is refused (unexpected_field) while text is stored as sent."""

import pytest
from django.db import OperationalError

from negotiations import models
from tests import factories
from tests.contract import error_messages, json_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(a_round):
    """A round of built talks whose agenda is reported, citing one quote."""
    a_round.citations.add(factories.citation())
    return a_round


def url(round_) -> str:
    return f"/api/v1/rounds/{round_.slug}/"


class TransientError(Exception):
    sqlstate = "40P01"  # deadlock_detected


def deadlock():
    error = OperationalError("deadlock detected")
    error.__cause__ = TransientError()
    return error


def test_a_write_aborted_as_a_deadlock_is_retried(editor, monkeypatch, round_):
    """Concurrent writes on PostgreSQL deadlocked and the loser got a 503 ("database
    unavailable"): the write is now retried in a new transaction."""
    original, calls = models.Round.save, []

    def deadlock_once(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise deadlock()
        return original(self, *args, **kwargs)

    monkeypatch.setattr(models.Round, "save", deadlock_once)
    response = editor.patch(url(round_), {"summary": "Retried."}, format="json")
    assert response.status_code == 200, response.content
    assert models.Round.objects.get(pk=round_.pk).summary == "Retried."


def test_a_write_that_keeps_deadlocking_is_a_409(editor, monkeypatch, round_):
    def always(self, *args, **kwargs):
        raise deadlock()

    monkeypatch.setattr(models.Round, "save", always)
    response = editor.patch(url(round_), {"summary": "Never."}, format="json")
    json_error(response, 409)
    assert response.json()["code"] == "concurrent_write"
    assert "same time" in response.json()["detail"]


def test_every_write_is_one_transaction(editor, monkeypatch, round_):
    """A failure after the item is saved, while its areas are written, leaves nothing."""

    def explode(**kwargs):
        raise RuntimeError("injected failure")

    factories.area(name="Monetary policy")  # the label names it
    monkeypatch.setattr("negotiations.domain.writes.set_agenda_item_areas", explode)
    before = models.AgendaItem.objects.count()
    with pytest.raises(RuntimeError, match="injected failure"):
        editor.post(
            "/api/v1/agenda-items/",
            {"round": round_.slug, "label": "monetary policy"},
            format="json",
        )
    assert models.AgendaItem.objects.count() == before
    assert not models.AgendaItem.objects.filter(label="monetary policy", round=round_).exists()


def test_a_failed_update_leaves_the_old_citations(editor, monkeypatch, round_):
    citations = set(round_.citations.values_list("slug", flat=True))
    assert citations
    original_save = models.Round.save

    def save_then_fail(self, *args, **kwargs):
        original_save(self, *args, **kwargs)
        raise RuntimeError("injected failure after save")

    monkeypatch.setattr(models.Round, "save", save_then_fail)
    with pytest.raises(RuntimeError):
        editor.patch(url(round_), {"summary": "Half-saved?", "citations": []}, format="json")
    round_.refresh_from_db()
    assert round_.summary != "Half-saved?"
    assert set(round_.citations.values_list("slug", flat=True)) == citations


def test_read_only_and_unknown_fields_are_refused_naming_each(editor, round_):
    """They were ignored with a 200: a client never learnt its field was dropped."""
    before = models.Round.objects.get(pk=round_.pk)
    response = editor.patch(
        url(round_),
        {"id": 1, "created": "2000-01-01T00:00:00Z", "is_admin": True, "summary": "Lost?"},
        format="json",
    )
    json_error(response, 400)
    items = {item["field"]: item for item in response.json()["errors"]}
    assert set(items) == {"id", "created", "is_admin"}
    assert {item["code"] for item in items.values()} == {"unexpected_field"}
    assert "Not a field of this resource" in items["is_admin"]["detail"]
    assert "summary" in items["is_admin"]["detail"]  # the fields it takes are listed
    assert "Read-only" in items["created"]["detail"]
    after = models.Round.objects.get(pk=round_.pk)
    assert (after.summary, after.updated) == (before.summary, before.updated)


def test_an_unknown_field_on_create_is_refused_and_nothing_written(editor, round_):
    count = models.Round.objects.count()
    response = editor.post(
        "/api/v1/rounds/",
        {"negotiation": round_.negotiation.slug, "sequence": 9, "foo": 1},
        format="json",
    )
    assert error_messages(response).keys() == {"foo"}
    assert response.json()["errors"][0]["code"] == "unexpected_field"
    assert models.Round.objects.count() == count


def test_participants_sent_with_a_round_are_refused_with_the_way_out(editor, round_):
    """They answered 201 with participants: [] (lost without a word)."""
    count = models.Round.objects.count()
    response = editor.post(
        "/api/v1/rounds/",
        {
            "negotiation": round_.negotiation.slug,
            "sequence": 9,
            "participants": [{"person": "someone"}],
        },
        format="json",
    )
    messages = error_messages(response)
    assert messages.keys() == {"participants"}
    assert "admin" in messages["participants"][0]
    assert models.Round.objects.count() == count


def test_participants_sent_back_unchanged_are_accepted_changed_refused(editor, api, round_):
    models.Participant.objects.create(
        round=round_, party=round_.negotiation.parties.first(), name_as_reported="Anne Duk"
    )
    body = api.get(url(round_)).json()
    assert len(body["participants"]) == 1
    same = {"participants": body["participants"], "agenda": body["agenda"], "summary": "Kept."}
    response = editor.patch(url(round_), same, format="json")
    assert response.status_code == 200, response.content
    assert models.Round.objects.get(pk=round_.pk).summary == "Kept."
    changed = {"participants": [*body["participants"], body["participants"][0]], "summary": "No"}
    assert error_messages(editor.patch(url(round_), changed, format="json")).keys() == {
        "participants"
    }
    assert models.Round.objects.get(pk=round_.pk).summary == "Kept."
    assert round_.participants.count() == 1


def test_a_write_sending_no_read_only_field_renders_nothing_to_compare(editor, round_):
    """Read-only fields are compared only when sent: a plain PATCH costs what it did."""
    from negotiations.api import fields_sent

    calls = []
    original = fields_sent.shown_values
    fields_sent.shown_values = lambda *args: calls.append(args) or original(*args)
    try:
        response = editor.patch(url(round_), {"summary": "Plain."}, format="json")
    finally:
        fields_sent.shown_values = original
    assert response.status_code == 200, response.content
    assert calls == []


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


class TestNoValueIsNull:
    """A choice with no value was "" (agenda_basis) where every other missing value is
    null: it is null, read and written (the model keeps "")."""

    def test_an_unreported_agenda_has_a_null_basis(self, api, a_round):
        assert api.get(f"/api/v1/rounds/{a_round.slug}/").json()["agenda_basis"] == "discussed"
        unknown = factories.round(factories.negotiation(), 1)
        assert api.get(f"/api/v1/rounds/{unknown.slug}/").json()["agenda_basis"] is None
        listed = api.get("/api/v1/rounds/", {"negotiation": unknown.negotiation.slug}).json()
        assert [r["agenda_basis"] for r in listed["results"]] == [None]

    def test_null_clears_it_and_an_empty_string_is_refused(self, editor, a_round):
        url = f"/api/v1/rounds/{a_round.slug}/"
        a_round.agenda_items.all().delete()
        refused = editor.patch(
            url, {"agenda_status": "not_reported", "agenda_basis": ""}, format="json"
        )
        assert "agenda_basis" in error_messages(refused)
        cleared = editor.patch(
            url, {"agenda_status": "not_reported", "agenda_basis": None}, format="json"
        )
        assert cleared.status_code == 200, cleared.content
        assert cleared.json()["agenda_basis"] is None
        a_round.refresh_from_db()
        assert a_round.agenda_basis == ""


def test_an_unknown_key_of_a_nested_citation_is_unexpected_field(editor, round_):
    citation = round_.citations.first()
    response = editor.patch(
        url(round_), {"citations": [{"citation": citation.slug, "quote": "x"}]}, format="json"
    )
    [item] = response.json()["errors"]
    assert (item["code"], item["field"]) == ("unexpected_field", "citations")
    assert "quote" in item["detail"]
