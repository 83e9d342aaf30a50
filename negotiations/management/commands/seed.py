"""python manage.py seed [fixture ...] [--force]

Load the seed fixtures into a database that holds no tracker data yet. Safe to run on every
start: `loaddata` with natural keys would overwrite editors' changes to seeded records and move
their `updated` back to the fixture's timestamp (sync clients filtering on updated_since would
never see the change), so a database that already has data is left alone unless --force.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, transaction

from negotiations.management.commands.loaddata import Command as LoadDataCommand
from negotiations.models import DATA_MODELS

SEED_FIXTURES = ["korea_us_2025"]


def has_tracker_data(using=DEFAULT_DB_ALIAS):
    """True when any record model (party, negotiation, source, ...) has a row."""
    return any(model._base_manager.using(using).exists() for model in DATA_MODELS)


class Command(BaseCommand):
    help = (
        "Load the seed fixtures only if the database holds no tracker data yet "
        "(--force loads them anyway, overwriting seeded records)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "fixtures",
            nargs="*",
            metavar="fixture",
            help=f"Fixture labels to load (default: {' '.join(SEED_FIXTURES)}).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even if the database has data: seeded records are overwritten.",
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help='The database to seed (default: "default").',
        )

    def handle(self, *args, fixtures, force, database, **options):
        labels = fixtures or SEED_FIXTURES
        with transaction.atomic(using=database):
            if not force and has_tracker_data(database):
                self.stdout.write(
                    "Database already has data; seed fixtures not loaded "
                    "(use seed --force or loaddata to force)."
                )
                return
            loaddata = LoadDataCommand(stdout=self.stdout, stderr=self.stderr)
            call_command(loaddata, *labels, database=database, verbosity=0)
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {loaddata.loaded_object_count} objects "
                f"from {loaddata.fixture_count} fixture(s)."
            )
        )
