"""A change to an embedded record is a change to the resources that embed it.

A round embeds its agenda items and participants, a person its aliases and roles, every
fact its citations (with their quotes): when one of those changes through a write (the API,
the admin, the write services of negotiations.domain.writes), the resources showing it get
a new ``updated`` and a "~" row in their audit history, so dashboards syncing with
``?updated_since=`` or the changes feed see them. A touch touches nothing else (no
recursion), records deleted together are not touched, and the data version moves once.
"""

import datetime

import pytest
from django.utils import timezone

from negotiations import models
from negotiations.domain import writes
from negotiations.domain.versioning import current_data_version
from tests import factories
from tests.helpers import admin_delete

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    """Built talks shaped like the seed's Jeju round (the names are the seed records'): a
    round with an agenda item and participants citing one article, whose other quote two
    deadlines cite; a third deadline cites something else; a person with a misspelt alias."""
    talks = factories.negotiation()
    jeju = factories.round(talks, 3, agenda={"digital trade": factories.area()})
    article = factories.source(publisher="JoongAng")
    met = factories.citation(article, quote="Ahn and Greer met in Jeju.")
    july = factories.citation(article, quote="A package by 8 July.")
    for party in talks.parties.all():
        models.Participant.objects.create(
            round=jeju, party=party, name_as_reported=f"Minister of {party.name}"
        ).citations.add(met)
    pause = factories.deadline(title="End of the tariff pause", negotiation=talks)
    package = factories.deadline(title="July package target", negotiation=talks)
    for deadline in (pause, package):
        deadline.citations.add(july)
    election = factories.deadline(title="Snap election", negotiation=talks)
    election.citations.add(factories.citation())
    bessent = factories.person(name="Scott Bessent")
    bessent.aliases.create(name="Scott Becent")
    return {
        "JEJU": jeju.slug,
        "ITEM": jeju.agenda_items.get().slug,
        "JEJU_QUOTE": met.slug,  # cited by Jeju's participants
        "JULY_QUOTE": july.slug,  # cited by two deadlines
        "JULY_DEADLINES": {pause.slug, package.slug},
        "PAUSE": pause.slug,
        "ELECTION": election.slug,
        "BESSENT": bessent.slug,
    }


def changes(api, since) -> set[tuple[str, str, str]]:
    body = api.get("/api/v1/changes/", {"since": since.isoformat(), "page_size": 500}).json()
    assert body["next"] is None
    return {(event["type"], event["slug"], event["action"]) for event in body["results"]}


def updated_since(api, resource, since) -> set[str]:
    response = api.get(f"/api/v1/{resource}/", {"updated_since": since.isoformat()})
    assert response.status_code == 200, response.content
    return {record["slug"] for record in response.json()["results"]}


def history(record) -> list:
    return list(record.history.order_by("-history_date", "-history_id"))


# --- The cases dashboards hit ---------------------------------------------------------------


def test_renaming_an_agenda_item_updates_its_round(editor, api, built):
    jeju = models.Round.objects.get(slug=built["JEJU"])
    rows = len(history(jeju))
    since = timezone.now()

    response = editor.patch(
        f"/api/v1/agenda-items/{built['ITEM']}/", {"label": "digital"}, format="json"
    )

    assert response.status_code == 200, response.content
    jeju.refresh_from_db()
    assert jeju.updated > since
    latest = history(jeju)
    assert len(latest) == rows + 1, "one touch per change"
    assert latest[0].history_type == "~"
    assert latest[0].history_change_reason == f"Agenda item changed: {built['ITEM']}"
    assert latest[0].history_user.username == "api-editor"
    assert {
        ("rounds", built["JEJU"], "updated"),
        ("agenda-items", built["ITEM"], "updated"),
    } <= changes(api, since)
    assert built["JEJU"] in updated_since(api, "rounds", since)


def test_round_history_entry_of_a_touch_changes_no_field(editor, built):
    editor.patch(f"/api/v1/agenda-items/{built['ITEM']}/", {"label": "digital"}, format="json")
    newest = editor.get(f"/api/v1/rounds/{built['JEJU']}/audit-history/").json()[0]
    assert newest["action"] == "updated"
    assert newest["reason"] == f"Agenda item changed: {built['ITEM']}"
    assert newest["changes"] == []


