"""Export the record as a fixture: the data models only, with natural keys.

`dumpdata negotiations` would also dump the audit history and the data version, which are
not data to load elsewhere.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from negotiations import registry


class Command(BaseCommand):
    help = "Write the record (no history, no bookkeeping) as a natural-key JSON fixture."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="File to write (default: standard output).")

    def handle(self, *args, output=None, **options):
        call_command(
            "dumpdata",
            *(model._meta.label for model in registry.data_models()),
            # What each quote states of each fact (its facets and values).
            *(link._meta.label for link in registry.link_models().values()),
            natural_foreign=True,
            natural_primary=True,
            indent=2,
            output=output,
            stdout=self.stdout,
        )
