"""python manage.py loaddata: Django's, with every record saved as any other write is
(negotiations.domain.writes.load_record): validated as the admin would (an invalid record
stops the load, which keeps nothing, and is reported in one line naming the record and the
field), audited, ``updated`` moving forward (a sync client filtering on updated_since sees a
reload), the records embedding it touched, the data version moved once; a record identical
to the stored one is left alone."""

from django.core.management import CommandError
from django.core.management.commands import loaddata
from django.db import DatabaseError, IntegrityError, router

from negotiations.domain.fixtures import FixtureRecordError
from negotiations.domain.writes import load_record, writing


class Command(loaddata.Command):
    def handle(self, *fixture_labels, **options):
        try:
            with writing():
                return super().handle(*fixture_labels, **options)
        except FixtureRecordError as error:
            raise CommandError(str(error)) from error

    def save_obj(self, obj):
        model = type(obj.object)
        if obj.object._meta.app_label != "negotiations":
            return super().save_obj(obj)  # auth users, tokens...: Django's raw save
        if model in self.excluded_models or not router.allow_migrate_model(self.using, model):
            return False
        self.models.add(model)
        try:
            load_record(obj, self.using)
        except (DatabaseError, IntegrityError) as error:
            error.args = (f"Could not load {model._meta.label}(pk={obj.object.pk}): {error}",)
            raise
        return True