def test_deleting_a_participant_in_the_admin_updates_its_round(staff_client, api, built):
    participant = models.Participant.objects.filter(round__slug=built["JEJU"]).first()
    since = timezone.now()

    admin_delete(staff_client, participant)

    assert models.Round.objects.get(slug=built["JEJU"]).updated > since
    assert ("rounds", built["JEJU"], "updated") in changes(api, since)
    assert built["JEJU"] in updated_since(api, "rounds", since)
    latest = models.Round.objects.get(slug=built["JEJU"]).history.latest()
    assert latest.history_change_reason == "Participant deleted"
    assert latest.history_user.username == "editor"


def test_deleting_a_person_alias_in_the_admin_updates_the_person(staff_client, api, built):
    alias = models.PersonAlias.objects.get(person__slug=built["BESSENT"], name="Scott Becent")
    since = timezone.now()

    admin_delete(staff_client, alias)

    person = models.Person.objects.get(slug=built["BESSENT"])
    assert person.updated > since
    assert "Scott Becent" not in [
        a["name"] for a in api.get(f"/api/v1/people/{person.slug}/").json()["aliases"]
    ]
    assert ("people", built["BESSENT"], "updated") in changes(api, since)
    assert built["BESSENT"] in updated_since(api, "people", since)


def test_changing_a_quote_updates_the_facts_citing_it(editor, api, built):
    since = timezone.now()

    for slug in (built["JULY_QUOTE"], built["JEJU_QUOTE"]):
        response = editor.patch(f"/api/v1/citations/{slug}/", {"quote": "Edited."}, format="json")
        assert response.status_code == 200, response.content

    feed = changes(api, since)
    for slug in built["JULY_DEADLINES"]:
        assert ("deadlines", slug, "updated") in feed
        assert models.Deadline.objects.get(slug=slug).updated > since
    assert updated_since(api, "deadlines", since) >= built["JULY_DEADLINES"]
    # A round shows its participants' citations.
    assert ("rounds", built["JEJU"], "updated") in feed
    assert built["JEJU"] in updated_since(api, "rounds", since)
    # Deadlines that do not cite it are left alone.
    assert built["ELECTION"] not in updated_since(api, "deadlines", since)
    latest = models.Deadline.objects.get(slug=built["PAUSE"]).history.latest()
    assert latest.history_change_reason == f"Citation changed: {built['JULY_QUOTE']}"


def test_deleting_a_citation_updates_the_facts_citing_it(editor, api, built):
    since = timezone.now()
    assert editor.delete(f"/api/v1/citations/{built['JULY_QUOTE']}/").status_code == 204
    feed = changes(api, since)
    assert ("citations", built["JULY_QUOTE"], "deleted") in feed
    for slug in built["JULY_DEADLINES"]:
        assert ("deadlines", slug, "updated") in feed


def test_changing_only_a_citation_note_touches_nothing(editor, api, built):
    since = timezone.now()
    response = editor.patch(
        f"/api/v1/citations/{built['JULY_QUOTE']}/", {"note": "A note."}, format="json"
    )
    assert response.status_code == 200
    assert changes(api, since) == {("citations", built["JULY_QUOTE"], "updated")}


def test_changing_a_publisher_updates_its_citations_and_the_facts_citing_them(editor, api, built):
    source = models.Citation.objects.get(slug=built["JULY_QUOTE"]).source
    since = timezone.now()
    response = editor.patch(
        f"/api/v1/sources/{source.slug}/", {"publisher": "JoongAng Daily"}, format="json"
    )
    assert response.status_code == 200
    feed = changes(api, since)
    assert ("citations", built["JULY_QUOTE"], "updated") in feed
    assert ("deadlines", built["PAUSE"], "updated") in feed
    assert ("rounds", built["JEJU"], "updated") in feed


# --- Every kind of embedded record ------------------------------------------------------------


@pytest.fixture
def talks():
    return factories.negotiation()


def create(model, **fields):
    return writes.create_record(model=model, fields=fields)


