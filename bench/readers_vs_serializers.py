"""Readers vs serializers: what the hand-written readers buy over a prefetched serializer.

    DATABASE_URL=postgres://user@host/db DJANGO_SETTINGS_MODULE=tracker.settings \\
        .venv/bin/python bench/readers_vs_serializers.py [--sizes small,medium] [--repeat 60]

Issue 12, "One read path". Rounds, deadlines and people have two read paths: the readers of
negotiations/api/readers.py (JSON rebuilt from ``.values()`` rows) and the DRF serializers
with the viewsets' prefetching. For each resource (a list page of 50, rounds also the
maximum page of 500, a sparse ``?fields=`` page of 50, a detail) this measures

* **reader**: the API as served (/api/v1/...);
* **serializer**: the same viewset with ``reader = None`` (its class queryset and serializer);
* **improved**: the serializer path with the cheap fixes of bench/serializer_path.py;

each through the full Django request stack (django.test.Client, as bench/run.py measures
"ours") and as core work alone (queryset evaluation + serialization to Python data, no
HTTP), interleaved (A B C, C B A, ...) so that the load of a shared machine falls on all
three alike, each run followed by a full garbage collection timed apart (the cyclic garbage
a run leaves is reported, not charged to whichever run a collection happens to land in).
Before timing, the three must give the same JSON (page links aside). Also: CPU time, SQL
statements and SQL time per request, the steps from plain to improved on the rounds page of
50, and pyinstrument profiles of the rounds page on each path at the largest size
(bench/.data/readers-profile-*.txt, with the time per category in the tables). Results and
recommendation: bench/READERS.md.

Databases are bench/run.py's: one per size (bench_<size>), restored from its pg_dump cache in
bench/.data/ or generated (`manage.py generate_synthetic`), so DATABASE_URL must allow CREATE
DATABASE (``source .ci/postgres.sh && start_postgres`` gives one in $PG_URL). Writes
bench/.data/readers-last-run.json and the tables to bench/.data/readers-tables.md (--output).
Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import run as bench_run  # noqa: E402 (after the path set-up, for a plain script)

DATA = bench_run.DATA
AS_OF = "2024-01-01"
IMPLS = ("reader", "serializer", "improved")
SPARSE = {
    "rounds": "slug,title,status,start_date",
    "deadlines": "slug,title,date,deadline_status",
    "people": "slug,name,party",
}


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def percentile(values: list[float], pct: float) -> float:
    return bench_run.percentile(values, pct)


def stats(values: list[float]) -> dict:
    return {
        "median": statistics.median(values),
        "p90": percentile(values, 90),
        "min": min(values),
        "n": len(values),
    }


# =============================================================================================
# Worker: one size, in a fresh process
# =============================================================================================


class SQLClock:
    """Counts the SQL statements and the time spent executing them (psycopg fetches the
    result set in execute, so this includes its transfer, not the rows' conversion)."""

    def __init__(self):
        self.count, self.seconds = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - started


class GCClock:
    """The time spent in the garbage collector (gc.callbacks)."""

    def __init__(self):
        self.seconds, self.started = 0.0, 0.0

    def __call__(self, phase, info):
        if phase == "start":
            self.started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self.started


def targets() -> dict:
    """The detail records: the benchmark's round (bench/run.py), the deadline with the most
    citations, the person with the most aliases and roles."""
    from django.db.models import Count

    from negotiations import models

    deadline = (
        models.Deadline.objects.annotate(n=Count("citations"))
        .order_by("-n", "pk")
        .values_list("slug", flat=True)
        .first()
    )
    person = (
        models.Person.objects.annotate(n=Count("aliases", distinct=True) + Count("roles"))
        .order_by("-n", "pk")
        .values_list("slug", flat=True)
        .first()
    )
    return {"round": bench_run.find_targets()["round"], "deadline": deadline, "person": person}


def core_calls(resource: str, kind: str, target: str | None, fields, page_size: int) -> dict:
    """Each path's core work as two phases: fetch (the queryset evaluated: rows, or model
    objects with their prefetches) and build (the records as Python data)."""
    import datetime

    from bench import serializer_path as paths
    from negotiations.api import readers, views
    from negotiations.api import serializers as api

    as_of = datetime.date.fromisoformat(AS_OF)
    setup = {
        "rounds": (
            views.RoundViewSet,
            lambda rows: readers.read_rounds(rows, fields),
            api.RoundSerializer,
            paths.ImprovedRoundViewSet.serializer_class,
            paths.round_queryset,
        ),
        "deadlines": (
            views.DeadlineViewSet,
            lambda rows: readers.read_deadlines(rows, as_of, fields),
            api.DeadlineSerializer,
            paths.DeadlineSerializer,
            paths.deadline_queryset,
        ),
        "people": (
            views.PersonViewSet,
            lambda rows: readers.read_people(rows, fields),
            api.PersonSerializer,
            paths.PersonSerializer,
            paths.person_queryset,
        ),
    }
    viewset, read, plain_serializer, improved_serializer, improved_queryset = setup[resource]
    context = {"sparse_fields": fields} if fields else {}
    if resource == "deadlines":
        context["as_of"] = as_of

    def page(queryset):
        if kind == "detail":
            return queryset.filter(slug=target)[:1]
        return queryset[:page_size]

    def reader_fetch():
        return list(page(viewset.lean_queryset.values(*viewset.reader.columns)))

    def reader_build(rows):
        records = read(rows)
        return records[0] if kind == "detail" else records

    def serializer(queryset_of, serializer_class):
        def fetch():
            return list(page(queryset_of()))

        def build(objects):
            if kind == "detail":
                return serializer_class(objects[0], context=context).data
            return serializer_class(objects, many=True, context=context).data

        return fetch, build

    calls = {
        "reader": (reader_fetch, reader_build),
        "serializer": serializer(lambda: viewset.queryset, plain_serializer),
        "improved": serializer(lambda: improved_queryset(wanted=fields), improved_serializer),
    }
    if resource == "rounds" and kind == "list" and not fields and page_size == 50:
        for step in list(paths.ROUND_STEPS)[1:-1]:
            queryset_of, serializer_class = paths.round_variant(step)
            calls[f"step:{step}"] = serializer(queryset_of, serializer_class)
    return calls


def cases(found: dict) -> list[dict]:
    q = "?page_size=50"
    return [
        {"resource": "rounds", "case": "list, page of 50", "kind": "list", "query": q},
        {"resource": "rounds", "case": "list, page of 500", "kind": "list",
         "query": "?page_size=500", "page_size": 500, "large": True},
        {"resource": "rounds", "case": f"sparse ?fields={SPARSE['rounds']}", "kind": "list",
         "query": f"{q}&fields={SPARSE['rounds']}", "fields": SPARSE["rounds"]},
        {"resource": "rounds", "case": "detail", "kind": "detail", "target": found["round"]},
        {"resource": "deadlines", "case": "list, page of 50", "kind": "list",
         "query": f"{q}&as_of={AS_OF}"},
        {"resource": "deadlines", "case": f"sparse ?fields={SPARSE['deadlines']}",
         "kind": "list", "query": f"{q}&as_of={AS_OF}&fields={SPARSE['deadlines']}",
         "fields": SPARSE["deadlines"]},
        {"resource": "deadlines", "case": "detail", "kind": "detail",
         "target": found["deadline"], "query": f"?as_of={AS_OF}"},
        {"resource": "people", "case": "list, page of 50", "kind": "list", "query": q},
        {"resource": "people", "case": f"sparse ?fields={SPARSE['people']}", "kind": "list",
         "query": f"{q}&fields={SPARSE['people']}", "fields": SPARSE["people"]},
        {"resource": "people", "case": "detail", "kind": "detail", "target": found["person"]},
    ]  # fmt: skip


def urls(case: dict) -> dict:
    resource, query = case["resource"], case.get("query", "")
    tail = f"{case['target']}/" if case["kind"] == "detail" else ""
    sparse = "sparse/" if "fields" in case else ""  # the API's sparse URLs
    return {
        "reader": f"/api/v1/{sparse}{resource}/{tail}{query}",
        "serializer": f"/bench/{sparse}serializer/{resource}/{tail}{query}",
        "improved": f"/bench/{sparse}improved/{resource}/{tail}{query}",
    }


def normalized(data):
    """Python data as parsed JSON (what a client sees), rendered the way the API renders."""
    import orjson

    from negotiations.api.renderers import orjson_default

    return orjson.loads(orjson.dumps(data, default=orjson_default))


def interleaved(calls: dict, repeat: int, clocks, warmup: int = 3) -> dict:
    """``repeat`` timed runs of every call, in alternating order (A B C, C B A, ...); each
    call is a list of phases (functions, each given the previous one's result).

    After each run, gc.collect() frees the cyclic garbage the run left (model instances and
    their prefetch caches refer to each other: only the cyclic collector frees them), timed
    apart (its CPU ms and the objects freed): every run starts from the same collector
    state and pays only its own young-generation collections, none of another's garbage."""
    for phases in calls.values():
        for _ in range(warmup):
            run_phases(phases, clocks)
    gc.collect()
    samples = {name: [] for name in calls}
    names = list(calls)
    for index in range(repeat):
        for name in names if index % 2 == 0 else reversed(names):
            phases = run_phases(calls[name], clocks)
            cpu = time.process_time()
            freed = gc.collect()
            collect_ms = (time.process_time() - cpu) * 1000
            samples[name].append({"phases": phases, "collect_ms": collect_ms, "freed": freed})
    return samples


def run_phases(phases, clocks) -> list[dict]:
    """Per phase: wall ms, process CPU ms, ms in SQL, ms in the garbage collector, and
    SQL statements."""
    sql, collector = clocks
    value, measured = None, []
    for number, phase in enumerate(phases):
        count, sql_s, gc_s = sql.count, sql.seconds, collector.seconds
        cpu, started = time.process_time(), time.perf_counter()
        value = phase() if number == 0 else phase(value)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        measured.append(
            {
                "ms": elapsed * 1000,
                "cpu_ms": cpu * 1000,
                "sql_ms": (sql.seconds - sql_s) * 1000,
                "gc_ms": (collector.seconds - gc_s) * 1000,
                "queries": sql.count - count,
            }
        )
    return measured


MEASURES = ("ms", "cpu_ms", "sql_ms", "gc_ms")


def summarize(samples: list[dict]) -> dict:
    """Median, p90... of each measure over the runs; the phases' medians when several; the
    collection after each run (CPU ms, objects freed)."""
    runs = [sample["phases"] for sample in samples]
    result = {
        measure: stats([sum(phase[measure] for phase in run) for run in runs])
        for measure in MEASURES
    }
    result["queries"] = sum(phase["queries"] for phase in runs[0])
    result["collect_ms"] = stats([sample["collect_ms"] for sample in samples])
    result["freed"] = statistics.median(sample["freed"] for sample in samples)
    if len(runs[0]) > 1:
        result["phases"] = [
            {
                **{
                    measure: statistics.median(run[i][measure] for run in runs)
                    for measure in MEASURES
                },
                "queries": runs[0][i]["queries"],
            }
            for i in range(len(runs[0]))
        ]
    return result


def worker(size: str, out: Path, options: dict) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    override_settings(ROOT_URLCONF="bench.readers_urls").enable()
    client = Client()
    found = targets()
    clock, collector = SQLClock(), GCClock()
    gc.callbacks.append(collector)
    result = {
        "size": size,
        "targets": found,
        "counts": bench_run.table_counts(),
        "loadavg_start": loadavg(),
        "cases": [],
    }

    def get(url):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code} {response.content[:300]!r}")
        return response

    with connection.execute_wrapper(clock):
        for case in cases(found):
            if options.get("only") and case["resource"] not in options["only"]:
                continue
            fields = set(case["fields"].split(",")) if case.get("fields") else None
            repeat = options["repeat_large"] if case.get("large") else options["repeat"]
            row = {**case, "repeat": repeat, "loadavg": loadavg(), "http": {}, "core": {}}
            label = f"{case['resource']} {case['case']}"

            # Agreement first: the three paths must give the same JSON.
            addresses = urls(case)
            bodies = {impl: get(url).content for impl, url in addresses.items()}
            row["bytes"] = {impl: len(body) for impl, body in bodies.items()}
            docs = {
                impl: bench_run.comparable(json.loads(body), case["kind"] == "list")
                for impl, body in bodies.items()
            }
            row["http_diff"] = {
                impl: bench_run.first_difference(docs["reader"], docs[impl]) for impl in IMPLS[1:]
            }
            core = core_calls(
                case["resource"], case["kind"], case.get("target"), fields,
                case.get("page_size", 50),
            )  # fmt: skip
            made = {name: normalized(phases[1](phases[0]())) for name, phases in core.items()}
            row["core_diff"] = {
                name: bench_run.first_difference(made["reader"], made[name])
                for name in core
                if name != "reader"
            }
            if case["kind"] == "list":
                row["core_records"] = len(made["reader"])
            for where, diffs in (("HTTP", row["http_diff"]), ("core", row["core_diff"])):
                for name, diff in diffs.items():
                    if diff:
                        print(f"  ! {label}: {where} {name} differs from reader at {diff}")
            # Time with only what a server holds alive: the documents compared above would
            # make every full garbage collection of the timed runs slower.
            del bodies, docs, made
            gc.collect()

            http_calls = {impl: [lambda url=url: get(url)] for impl, url in addresses.items()}
            for impl, runs in interleaved(http_calls, repeat, (clock, collector)).items():
                row["http"][impl] = summarize(runs)
            gc.collect()
            for name, runs in interleaved(core, repeat, (clock, collector)).items():
                row["core"][name] = summarize(runs)
            http, core_ms = row["http"], row["core"]
            print(
                f"  {label:52} HTTP reader {http['reader']['ms']['median']:7.2f}  serializer "
                f"{http['serializer']['ms']['median']:7.2f}  improved "
                f"{http['improved']['ms']['median']:7.2f} ms | core "
                f"{core_ms['reader']['ms']['median']:7.2f} / "
                f"{core_ms['serializer']['ms']['median']:7.2f} / "
                f"{core_ms['improved']['ms']['median']:7.2f} ms | queries "
                f"{http['reader']['queries']}/{http['serializer']['queries']}/"
                f"{http['improved']['queries']}  load {row['loadavg']}",
                flush=True,
            )
            result["cases"].append(row)

    if options.get("profile"):
        result["profiles"] = profiles(client, size, options)
    result["loadavg_end"] = loadavg()
    out.write_text(json.dumps(result, indent=1, default=str))


