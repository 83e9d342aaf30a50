"""`manage.py seed` loads the seed fixtures once: re-running it never overwrites editors' work."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from negotiations import models, registry
from negotiations.domain import writes
from tests.helpers import (
    assert_updated_not_back,
    empty_negotiations_tables,
    row_counts,
    updated_stamps,
)
from tests.seed import SEED_FIXTURE

pytestmark = pytest.mark.django_db

FIXTURE = json.loads((Path(settings.BASE_DIR) / "fixtures" / f"{SEED_FIXTURE}.json").read_text())
SKIPPED = "Database already has data; seed fixtures not loaded"


def seed(*args) -> str:
    out = io.StringIO()
    call_command("seed", *args, stdout=out)
    return out.getvalue()


def edit_agenda_item() -> models.AgendaItem:
    """An editor's admin edit to a seeded record: a new label and a newer `updated`."""
    item = models.AgendaItem.objects.get(slug="technical-2-week-of-2025-05-19--six-key-areas")
    item.label = "six key areas (edited)"
    item.save()
    item.refresh_from_db()
    return item


def test_a_fresh_database_gets_the_seed_data():
    empty_negotiations_tables()

    output = seed()

    assert f"Loaded {len(FIXTURE)} objects" in output
    assert sum(row_counts().values()) > 0
    assert models.Negotiation.objects.exists()
    assert models.Source.objects.count() == 5


def test_a_second_run_skips_and_keeps_editors_changes():
    item = edit_agenda_item()
    before = row_counts()

    output = seed()

    assert SKIPPED in output
    assert "Loaded" not in output
    assert row_counts() == before
    after = models.AgendaItem.objects.get(pk=item.pk)
    assert after.label == "six key areas (edited)"
    assert after.updated == item.updated


def test_any_record_counts_as_data():
    """A database an editor started by hand is not seeded over either."""
    empty_negotiations_tables()
    models.Party.objects.create(slug="kr", name="Korea (entered by hand)", code="KR")

    assert SKIPPED in seed()
    assert models.Party.objects.get().name == "Korea (entered by hand)"
    assert not models.Source.objects.exists()


def test_force_reloads_the_seed_data():
    item = edit_agenda_item()

    output = seed("--force")

    assert f"Loaded {len(FIXTURE)} objects" in output
    assert models.AgendaItem.objects.get(pk=item.pk).label == "six key areas"


def test_explicit_fixture_labels(tmp_path):
    empty_negotiations_tables()
    path = tmp_path / "one_party.json"
    path.write_text(
        json.dumps([entry for entry in FIXTURE if entry["model"] == "negotiations.party"][:1])
    )

    assert "Loaded 1 objects" in seed(str(path))
    assert models.Party.objects.count() == 1


class TestReloadsNeverMoveUpdatedBack:
    """A reload of the seed is a write path too (tests/domain/test_identity.py has the
    others): the records it writes or touches end with ``updated`` >= before."""

    @pytest.fixture
    def before(self):
        return updated_stamps()

    def test_a_fixture_reload_moves_updated_forward_or_leaves_it(self, before):
        # The seed data's timestamps are the fixture's (2026); an edit, then a reload.
        jeju = models.Round.objects.get(slug="jeju-ministerial-2025-05-16")
        writes.update_record(record=jeju, fields={"outcomes": "Edited."})
        edited = models.Round.objects.get(pk=jeju.pk).updated

        call_command("seed", "--force", verbosity=0)

        reloaded = models.Round.objects.get(pk=jeju.pk)
        assert reloaded.outcomes != "Edited."  # the fixture's value is back...
        assert reloaded.updated > edited  # ...and sync clients see it as a change
        assert_updated_not_back(before)

    def test_a_reload_of_unchanged_data_changes_nothing(self, before):
        version = models.DataVersion.objects.get().version
        rows = models.Round.history.count()
        call_command("loaddata", SEED_FIXTURE, verbosity=0)
        assert models.Round.history.count() == rows
        after = {
            model: dict(model.objects.values_list("pk", "updated"))
            for model in registry.data_models()
        }
        assert after == before
        assert models.DataVersion.objects.get().version == version  # nothing was written
