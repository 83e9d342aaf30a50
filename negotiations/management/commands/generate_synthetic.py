"""python manage.py generate_synthetic --size small|medium|large [--seed 42] [--clear]"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench import synthetic  # the generator lives with the benchmark that uses it


class Command(BaseCommand):
    help = (
        "Generate a deterministic synthetic data set (seeded random) for load tests and "
        "benchmarks: tiny (~30 rounds), small (~1k rounds), medium (~20k), large (~100k rounds, "
        "~600k agenda items). Every slug starts with 'syn-'; --clear removes them first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(synthetic.SIZES), default="small")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--clear", action="store_true", help="Remove synthetic data first.")
        parser.add_argument(
            "--clear-only", action="store_true", help="Remove synthetic data and stop."
        )
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument(
            "--chunk", type=int, default=50, help="Negotiations written per transaction."
        )
        parser.add_argument(
            "--method",
            choices=["auto", "orm", "copy"],
            default="auto",
            help="orm: bulk_create in batches (every database); copy: PostgreSQL's COPY "
            "(about 3x faster). auto: copy on PostgreSQL, orm elsewhere.",
        )

    def handle(self, *args, size, seed, clear, clear_only, batch_size, chunk, method, **options):
        verbose = options["verbosity"] >= 1

        def log(message):
            if verbose:
                self.stdout.write(message)

        if clear or clear_only:
            started = time.perf_counter()
            removed = synthetic.clear()
            log(
                f"Removed {sum(removed.values())} synthetic rows in "
                f"{time.perf_counter() - started:.1f} s."
            )
            if clear_only:
                return
        if synthetic.synthetic_present():
            raise CommandError("Synthetic data is already present: add --clear to replace it.")
        generator = synthetic.Generator(
            size, seed=seed, batch_size=batch_size, chunk=chunk, log=log, method=method
        )
        log(f"Generating size {size} (seed {seed}) on {connection.vendor} ({generator.method})...")
        started = time.perf_counter()
        counts = generator.run()
        elapsed = time.perf_counter() - started
        for label, count in sorted(counts.items()):
            log(f"  {label:55} {count:>10,}")
        total = sum(counts.values())
        log(f"{total:,} rows in {elapsed:.1f} s ({total / elapsed:,.0f} rows/s).")