# Where a profile's time goes: each sample goes to the innermost frame's category, a frame
# with none taking its caller's ("request stack and other" at the top).
PROFILE_CATEGORIES = (
    ("database driver (psycopg; waiting for PostgreSQL)", ("/psycopg/",), ()),
    (
        "model instances (from_db, __init__, select_related)",
        ("django/db/models/base.py", "django/db/models/query.py"),
        ("from_db", "__init__", "populate"),
    ),
    (
        "SQL compilation (Django)",
        ("django/db/models/sql/", "django/db/models/lookups.py", "related_lookups.py"),
        (),
    ),
    ("ORM: querysets, prefetching, related managers", ("django/db/",), ()),
    (
        "DRF serializer machinery",
        ("rest_framework/serializers.py", "rest_framework/fields.py", "rest_framework/relations"),
        (),
    ),
    ("serializer code (project, bench)", ("api/serializers.py", "bench/serializer_path.py"), ()),
    ("reader code", ("negotiations/api/readers.py", "negotiations/domain/"), ()),
    ("rendering (orjson)", ("renderers.py",), ()),
)
OTHER = "request stack and other"


def categorized(root) -> dict[str, float]:
    """Seconds of a pyinstrument frame tree per PROFILE_CATEGORIES."""
    totals: dict[str, float] = {}

    def category_of(frame, inherited: str) -> str:
        path = frame.file_path or ""
        for name, paths, functions in PROFILE_CATEGORIES:
            if any(part in path for part in paths) and (
                not functions or frame.function in functions
            ):
                return name
        return inherited

    stack = [(root, OTHER)]
    while stack:
        frame, inherited = stack.pop()
        category = category_of(frame, inherited)
        own = frame.time - sum(child.time for child in frame.children)
        totals[category] = totals.get(category, 0.0) + max(own, 0.0)
        stack.extend((child, category) for child in frame.children)
    return totals