def embedded_records(talks):
    """One builder per embedded model: (make a record, the resources that embed it)."""
    round_ = factories.round(talks, 1, agenda={})
    item = factories.agenda_item(round_, "energy", [])
    person = models.Person.objects.create(slug=factories.unique("person"), name="A Person")
    party = talks.parties.first()
    organization = models.Organization.objects.create(
        slug=factories.unique("org"), name="Ministry", party=party
    )
    area = factories.area()
    other = factories.negotiation()
    disagreement = models.Disagreement.objects.create(
        slug=factories.unique("conflict"), title="Who said it", note="."
    )
    return {
        "party alias": (lambda: create(models.PartyAlias, party=party, name="Elsewhere"), [party]),
        "organization alias": (
            lambda: create(models.OrganizationAlias, organization=organization, name="The M."),
            [organization],
        ),
        "person alias": (
            lambda: create(models.PersonAlias, person=person, name="A Persson"),
            [person],
        ),
        "role": (
            lambda: create(models.Role, person=person, organization=organization, title="Min."),
            [person],
        ),
        "negotiation relation": (
            lambda: create(
                models.NegotiationRelation,
                from_negotiation=talks,
                to_negotiation=other,
                kind="related_to",
            ),
            [talks, other],
        ),
        "participant": (
            lambda: create(models.Participant, round=round_, party=party, name_as_reported="S"),
            [round_],
        ),
        "agenda area alias": (
            lambda: create(models.AgendaAreaAlias, area=area, name="energy policy"),
            [area],
        ),
        "agenda item": (
            lambda: create(models.AgendaItem, round=round_, label="steel", slug="steel-item"),
            [round_],
        ),
        "agenda item area": (
            lambda: create(models.AgendaItemArea, item=item, area=area),
            [item, round_],
        ),
        "annotation": (
            lambda: create(
                models.AgendaChangeAnnotation, round=round_, area=area, change="added", note="?"
            ),
            [round_],
        ),
        "disagreement claim": (
            lambda: create(
                models.DisagreementClaim, disagreement=disagreement, label="A", claim="Said."
            ),
            [disagreement],
        ),
    }


KINDS = [
    "party alias",
    "organization alias",
    "person alias",
    "role",
    "negotiation relation",
    "participant",
    "agenda area alias",
    "agenda item",
    "agenda item area",
    "annotation",
    "disagreement claim",
]


def moved(records, since) -> list:
    """The records whose updated did not move since ``since``: none, if all were touched."""
    return [r for r in records if type(r).objects.get(pk=r.pk).updated <= since]


@pytest.mark.parametrize("kind", KINDS)
def test_creating_changing_and_deleting_an_embedded_record_touches_its_resources(talks, kind):
    make, embedding = embedded_records(talks)[kind]

    since = timezone.now()
    record = make()
    assert moved(embedding, since) == [], "created"

    since = timezone.now()
    writes.update_record(record=record, fields={})
    assert moved(embedding, since) == [], "changed"

    if hasattr(record, "citations"):
        citation = factories.citation()
        since = timezone.now()
        writes.update_record(record=record, fields={}, links={"citations": [citation]})
        assert moved(embedding, since) == [], "cited"

        since = timezone.now()
        writes.update_record(record=citation, fields={"quote": "Another quote."})
        assert moved(embedding, since) == [], "its citation's quote changed"

    version = current_data_version()[0]
    since = timezone.now()
    writes.delete_record(record=record)
    assert moved(embedding, since) == [], "deleted"
    assert current_data_version()[0] == version + 1, "the data version moves once per write"


def test_a_record_moved_to_another_parent_touches_both(talks):
    first, second = factories.round(talks, 1), factories.round(talks, 2)
    participant = create(
        models.Participant, round=first, party=talks.parties.first(), name_as_reported="S"
    )
    since = timezone.now()
    writes.update_record(record=participant, fields={"round": second})
    assert moved([first, second], since) == []


def test_a_facts_own_citation_list_moves_its_updated(talks):
    deadline = models.Deadline.objects.create(
        slug=factories.unique("deadline"), title="D", kind="other", date=datetime.date(2025, 7, 1)
    )
    rows = deadline.history.count()
    since = timezone.now()
    writes.update_record(record=deadline, fields={}, links={"citations": [factories.citation()]})
    assert deadline.updated > since, "in memory too"
    assert models.Deadline.objects.get(pk=deadline.pk).updated == deadline.updated
    # Its save and django-simple-history's row for the list: no third row for the touch.
    assert deadline.history.count() == rows + 2


