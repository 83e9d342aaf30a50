"""Identities that never change: every resource has an id, a renamed record keeps answering
at its old URL (301), the changes feed reports the rename, and ``updated`` never moves back,
whatever the write path."""

import datetime

import pytest
from django.utils import timezone

from negotiations import models
from negotiations.api.urls import router
from negotiations.domain import writes
from tests import factories
from tests.helpers import (
    admin_url,
    assert_updated_not_back,
    change_form_data,
    form_data,
    updated_stamps,
)

pytestmark = pytest.mark.django_db

RENAMED = "renamed-round"


@pytest.fixture
def round_():
    """A round of built talks with an agenda item and a participant."""
    talks = factories.negotiation()
    built = factories.round(talks, 1, agenda={"digital trade": factories.area()})
    models.Participant.objects.create(
        round=built, party=talks.parties.first(), name_as_reported="A minister"
    )
    return built


@pytest.fixture
def round_slug(round_):
    """``round_``'s slug."""
    return round_.slug


def rename_in_the_admin(client, record, slug):
    url = admin_url(type(record), "change", record.pk)
    data = change_form_data(client.get(url))
    data["slug"] = slug
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]


# Resources the seed may have none of.
BUILT = {models.AgendaExclusion: factories.exclusion}


def test_every_resource_shows_its_id(api):
    for prefix, viewset, _ in router.registry:
        model = viewset.queryset.model
        record = model.objects.order_by("pk").first() or BUILT[model]()
        body = api.get(f"/api/v1/{prefix}/{record.slug}/").json()
        assert body["id"] == record.pk, prefix
        listed = api.get(f"/api/v1/sparse/{prefix}/", {"fields": "id,slug"}).json()["results"][0]
        assert set(listed) == {"id", "slug"}, prefix


class TestRenames:
    def test_the_old_url_redirects_to_the_new_one(self, staff_client, api, round_slug, round_):
        rename_in_the_admin(staff_client, round_, RENAMED)

        response = api.get(f"/api/v1/rounds/{round_slug}/agenda-changes/?known_as_of=2025-06-01")
        assert response.status_code == 301
        assert response["Location"].endswith(
            f"/api/v1/rounds/{RENAMED}/agenda-changes/?known_as_of=2025-06-01"
        )
        moved = api.get(f"/api/v1/rounds/{round_slug}/")["Location"]
        assert api.get(moved).json()["id"] == round_.pk
        assert api.get(f"/api/v1/rounds/{round_slug}/audit-history/").status_code == 301

    def test_the_old_csv_and_sparse_urls_redirect_to_their_new_ones(
        self, staff_client, api, round_slug, round_
    ):
        rename_in_the_admin(staff_client, round_, RENAMED)
        csv = api.get(f"/api/v1/rounds/{round_slug}.csv")
        assert csv.status_code == 301
        assert csv["Location"].endswith(f"/api/v1/rounds/{RENAMED}.csv")
        sparse = api.get(f"/api/v1/sparse/rounds/{round_slug}/?fields=id")
        assert sparse.status_code == 301
        assert sparse["Location"].endswith(f"/api/v1/sparse/rounds/{RENAMED}/?fields=id")

    def test_a_write_to_the_old_url_is_redirected_with_its_method(
        self, staff_client, editor, round_slug, round_
    ):
        rename_in_the_admin(staff_client, round_, RENAMED)
        response = editor.patch(f"/api/v1/rounds/{round_slug}/", {"outcomes": "?"}, format="json")
        assert response.status_code == 308  # repeat the PATCH there, not a GET
        assert response["Location"].endswith(f"/api/v1/rounds/{RENAMED}/")
        assert models.Round.objects.get(pk=round_.pk).outcomes != "?"

    def test_a_chain_of_renames_leads_to_the_current_slug(
        self, staff_client, api, round_slug, round_
    ):
        rename_in_the_admin(staff_client, round_, "round-one")
        rename_in_the_admin(staff_client, models.Round.objects.get(pk=round_.pk), "round-two")
        for old in (round_slug, "round-one"):
            response = api.get(f"/api/v1/rounds/{old}/")
            assert response["Location"].endswith("/api/v1/rounds/round-two/"), old

    def test_a_deleted_records_old_slug_is_gone(self, staff_client, editor, api, round_slug):
        steel = factories.area(name="Steel", slug="steel")
        item = factories.agenda_item(models.Round.objects.get(slug=round_slug), "steel", [steel])
        rename_in_the_admin(staff_client, item, "steel-renamed")
        assert editor.delete("/api/v1/agenda-items/steel-renamed/").status_code == 204
        assert api.get(f"/api/v1/agenda-items/{item.slug}/").status_code == 404

    def test_the_changes_feed_reports_a_rename_with_the_id(
        self, staff_client, api, round_slug, round_
    ):
        since = timezone.now()
        rename_in_the_admin(staff_client, round_, RENAMED)

        events = api.get("/api/v1/changes/", {"since": since.isoformat()}).json()["results"]
        about_round = [event for event in events if event["id"] == round_.pk]
        assert [(e["action"], e["slug"], e["previous_slug"]) for e in about_round] == [
            ("renamed", RENAMED, round_slug)
        ]
        assert all(event["type"] == "rounds" for event in about_round)
        # No ghost: nothing is created under the new slug.
        assert not [e for e in events if e["action"] == "created" and e["slug"] == RENAMED]


class TestUpdatedNeverMovesBack:
    """On every write path the records written or touched end with ``updated`` >= before
    (a reload of the seed fixtures: tests/end_to_end/test_seed_command.py)."""

    @pytest.fixture
    def before(self):
        return updated_stamps()

    def test_api_writes(self, editor, round_, before, round_slug):
        assert editor.patch(f"/api/v1/rounds/{round_slug}/", {"outcomes": "?"}, format="json")
        participant = models.Participant.objects.filter(round__slug=round_slug).first()
        position = models.Position.objects.create(
            slug=factories.unique("position"),
            party=round_.negotiation.parties.first(),
            kind="statement",
            negotiation=round_.negotiation,
        )
        assert editor.delete(f"/api/v1/positions/{position.slug}/")
        writes.delete_record(record=participant)
        assert_updated_not_back(before)

    def test_admin_writes_and_a_revert(self, staff_client, round_, before, round_slug):
        rename_in_the_admin(staff_client, round_, RENAMED)
        old = round_.history.order_by("history_date").first()
        url = admin_url(models.Round, "simple_history", round_.pk, old.history_id)
        data = form_data(staff_client.get(url).context["adminform"].form)
        assert staff_client.post(url, data).status_code == 302
        reverted = models.Round.objects.get(pk=round_.pk)
        assert reverted.slug == round_slug  # the revert is a rename back...
        assert reverted.updated >= before[models.Round][round_.pk]  # ...at a later time
        assert_updated_not_back(before)

    def test_agenda_area_service(self, round_, before):
        item = round_.agenda_items.first()
        writes.set_agenda_item_areas(item=item, areas=[factories.area()])
        assert_updated_not_back(before)
        assert models.Round.objects.get(pk=round_.pk).updated > before[models.Round][round_.pk]

    def test_a_bulk_load_moves_the_version_itself(self):
        from bench import synthetic

        version = models.DataVersion.objects.get().version
        synthetic.Generator("tiny", method="orm", log=lambda message: None).run()
        assert models.DataVersion.objects.get().version > version
        assert models.Round.objects.filter(slug__startswith="syn-").exists()
        assert all(
            updated <= timezone.now() + datetime.timedelta(seconds=1)
            for updated in models.Round.objects.values_list("updated", flat=True)
        )