def profiles(client, size: str, options: dict) -> list[dict]:
    """pyinstrument of the rounds page of 50 on each path, through HTTP and as core work;
    the text goes to bench/.data/readers-profile-<size>-<path>.txt, the time per category
    of PROFILE_CATEGORIES to the results."""
    from pyinstrument import Profiler

    from bench import serializer_path as paths
    from negotiations.api import readers, views
    from negotiations.api import serializers as api

    rounds = views.RoundViewSet
    targets = {
        "reader-http": lambda: client.get("/api/v1/rounds/?page_size=50"),
        "serializer-http": lambda: client.get("/bench/serializer/rounds/?page_size=50"),
        "improved-http": lambda: client.get("/bench/improved/rounds/?page_size=50"),
        "reader-core": lambda: readers.read_rounds(
            list(rounds.lean_queryset.values(*rounds.reader.columns)[:50])
        ),
        "serializer-core": lambda: api.RoundSerializer(list(rounds.queryset[:50]), many=True).data,
        "improved-core": lambda: (
            paths.ImprovedRoundViewSet.serializer_class(
                list(paths.round_queryset()[:50]), many=True
            ).data
        ),
    }
    found = []
    DATA.mkdir(parents=True, exist_ok=True)
    for name, call in targets.items():
        call()
        gc.collect()
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(options["profile_repeat"]):
            call()
        profiler.stop()
        path = DATA / f"readers-profile-{size}-{name}.txt"
        path.write_text(profiler.output_text(unicode=False, color=False, show_all=False))
        totals = categorized(profiler.last_session.root_frame())
        whole = sum(totals.values()) or 1.0
        found.append(
            {
                "name": name,
                "path": str(path.relative_to(ROOT)),
                "ms_per_call": whole * 1000 / options["profile_repeat"],
                "shares": {key: value / whole for key, value in totals.items()},
            }
        )
        print(f"  profile {name}: {path.relative_to(ROOT)}", flush=True)
    return found


