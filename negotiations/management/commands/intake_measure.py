"""python manage.py intake_measure: how well article intake reads the seed articles.

Runs in a transaction that is rolled back: the database is left as it was. It loads the
seed fixture if the database has no parties, strips everything but the vocabulary (parties,
organizations, people with aliases and roles, agenda areas with aliases), proposes each seed
article and compares the proposals with the fixture (negotiations.intake.measure).
"""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from negotiations.intake import measure
from negotiations.models import Party

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "korea_us_2025.json"
SEEDS = Path(settings.BASE_DIR) / "fixtures" / "seeds"


class Command(BaseCommand):
    help = "Measure article intake on the seed articles (recall and precision per kind)."

    def add_arguments(self, parser):
        parser.add_argument("--fixture", default=str(FIXTURE))
        parser.add_argument("--seeds", default=str(SEEDS))
        parser.add_argument("--misses", action="store_true", help="List what each article misses.")

    def handle(self, *args, fixture, seeds, misses, **options):
        with transaction.atomic():
            if not Party.objects.exists():
                call_command("loaddata", fixture, verbosity=0)
            measure.strip_to_vocabulary()
            reports = [measure.measure(Path(fixture), Path(seeds), mode) for mode in measure.MODES]
            transaction.set_rollback(True)
        for report in reports:
            self.stdout.write(f"{report.mode}: {measure.MODES[report.mode]}")
        self.stdout.write(measure.table(reports))
        if misses:
            for report in reports:
                self.stdout.write(f"\nMissed ({report.mode}):")
                for article, missed in report.misses.items():
                    for line in missed:
                        self.stdout.write(f"  {article}: {line}")
