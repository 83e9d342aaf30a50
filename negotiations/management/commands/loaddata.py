"""python manage.py loaddata: Django's, with the rules every other write path applies.

Every record is saved as any other write is (negotiations.domain.writes.load_record):
validated as the admin would (an invalid record stops the load, which keeps nothing, and is
reported in one line naming the record and the field), audited, ``updated`` moving forward
(a sync client filtering on updated_since sees a reload), the records embedding it touched,
the data version moved once; a record identical to the stored one is left alone. Besides:

* a slugged record the fixture gives no slug gets the domain's slug (``<round>--<label>`` for
  an agenda item); loading the same fixture again finds the same record by that slug;
* an agenda item with no areas and not marked unmapped is mapped from its label
  (negotiations.domain.labels); a label that names no area fails the whole load, with the
  item named, as the API and the admin refuse it;
* a round whose agenda is marked reported and that has no agenda item after the load fails
  the whole load, as the admin's round page refuses it; so does an editors' note on an
  agenda change that matches no change of its round, with the reason.
"""

from django.core.exceptions import ValidationError
from django.core.management import CommandError
from django.core.management.commands import loaddata
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, IntegrityError, router

from negotiations.domain.fixtures import FixtureRecordError
from negotiations.domain.slugs import fixture_slug
from negotiations.domain.writes import (
    load_record,
    map_items_from_labels,
    refuse_empty_reported_agendas,
    refuse_unmatched_change_notes,
    writing,
)
from negotiations.models import AgendaChangeAnnotation, AgendaItem, Round
from negotiations.models.base import SluggedModel


def one_line(error: Exception) -> str:
    """A database or deserialization error as one line (the database's DETAIL line joined
    to it), without Django's "Problem installing fixture '<path>': " prefix."""
    text = " ".join(line.strip() for line in str(error).splitlines() if line.strip())
    if text.startswith("Problem installing fixture") and "': " in text:
        text = text.split("': ", 1)[1]
    return text or type(error).__name__


class Command(loaddata.Command):
    def handle(self, *fixture_labels, **options):
        try:
            with writing():
                return super().handle(*fixture_labels, **options)
        except FixtureRecordError as error:
            raise CommandError(one_line(error)) from error
        except (DatabaseError, DeserializationError) as error:
            # One line naming the record (save_obj's "Could not load <model>(pk=...)"), never
            # a traceback: the load is rolled back whole.
            raise CommandError(one_line(error)) from error

    def loaddata(self, fixture_labels):
        self.loaded_items, self.loaded_rounds, self.loaded_notes = [], [], []
        # Django prints "Installed N object(s)" at the end of its loaddata(), before the
        # items are mapped from their labels: a mapping that fails then rolls back what was
        # "installed". Say it only once the whole load has succeeded.
        verbosity, self.verbosity = self.verbosity, 0
        try:
            super().loaddata(fixture_labels)
        finally:
            self.verbosity = verbosity
        try:
            map_items_from_labels(self.loaded_items)
            refuse_empty_reported_agendas(self.loaded_rounds)
            refuse_unmatched_change_notes(self.loaded_notes)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                raise CommandError(
                    "; ".join(
                        f"{field}: {' '.join(messages)}"
                        for field, messages in error.message_dict.items()
                    )
                ) from error
            raise CommandError(" ".join(error.messages)) from error
        if self.verbosity >= 1:
            if self.fixture_object_count == self.loaded_object_count:
                self.stdout.write(
                    f"Installed {self.loaded_object_count} object(s) from "
                    f"{self.fixture_count} fixture(s)"
                )
            else:
                self.stdout.write(
                    f"Installed {self.loaded_object_count} object(s) (of "
                    f"{self.fixture_object_count}) from {self.fixture_count} fixture(s)"
                )

    def save_obj(self, obj):
        record, model = obj.object, type(obj.object)
        if record._meta.app_label != "negotiations":
            return super().save_obj(obj)  # auth users, tokens...: Django's raw save
        if model in self.excluded_models or not router.allow_migrate_model(self.using, model):
            return False
        self.models.add(model)
        if isinstance(record, SluggedModel) and not record.slug:
            fixture_slug(record)
        try:
            load_record(obj, self.using)
        except (DatabaseError, IntegrityError) as error:
            error.args = (f"Could not load {model._meta.label}(pk={record.pk}): {error}",)
            raise
        if isinstance(record, AgendaItem):
            self.loaded_items.append(record.pk)
        elif isinstance(record, Round):
            self.loaded_rounds.append(record.pk)
        elif isinstance(record, AgendaChangeAnnotation):
            self.loaded_notes.append(record.pk)
        return True
