"""python manage.py loaddata: Django's, with every record validated as the admin would
(negotiations.domain.fixtures). An invalid record stops the load, which keeps nothing, and is
reported in one line naming the record and the field, without a traceback."""

from django.core.management import CommandError
from django.core.management.commands import loaddata

from negotiations.domain.fixtures import FixtureRecordError


class Command(loaddata.Command):
    def handle(self, *fixture_labels, **options):
        try:
            return super().handle(*fixture_labels, **options)
        except FixtureRecordError as error:
            raise CommandError(str(error)) from error
