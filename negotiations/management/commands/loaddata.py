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
  item named, as the API and the admin refuse it.
"""

from django.core.exceptions import ValidationError
from django.core.management import CommandError
from django.core.management.commands import loaddata
from django.db import DatabaseError, IntegrityError, router

from negotiations.domain.fixtures import FixtureRecordError
from negotiations.domain.slugs import fixture_slug
from negotiations.domain.writes import load_record, map_items_from_labels, writing
from negotiations.models import AgendaItem
from negotiations.models.base import SluggedModel


class Command(loaddata.Command):
    def handle(self, *fixture_labels, **options):
        try:
            with writing():
                return super().handle(*fixture_labels, **options)
        except FixtureRecordError as error:
            raise CommandError(str(error)) from error

    def loaddata(self, fixture_labels):
        self.loaded_items = []
        super().loaddata(fixture_labels)
        try:
            map_items_from_labels(self.loaded_items)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

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
        return True
