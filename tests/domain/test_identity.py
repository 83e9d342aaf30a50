"""Identities that never change: every resource has an id, a renamed record keeps answering
at its old URL (301), the changes feed reports the rename, and ``updated`` never moves back,
whatever the write path."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from negotiations import models, registry
from negotiations.api.urls import router
from negotiations.domain import writes
from tests import factories
from tests.helpers import admin_url, change_form_data, form_data

pytestmark = pytest.mark.django_db

JEJU = "jeju-ministerial-2025-05-16"
RENAMED = "jeju-ministerial-meeting-2025-05-16"


def rename_in_the_admin(client, record, slug):
    url = admin_url(type(record), "change", record.pk)
    data = change_form_data(client.get(url))
    data["slug"] = slug
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]


def test_every_resource_shows_its_id(api):
    for prefix, viewset, _ in router.registry:
        record = viewset.queryset.model.objects.order_by("pk").first()
        body = api.get(f"/api/v1/{prefix}/{record.slug}/").json()
        assert body["id"] == record.pk, prefix
        listed = api.get(f"/api/v1/{prefix}/", {"fields": "id,slug"}).json()["results"][0]
        assert set(listed) == {"id", "slug"}, prefix


class TestRenames:
    def test_the_old_url_redirects_to_the_new_one(self, staff_client, api):
        jeju = models.Round.objects.get(slug=JEJU)
        rename_in_the_admin(staff_client, jeju, RENAMED)

        response = api.get(f"/api/v1/rounds/{JEJU}/agenda-changes/?known_as_of=2025-06-01")
        assert response.status_code == 301
        assert response["Location"].endswith(
            f"/api/v1/rounds/{RENAMED}/agenda-changes/?known_as_of=2025-06-01"
        )
        moved = api.get(f"/api/v1/rounds/{JEJU}/")["Location"]
        assert api.get(moved).json()["id"] == jeju.pk
        assert api.get(f"/api/v1/rounds/{JEJU}/audit-history/").status_code == 301

    def test_a_write_to_the_old_url_is_redirected_with_its_method(self, staff_client, editor):
        jeju = models.Round.objects.get(slug=JEJU)
        rename_in_the_admin(staff_client, jeju, RENAMED)
        response = editor.patch(f"/api/v1/rounds/{JEJU}/", {"outcomes": "?"}, format="json")
        assert response.status_code == 308  # repeat the PATCH there, not a GET
        assert response["Location"].endswith(f"/api/v1/rounds/{RENAMED}/")
        assert models.Round.objects.get(pk=jeju.pk).outcomes != "?"

    def test_a_chain_of_renames_leads_to_the_current_slug(self, staff_client, api):
        jeju = models.Round.objects.get(slug=JEJU)
        rename_in_the_admin(staff_client, jeju, "jeju-one")
        rename_in_the_admin(staff_client, models.Round.objects.get(pk=jeju.pk), "jeju-two")
        for old in (JEJU, "jeju-one"):
            response = api.get(f"/api/v1/rounds/{old}/")
            assert response["Location"].endswith("/api/v1/rounds/jeju-two/"), old

    def test_a_deleted_records_old_slug_is_gone(self, staff_client, editor, api):
        steel = factories.area(name="Steel", slug="steel")
        item = factories.agenda_item(models.Round.objects.get(slug=JEJU), "steel", [steel])
        rename_in_the_admin(staff_client, item, "steel-renamed")
        assert editor.delete("/api/v1/agenda-items/steel-renamed/").status_code == 204
        assert api.get(f"/api/v1/agenda-items/{item.slug}/").status_code == 404

    def test_the_changes_feed_reports_a_rename_with_the_id(self, staff_client, api):
        jeju = models.Round.objects.get(slug=JEJU)
        since = timezone.now()
        rename_in_the_admin(staff_client, jeju, RENAMED)

        events = api.get("/api/v1/changes/", {"since": since.isoformat()}).json()["results"]
        about_jeju = [event for event in events if event["id"] == jeju.pk]
        assert [(e["action"], e["slug"], e["previous_slug"]) for e in about_jeju] == [
            ("renamed", RENAMED, JEJU)
        ]
        assert all(event["type"] == "rounds" for event in about_jeju)
        # No ghost: nothing is created under the new slug.
        assert not [e for e in events if e["action"] == "created" and e["slug"] == RENAMED]


class TestUpdatedNeverMovesBack:
    """On every write path the records written or touched end with ``updated`` >= before."""

    @pytest.fixture
    def before(self):
        return {
            model: dict(model.objects.values_list("pk", "updated"))
            for model in registry.data_models()
        }

    @staticmethod
    def assert_not_back(before):
        for model, stamps in before.items():
            for pk, updated in model.objects.filter(pk__in=stamps).values_list("pk", "updated"):
                assert updated >= stamps[pk], (model, pk)

    def test_a_fixture_reload_moves_updated_forward_or_leaves_it(self, before):
        # The seed data's timestamps are the fixture's (2026); an edit, then a reload.
        jeju = models.Round.objects.get(slug=JEJU)
        writes.update_record(record=jeju, fields={"outcomes": "Edited."})
        edited = models.Round.objects.get(pk=jeju.pk).updated

        call_command("seed", "--force", verbosity=0)

        reloaded = models.Round.objects.get(pk=jeju.pk)
        assert reloaded.outcomes != "Edited."  # the fixture's value is back...
        assert reloaded.updated > edited  # ...and sync clients see it as a change
        self.assert_not_back(before)

    def test_a_reload_of_unchanged_data_changes_nothing(self, before):
        version = models.DataVersion.objects.get().version
        rows = models.Round.history.count()
        call_command("loaddata", "korea_us_2025", verbosity=0)
        assert models.Round.history.count() == rows
        after = {
            model: dict(model.objects.values_list("pk", "updated"))
            for model in registry.data_models()
        }
        assert after == before
        assert models.DataVersion.objects.get().version == version  # nothing was written

    def test_api_writes(self, editor, before):
        assert editor.patch(f"/api/v1/rounds/{JEJU}/", {"outcomes": "?"}, format="json")
        participant = models.Participant.objects.filter(round__slug=JEJU).first()
        assert editor.delete(f"/api/v1/positions/{models.Position.objects.first().slug}/")
        writes.delete_record(record=participant)
        self.assert_not_back(before)

    def test_admin_writes_and_a_revert(self, staff_client, before):
        jeju = models.Round.objects.get(slug=JEJU)
        rename_in_the_admin(staff_client, jeju, RENAMED)
        old = jeju.history.order_by("history_date").first()
        url = admin_url(models.Round, "simple_history", jeju.pk, old.history_id)
        data = form_data(staff_client.get(url).context["adminform"].form)
        assert staff_client.post(url, data).status_code == 302
        reverted = models.Round.objects.get(pk=jeju.pk)
        assert reverted.slug == JEJU  # the revert is a rename back...
        assert reverted.updated >= before[models.Round][jeju.pk]  # ...at a later time
        self.assert_not_back(before)

    def test_agenda_area_service(self, before):
        jeju = models.Round.objects.get(slug=JEJU)
        item = jeju.agenda_items.first()
        writes.set_agenda_item_areas(item=item, areas=[models.AgendaArea.objects.last()])
        self.assert_not_back(before)
        assert models.Round.objects.get(pk=jeju.pk).updated > before[models.Round][jeju.pk]

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
