"""PostgreSQL session settings for the API's connections (and the benchmark's floor).

The API runs many small indexed queries: parallel plans and JIT compilation only add
start-up latency to them, and random I/O costs about what sequential I/O does on SSDs or
cached data, which PostgreSQL's default random_page_cost (for spinning disks) overrates.
Override with the environment variable POSTGRES_SESSION_OPTIONS.
"""

import os

DEFAULT_SESSION_OPTIONS = "-c jit=off -c max_parallel_workers_per_gather=0 -c random_page_cost=1.1"


def session_options() -> str:
    return os.environ.get("POSTGRES_SESSION_OPTIONS", DEFAULT_SESSION_OPTIONS)
