"""Audit history: every change recorded (API, admin, fixture load), readable and revertible."""

import pytest
from django.urls import reverse
from django.utils import timezone

from negotiations import models
from tests import factories
from tests.contract import error_messages

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_():
    """A round of built talks, cited."""
    built = factories.round(factories.negotiation(), 1, agenda={"steel": factories.area()})
    built.citations.add(factories.citation())
    return built


@pytest.fixture
def round_slug(round_):
    """``round_``'s slug."""
    return round_.slug


def test_api_writes_are_recorded_with_the_user(editor, round_slug):
    response = editor.patch(
        f"/api/v1/rounds/{round_slug}/", {"summary": "Edited via API."}, format="json"
    )
    assert response.status_code == 200
    latest = models.Round.objects.get(slug=round_slug).history.latest()
    assert latest.history_type == "~"
    assert latest.history_user.username == "api-editor"
    assert latest.summary == "Edited via API."


def test_history_endpoint_says_who_changed_what(editor, api, round_slug):
    editor.patch(f"/api/v1/rounds/{round_slug}/", {"summary": "New summary."}, format="json")
    entries = editor.get(f"/api/v1/rounds/{round_slug}/audit-history/").json()
    newest = entries[0]
    assert newest["action"] == "updated"
    assert newest["user"] == "api-editor"
    assert {
        "field": "summary",
        "old": newest["changes"][0]["old"],
        "new": "New summary.",
    } in newest["changes"]
    assert entries[-1]["action"] == "created"
    anonymous = api.get(f"/api/v1/rounds/{round_slug}/audit-history/").json()
    assert anonymous[0]["user"] is None, "editors' names are for authenticated clients"


def test_history_shows_citation_changes_as_slugs(editor, round_slug):
    citation = factories.citation()
    current = [c["slug"] for c in editor.get(f"/api/v1/rounds/{round_slug}/").json()["citations"]]
    editor.patch(
        f"/api/v1/rounds/{round_slug}/", {"citations": [*current, citation.slug]}, format="json"
    )
    entries = editor.get(f"/api/v1/rounds/{round_slug}/audit-history/").json()
    citation_changes = [c for e in entries[:2] for c in e["changes"] if c["field"] == "citations"]
    assert any(
        citation.slug in change["new"] and citation.slug not in change["old"]
        for change in citation_changes
    )


def test_a_deleted_record_is_gone_from_its_url_and_listed_in_the_changes_feed(editor):
    talks = factories.negotiation()
    slug = models.Position.objects.create(
        slug=factories.unique("position"),
        party=talks.parties.first(),
        kind="statement",
        negotiation=talks,
    ).slug
    since = timezone.now()
    assert editor.delete(f"/api/v1/positions/{slug}/").status_code == 204
    for path in ("", "history/", "audit-history/"):
        assert editor.get(f"/api/v1/positions/{slug}/{path}").status_code == 404
    events = editor.get("/api/v1/changes/", {"since": since.isoformat()}).json()["results"]
    deletion = next(e for e in events if e["slug"] == slug and e["action"] == "deleted")
    assert deletion["type"] == "positions"
    assert deletion["user"] == "api-editor"
    # The whole trail stays in the audit tables (the admin shows it).
    assert models.Position.history.filter(slug=slug).count() >= 2


def test_changes_feed_lists_creations_updates_and_deletions(editor, api, round_slug):
    since = timezone.now()
    editor.patch(f"/api/v1/rounds/{round_slug}/", {"summary": "x"}, format="json")
    created = editor.post("/api/v1/sources/", {"title": "New source"}, format="json").json()
    editor.delete(f"/api/v1/sources/{created['slug']}/")
    body = api.get("/api/v1/changes/", {"since": since.isoformat()}).json()
    events = [(e["type"], e["slug"], e["action"]) for e in body["results"]]
    assert ("rounds", round_slug, "updated") in events
    assert ("sources", created["slug"], "created") in events
    assert ("sources", created["slug"], "deleted") in events
    assert events.index(("sources", created["slug"], "created")) < events.index(
        ("sources", created["slug"], "deleted")
    )
    assert body["next"] is None


def test_changes_feed_pages_without_gaps_or_repeats(api):
    everything = []
    url, params = "/api/v1/changes/", {"since": "2000-01-01T00:00:00Z", "page_size": "37"}
    while url:
        body = api.get(url, params).json()
        everything += [(e["type"], e["history_id"]) for e in body["results"]]
        url, params = body["next"], None
    assert len(everything) == len(set(everything))
    expected = sum(
        model.history.count()
        for model in (models.Round, models.Person, models.Citation, models.Source)
    )
    counted = sum(
        1 for kind, _ in everything if kind in {"rounds", "people", "citations", "sources"}
    )
    assert counted == expected


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({}, "since"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2025-01-01T00:00:00Z", "page_size": "0"}, "page_size"),
        ({"since": "2025-01-01T00:00:00Z", "x": "1"}, "x"),
    ],
)
def test_changes_feed_bad_parameters(api, query, parameter):
    response = api.get("/api/v1/changes/", query)
    assert response.status_code == 400
    assert parameter in error_messages(response)


def test_admin_edit_is_recorded_and_history_page_offers_revert(staff_client, round_):
    response = staff_client.get(reverse("admin:negotiations_round_history", args=[round_.pk]))
    assert response.status_code == 200
    record = round_.history.earliest()
    revert = reverse("admin:negotiations_round_simple_history", args=[round_.pk, record.history_id])
    assert staff_client.get(revert).status_code == 200