def profile_table(result: dict) -> list[str]:
    found = result.get("profiles") or []
    if not found:
        return []
    names = [category for category, _, _ in PROFILE_CATEGORIES] + [OTHER]
    lines = [
        f"Where the time of the rounds page of 50 goes ({result['size']}, pyinstrument, "
        "share of the samples; profiles in bench/.data/readers-profile-*.txt):",
        "",
        "| category | " + " | ".join(entry["name"] for entry in found) + " |",
        "|---|" + "---:|" * len(found),
    ]
    for name in names:
        lines.append(
            f"| {name} | "
            + " | ".join(f"{entry['shares'].get(name, 0) * 100:.0f}%" for entry in found)
            + " |"
        )
    lines.append(
        "| ms per call (wall, profiled) | "
        + " | ".join(f"{entry['ms_per_call']:.0f}" for entry in found)
        + " |"
    )
    return [*lines, ""]


# =============================================================================================
# Orchestrator
# =============================================================================================


def database_ready(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            return conn.execute("SELECT count(*) FROM negotiations_round").fetchone()[0] > 0
    except psycopg.Error:
        return False


def ms(entry: dict) -> str:
    return f"{entry['ms']['median']:.1f} / {entry['ms']['p90']:.1f}"


def ratio(case: dict, where: str, impl: str, measure: str = "ms") -> str:
    paths = case[where]
    return f"{paths[impl][measure]['median'] / paths['reader'][measure]['median']:.1f}x"


def cpu_ratios(case: dict, where: str) -> str:
    return (
        f"{ratio(case, where, 'serializer', 'cpu_ms')} / {ratio(case, where, 'improved', 'cpu_ms')}"
    )


def same(case: dict) -> str:
    diffs = [*case["http_diff"].values(), *case["core_diff"].values()]
    return "yes" if not any(diffs) else "**no**"


def joined(paths: dict, key, digits: int = 1) -> str:
    return "/".join(f"{key(paths[impl]):.{digits}f}" for impl in IMPLS)


def tables(report: dict) -> str:
    """The results as Markdown tables."""
    lines = []
    for size, result in report["sizes"].items():
        counts = result["counts"]
        lines += [
            f"### {size}: {counts['rounds']:,} rounds, {counts['agenda_items']:,} agenda items, "
            f"{counts['participants']:,} participants, {counts['deadlines']:,} deadlines, "
            f"{counts['people']:,} people",
            "",
            f"Load average {result['loadavg_start']} at the start, {result['loadavg_end']} at "
            f"the end (1, 5, 15 min; 2 CPUs shared). Times: median / p90 ms of "
            f"{report['repeat']} interleaved runs ({report['repeat_large']} for the page of "
            "500); ratios: medians ÷ the reader's; CPU: this process's CPU time (the load of "
            "other processes aside).",
            "",
            "Through the full request stack (django.test.Client):",
            "",
            "| resource | case | reader | serializer | improved | serializer ÷ reader | "
            "improved ÷ reader | CPU ratios s / i | queries r/s/i | same JSON |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for case in result["cases"]:
            http = case["http"]
            lines.append(
                f"| {case['resource']} | {case['case']} | {ms(http['reader'])} | "
                f"{ms(http['serializer'])} | {ms(http['improved'])} | "
                f"{ratio(case, 'http', 'serializer')} | {ratio(case, 'http', 'improved')} | "
                f"{cpu_ratios(case, 'http')} | "
                f"{'/'.join(str(http[impl]['queries']) for impl in IMPLS)} | {same(case)} |"
            )
        lines += [
            "",
            "Core work alone (queryset evaluation + serialization to Python data: no HTTP, "
            "no pagination count, no rendering):",
            "",
            "| resource | case | reader | serializer | improved | serializer ÷ reader | "
            "improved ÷ reader | CPU ratios s / i | SQL ms r/s/i | queries r/s/i |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for case in result["cases"]:
            core = case["core"]
            lines.append(
                f"| {case['resource']} | {case['case']} | {ms(core['reader'])} | "
                f"{ms(core['serializer'])} | {ms(core['improved'])} | "
                f"{ratio(case, 'core', 'serializer')} | {ratio(case, 'core', 'improved')} | "
                f"{cpu_ratios(case, 'core')} | "
                f"{joined(core, lambda path: path['sql_ms']['median'])} | "
                f"{'/'.join(str(core[impl]['queries']) for impl in IMPLS)} |"
            )
        lines += [
            "",
            "Where the core time goes (medians, ms). SQL: in the driver (wall); fetch: the "
            "queryset evaluated (rows, or model objects with their prefetches), build: the "
            "records made from them, both as this process's CPU time; GC: young-generation "
            "collections during the run (wall, part of the above); left for GC: the cyclic "
            "garbage the run left, objects, and the CPU ms of the full collection that freed "
            "it (a full collection costs about the reader's figure with nothing to free). "
            "step:x: the improvements of bench/serializer_path.py up to x.",
            "",
            "| resource | case | path | wall | CPU | SQL | fetch CPU | build CPU | GC | "
            "left for GC |",
            "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for case in result["cases"]:
            for name, entry in case["core"].items():
                fetch, build = entry["phases"]
                lines.append(
                    f"| {case['resource']} | {case['case']} | {name} | "
                    f"{entry['ms']['median']:.1f} | {entry['cpu_ms']['median']:.1f} | "
                    f"{entry['sql_ms']['median']:.1f} | {fetch['cpu_ms']:.1f} | "
                    f"{build['cpu_ms']:.1f} | {entry['gc_ms']['median']:.1f} | "
                    f"{entry['freed']:,.0f} / {entry['collect_ms']['median']:.0f} ms |"
                )
        lines.append("")
        lines += profile_table(result)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="small,medium")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=60, help="timed runs per path and case")
    parser.add_argument("--repeat-large", type=int, default=15, help="for the page of 500")
    parser.add_argument("--profile-repeat", type=int, default=20)
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--no-cache", action="store_true", help="regenerate, do not pg_dump")
    parser.add_argument(
        "--reuse", action="store_true", help="use bench_<size> as it is when it holds data"
    )
    parser.add_argument("--only", help="comma-separated resources (rounds,deadlines,people)")
    parser.add_argument("--output", default=str(bench_run.DATA / "readers-tables.md"))
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--worker-options", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        worker(args.worker, Path(args.result), json.loads(args.worker_options))
        return

    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must point to PostgreSQL (see this script's docstring).")
    os.environ.update({k: v for k, v in bench_run.BENCH_ENV.items() if k not in os.environ})
    sizes = [size.strip() for size in args.sizes.split(",") if size.strip()]
    report = {
        "machine": bench_run.machine(),
        "postgres": bench_run.postgres_version(base_url),
        "repeat": args.repeat,
        "repeat_large": args.repeat_large,
        "sizes": {},
    }
    print(f"Readers vs serializers on PostgreSQL {report['postgres']}, sizes {', '.join(sizes)}")
    for size in sizes:
        print(f"\n== {size} (load average {loadavg()})", flush=True)
        url = bench_run.database_url(base_url, f"bench_{size}")
        if not (args.reuse and database_ready(url)):
            url = bench_run.prepare_database(base_url, size, args.seed, not args.no_cache)["url"]
        options = {
            "repeat": args.repeat,
            "repeat_large": args.repeat_large,
            "profile": not args.no_profile and size == sizes[-1],
            "profile_repeat": args.profile_repeat,
            "only": args.only.split(",") if args.only else None,
        }
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
            result_path = Path(handle.name)
        subprocess.run(
            [sys.executable, __file__, "--worker", size, "--result", str(result_path),
             "--worker-options", json.dumps(options)],
            env={**os.environ, **bench_run.BENCH_ENV, "DATABASE_URL": url},
            check=True, cwd=ROOT,
        )  # fmt: skip
        report["sizes"][size] = json.loads(result_path.read_text())
        result_path.unlink()
    report["machine"]["loadavg_end"] = loadavg()
    DATA.mkdir(parents=True, exist_ok=True)
    (DATA / "readers-last-run.json").write_text(json.dumps(report, indent=1, default=str))
    text = tables(report)
    Path(args.output).write_text(text)
    print(f"\n{text}\nWrote {args.output} and {DATA / 'readers-last-run.json'}")


if __name__ == "__main__":
    main()