def test_linking_from_the_citation_side_touches_the_facts(talks):
    round_ = factories.round(talks, 1, agenda={})
    participant = create(
        models.Participant, round=round_, party=talks.parties.first(), name_as_reported="S"
    )
    citation = factories.citation()
    since = timezone.now()
    with writes.writing():
        citation.participants.add(participant)
        writes.record_links_changed(participant, "citations")
    assert moved([round_], since) == []


# --- What is not touched ------------------------------------------------------------------------


def test_records_deleted_together_are_not_touched(talks):
    other = factories.negotiation()
    create(
        models.NegotiationRelation, from_negotiation=talks, to_negotiation=other, kind="succeeds"
    )
    round_ = factories.round(talks, 1, agenda={"energy": factories.area()})
    create(models.Participant, round=round_, party=talks.parties.first(), name_as_reported="S")
    pk, rows = round_.pk, round_.history.count()

    writes.delete_record(record=round_)
    assert models.Round.history.filter(id=pk).count() == rows + 1, "only its deletion"

    since = timezone.now()
    writes.delete_record(record=talks)
    assert moved([other], since) == [], "the other side of a relation shows it"


def test_one_deletion_touches_each_resource_once(talks):
    round_ = factories.round(talks, 1, agenda={"energy": factories.area()})
    item = round_.agenda_items.get()
    for name in ("One", "Two"):
        create(models.Participant, round=round_, party=talks.parties.first(), name_as_reported=name)
    rows = round_.history.count()

    writes.delete_record(record=item)  # with its area link
    assert round_.history.count() == rows + 1
    assert round_.history.latest().history_change_reason == f"Agenda item deleted: {item.slug}"

    with writes.writing():
        for participant in models.Participant.objects.filter(round=round_):
            writes.delete_record(record=participant)
    assert round_.history.count() == rows + 2


def test_a_deletion_that_sets_references_to_null_touches_those_records(talks):
    round_ = factories.round(talks, 1, agenda={})
    position = models.Position.objects.create(
        slug=factories.unique("position"),
        party=talks.parties.first(),
        kind="statement",
        round=round_,
    )
    since = timezone.now()
    writes.delete_record(record=round_)
    position.refresh_from_db()
    assert position.round is None and position.updated > since
    assert position.history.latest().history_change_reason.startswith("Round deleted")


def test_a_touch_does_not_recurse(talks):
    round_ = factories.round(talks, 1, agenda={})
    item = factories.agenda_item(round_, "energy", [])
    round_rows, item_rows = round_.history.count(), item.history.count()
    writes.touch(item, why="Test")
    assert item.history.count() == item_rows + 1
    assert round_.history.count() == round_rows, "touching an item does not touch its round"


def test_writes_around_the_services_touch_nothing(talks):
    """Only the write services decide what a write changes: an ORM save elsewhere (a bulk
    load, a shell) records its own audit row and nothing else."""
    round_ = factories.round(talks, 1, agenda={})
    rows, version = round_.history.count(), current_data_version()[0]
    models.Participant.objects.create(
        round=round_, party=talks.parties.first(), name_as_reported="X"
    )
    assert round_.history.count() == rows
    assert current_data_version()[0] == version


def test_one_write_moves_the_data_version_once(editor, built):
    version = current_data_version()[0]
    area, citation = factories.area(), factories.citation()
    response = editor.patch(
        f"/api/v1/agenda-items/{built['ITEM']}/",
        {"label": "Digital", "areas": [area.slug], "citations": [citation.slug]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert current_data_version()[0] == version + 1


# --- ETags stay right ---------------------------------------------------------------------------


def test_the_etag_of_a_write_that_changes_areas_and_citations_is_current(editor, built):
    area, citation = factories.area(), factories.citation()
    response = editor.patch(
        f"/api/v1/agenda-items/{built['ITEM']}/",
        {"areas": [area.slug], "citations": [citation.slug]},
        format="json",
    )
    assert response.status_code == 200, response.content
    again = editor.patch(
        f"/api/v1/agenda-items/{built['ITEM']}/",
        {"notes": "Then this."},
        format="json",
        HTTP_IF_MATCH=response["ETag"],
    )
    assert again.status_code == 200, "the ETag of the first write was stale"
