"""The benchmark: ours vs naive vs floor on the hot endpoints, at several data sizes.

    bash bench/run.sh [--sizes small,medium,large] [--quick] [--output bench/RESULTS.md]

(`make bench`). Needs a PostgreSQL in DATABASE_URL (bench/run.sh starts a throwaway one
when it is unset); creates one database per size (bench_<size>), migrates and generates the
synthetic data set (bench/synthetic.py) or restores it from a pg_dump cache in
bench/.data/, then measures each endpoint in a fresh process (`--worker`), the real server
(gunicorn, 2 workers) under a bounded load on loopback, EXPLAINs the hot queries at the
largest size and profiles the slowest endpoint. Writes bench/RESULTS.md.

Nothing here asserts a time: the benchmark reports ratios measured in one run.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import http.client
import itertools
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"
PYTHON = sys.executable
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Settings for every Django process of the benchmark: production mode, no throttling (the
# load would trip it), no HTTPS redirect (plain HTTP on loopback), persistent connections.
BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "tracker.settings",
    "DEBUG": "0",
    "SECRET_KEY": "benchmark-only-secret-key-not-for-production-0123456789",
    "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_HSTS_SECONDS": "0",
    "THROTTLE_ANON": "off",
    "THROTTLE_USER": "off",
    "CONN_MAX_AGE": "600",
    "LOG_LEVEL": "WARNING",
}

FLAGSHIP = "syn-neg-00000"
RARE_AREA = "syn-area-36"
AS_OF = "2024-01-01"


# =============================================================================================
# Worker: one size, in-process measurements through the full Django request stack
# =============================================================================================


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def endpoints(targets: dict) -> list[dict]:
    """The hot endpoints: (ours URL, naive URL, floor call), all giving the same JSON."""
    from bench import floor

    r, n, a = targets["round"], FLAGSHIP, RARE_AREA
    search = targets["search"]
    listing = {"status": "held", "level": "ministerial"}
    q = urllib.parse.urlencode
    return [
        {
            "name": "rounds list, negotiation filter",
            "key": "rounds_negotiation",
            "ours": f"/api/v1/rounds/?negotiation={n}",
            "naive": f"/bench/naive/rounds/?negotiation={n}",
            "floor": lambda c: floor.rounds_list(c, {"negotiation": n}),
            "page": True,
        },
        {
            "name": "rounds list, status+level, first page",
            "key": "rounds_first",
            "ours": f"/api/v1/rounds/?{q(listing)}",
            "naive": f"/bench/naive/rounds/?{q(listing)}",
            "floor": lambda c: floor.rounds_list(c, dict(listing)),
            "page": True,
        },
        {
            "name": "rounds list, status+level, last page",
            "key": "rounds_last",
            "ours": f"/api/v1/rounds/?{q({**listing, 'page': 'last'})}",
            "naive": f"/bench/naive/rounds/?{q({**listing, 'page': 'last'})}",
            "floor": lambda c: floor.rounds_list(c, {**listing, "page": "last"}),
            "page": True,
        },
        {
            "name": "round detail",
            "key": "round_detail",
            "ours": f"/api/v1/rounds/{r}/",
            "naive": f"/bench/naive/rounds/{r}/",
            "floor": lambda c: floor.round_detail(c, r),
        },
        {
            "name": "round agenda-changes",
            "key": "round_changes",
            "ours": f"/api/v1/rounds/{r}/agenda-changes/",
            "naive": f"/bench/naive/rounds/{r}/agenda-changes/",
            "floor": lambda c: floor.round_agenda_changes(c, r),
        },
        {
            "name": "negotiation agenda-changes",
            "key": "negotiation_changes",
            "ours": f"/api/v1/negotiations/{n}/agenda-changes/",
            "naive": f"/bench/naive/negotiations/{n}/agenda-changes/",
            "floor": lambda c: floor.negotiation_agenda_changes(c, n),
        },
        {
            "name": "agenda matrix",
            "key": "agenda_matrix",
            "ours": f"/api/v1/negotiations/{n}/agenda-matrix/",
            "naive": f"/bench/naive/negotiations/{n}/agenda-matrix/",
            "floor": lambda c: floor.agenda_matrix(c, n),
        },
        {
            "name": "area history (rare area)",
            "key": "area_history",
            "ours": f"/api/v1/agenda-areas/{a}/history/",
            "naive": f"/bench/naive/agenda-areas/{a}/history/",
            "floor": lambda c: floor.area_history(c, a),
            "page": True,
        },
        {
            "name": "deadlines list, upcoming",
            "key": "deadlines",
            "ours": f"/api/v1/deadlines/?as_of={AS_OF}&upcoming=true",
            "naive": f"/bench/naive/deadlines/?as_of={AS_OF}&upcoming=true",
            "floor": lambda c: floor.deadlines_list(c, {"as_of": AS_OF, "upcoming": "true"}),
            "page": True,
        },
        {
            "name": "people search by alias",
            "key": "people_search",
            "ours": f"/api/v1/people/?{q({'search': search})}",
            "naive": f"/bench/naive/people/?{q({'search': search})}",
            "floor": lambda c: floor.people_search(c, {"search": search}),
            "page": True,
        },
    ]


def find_targets() -> dict:
    from negotiations.models import PersonAlias, Round

    round_slug = (
        Round.objects.filter(negotiation__slug=FLAGSHIP, status="held", agenda_status="reported")
        .order_by("-sequence")
        .values_list("slug", flat=True)
        .first()
    )
    alias = (
        PersonAlias.objects.filter(person__slug__startswith="syn-person-")
        .order_by("pk")
        .values_list("name", flat=True)
        .first()
    )
    return {"round": round_slug, "search": alias}


def first_difference(a, b, path="$") -> str | None:
    """Where two parsed JSON documents differ, or None."""
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} != {type(b).__name__} ({str(a)[:80]} vs {str(b)[:80]})"
    if isinstance(a, dict):
        if a.keys() != b.keys():
            return f"{path}: keys differ: {sorted(a.keys() ^ b.keys())}"
        for key in a:
            found = first_difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = first_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if a == b else f"{path}: {str(a)[:80]!r} != {str(b)[:80]!r}"


def comparable(doc, page: bool):
    """Page links name the URL they were served from: everything else is compared."""
    if page and isinstance(doc, dict):
        return {key: value for key, value in doc.items() if key not in ("next", "previous")}
    return doc


def agreement_checks(sweep: bool = False) -> list[dict]:
    """Further requests, untimed, on which the three implementations must agree: the
    evidence the timed endpoints may not exercise on the benchmark's negotiation. The rounds
    and areas with disputes (the negotiation with the most disagreements about agendas:
    its disputed rounds and the rounds after them, its matrix), include_planned, and area
    history pages. With ``sweep`` (``--check``): also every round of that negotiation, and
    every negotiation, round and area of the hand-written seed data (stated annotations,
    a dispute about a whole agenda) when it is loaded."""
    from django.db.models import Count, Q

    from bench import floor
    from negotiations.models import AgendaArea, Disagreement, Negotiation, Round

    checks: list[dict] = []
    planned_query = {False: "", True: "?include_planned=true"}

    def add(name, ours, naive, call, page=False):
        checks.append({"name": name, "ours": ours, "naive": naive, "floor": call, "page": page})

    def negotiation(slug, planned, matrix=True):
        q = planned_query[planned]
        add(f"negotiation agenda-changes {slug}{q}",
            f"/api/v1/negotiations/{slug}/agenda-changes/{q}",
            f"/bench/naive/negotiations/{slug}/agenda-changes/{q}",
            lambda c: floor.negotiation_agenda_changes(c, slug, planned))  # fmt: skip
        if not matrix:
            return
        add(f"agenda matrix {slug}{q}",
            f"/api/v1/negotiations/{slug}/agenda-matrix/{q}",
            f"/bench/naive/negotiations/{slug}/agenda-matrix/{q}",
            lambda c: floor.agenda_matrix(c, slug, planned))  # fmt: skip

    def rounds_list(slug):
        add(f"rounds list ?negotiation={slug}",
            f"/api/v1/rounds/?negotiation={slug}",
            f"/bench/naive/rounds/?negotiation={slug}",
            lambda c: floor.rounds_list(c, {"negotiation": slug}), page=True)  # fmt: skip

    def round_detail(slug):
        add(f"round detail {slug}", f"/api/v1/rounds/{slug}/", f"/bench/naive/rounds/{slug}/",
            lambda c: floor.round_detail(c, slug))  # fmt: skip

    def round_changes(slug, planned):
        q = planned_query[planned]
        add(f"round agenda-changes {slug}{q}",
            f"/api/v1/rounds/{slug}/agenda-changes/{q}",
            f"/bench/naive/rounds/{slug}/agenda-changes/{q}",
            lambda c: floor.round_agenda_changes(c, slug, planned))  # fmt: skip

    def history(slug, query):
        q = f"?{urllib.parse.urlencode(query)}" if query else ""
        add(f"area history {slug}{q}",
            f"/api/v1/agenda-areas/{slug}/history/{q}",
            f"/bench/naive/agenda-areas/{slug}/history/{q}",
            lambda c: floor.area_history(c, slug, query), page=True)  # fmt: skip

    def page_of(area_slug, negotiation_slug) -> int:
        """The page of an area's history (one negotiation per page) that shows this one."""
        order = list(
            Negotiation.objects.filter(rounds__agenda_area_links__area__slug=area_slug)
            .distinct()
            .order_by("title", "pk")
            .values_list("slug", flat=True)
        )
        return order.index(negotiation_slug) + 1

    about_agendas = Disagreement.objects.filter(round__isnull=False).filter(
        Q(topic="agenda") | Q(area__isnull=False)
    )
    busiest = (
        about_agendas.values("round__negotiation__slug")
        .annotate(n=Count("id"))
        .order_by("-n", "round__negotiation__slug")
        .first()
    )
    if busiest:
        slug = busiest["round__negotiation__slug"]
        negotiation(slug, False)
        rounds = list(
            Round.objects.filter(negotiation__slug=slug)
            .order_by("sequence")
            .values_list("slug", flat=True)
        )
        disputed = set(about_agendas.values_list("round__slug", flat=True))
        for index, round_slug in enumerate(rounds):
            after_disputed = index > 0 and rounds[index - 1] in disputed
            if sweep or round_slug in disputed or after_disputed:
                round_changes(round_slug, False)
        for dispute in about_agendas.filter(round__negotiation__slug=slug, area__isnull=False)[:1]:
            area = dispute.area.slug
            history(area, {"page_size": 1, "page": page_of(area, slug)})
    # A dispute about a whole agenda: its round, and the next one, compared with it.
    whole = about_agendas.filter(area__isnull=True).order_by("pk").first()
    if whole is not None:
        later = Round.objects.filter(
            negotiation_id=whole.round.negotiation_id, sequence__gt=whole.round.sequence
        ).order_by("sequence")
        for round_slug in [whole.round.slug, *later.values_list("slug", flat=True)[:1]]:
            round_changes(round_slug, False)
        round_detail(whole.round.slug)
    negotiation(FLAGSHIP, True, matrix=False)  # the naive matrix takes seconds
    history(RARE_AREA, {"page_size": 1, "page": 2, "include_planned": "true"})
    if sweep:
        seeded = Negotiation.objects.exclude(slug__startswith="syn-").order_by("slug")
        for slug in seeded.values_list("slug", flat=True):
            rounds_list(slug)
            for planned in (False, True):
                negotiation(slug, planned)
            for round_slug in Round.objects.filter(negotiation__slug=slug).values_list(
                "slug", flat=True
            ):
                for planned in (False, True):
                    round_changes(round_slug, planned)
        areas = AgendaArea.objects.filter(item_links__round__negotiation__in=seeded).distinct()
        for area in areas.order_by("slug").values_list("slug", flat=True):
            history(area, {})
    return checks


def agree(get, conn, check: dict) -> dict:
    """Ours, naive and floor on one request: the first difference of each from ours."""
    ours = comparable(json.loads(get(check["ours"]).content), check["page"])
    naive = comparable(json.loads(get(check["naive"]).content), check["page"])
    floor_doc = comparable(json.loads(check["floor"](conn)), check["page"])
    return {
        "name": check["name"],
        "url": check["ours"],
        "naive_diff": first_difference(ours, naive),
        "floor_diff": first_difference(ours, floor_doc),
    }


def run_checks(get, conn, checks: list[dict], log) -> list[dict]:
    results = [agree(get, conn, check) for check in checks]
    for row in results:
        for label in ("naive", "floor"):
            if row[f"{label}_diff"]:
                log(f"  ! {row['name']}: {label} differs from ours at {row[f'{label}_diff']}")
    bad = sum(1 for row in results if row["naive_diff"] or row["floor_diff"])
    log(f"  agreement checks: {len(results)} requests, {bad} with a difference")
    return results


class Timer:
    """Runs one implementation: N timed calls after warm-up, within a time budget."""

    def __init__(self, call, warmup: int, count: int, budget: float, minimum: int = 3):
        self.call, self.warmup, self.count, self.budget = call, warmup, count, budget
        self.minimum = minimum

    def run(self) -> list[float]:
        for _ in range(self.warmup):
            self.call()
        samples: list[float] = []
        deadline = time.perf_counter() + self.budget
        while len(samples) < self.count and (
            len(samples) < self.minimum or time.perf_counter() < deadline
        ):
            started = time.perf_counter()
            self.call()
            samples.append((time.perf_counter() - started) * 1000)
        return samples


def summary(samples: list[float]) -> dict:
    return {
        "median_ms": statistics.median(samples),
        "p95_ms": percentile(samples, 95),
        "min_ms": min(samples),
        "n": len(samples),
    }


class QueryCount:
    """Counts the SQL statements run on a connection (CaptureQueriesContext keeps only the
    last 9,000, fewer than some naive requests run)."""

    def __init__(self, connection):
        self.connection, self.count = connection, 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self.wrapper = self.connection.execute_wrapper(self)
        self.wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        return self.wrapper.__exit__(*exc)

    def __len__(self) -> int:
        return self.count


def peak_memory(call) -> int:
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def worker(size: str, out: Path, options: dict) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from bench import floor
    from negotiations.api import caching

    real_code_version = caching.code_version
    misses = itertools.count()
    override = override_settings(ROOT_URLCONF="bench.urls")
    override.enable()
    client = Client()
    conn = floor.connect(os.environ["DATABASE_URL"])
    targets = find_targets()
    results = {"size": size, "targets": targets, "endpoints": [], "counts": table_counts()}
    log = options["log"]

    def get(url, **headers):
        response = client.get(url, **headers)
        if response.status_code not in (200, 304):
            raise RuntimeError(f"{url}: {response.status_code} {response.content[:300]!r}")
        return response

    if options.get("check"):
        # Agreement only, nothing timed: the benchmarked endpoints, then the further checks.
        timed = [
            {**endpoint, "page": endpoint.get("page", False)} for endpoint in endpoints(targets)
        ]
        results["checks"] = run_checks(get, conn, timed + agreement_checks(sweep=True), log)
        out.write_text(json.dumps(results, indent=1, default=str))
        return

    baseline = {}
    for label, url in (("django", "/bench/noop/django/"), ("drf", "/bench/noop/drf/")):
        baseline[label] = summary(Timer(lambda url=url: get(url), 5, 200, 10).run())
        log(f"  empty request ({label}): {baseline[label]['median_ms']:.2f} ms")
    results["baseline"] = baseline

    for endpoint in endpoints(targets):
        if options.get("only") and endpoint["key"] not in options["only"]:
            continue
        name = endpoint["name"]
        row: dict = {"name": name, "key": endpoint["key"], "url": endpoint["ours"]}
        ours_response = get(endpoint["ours"])
        ours = json.loads(ours_response.content)
        row["bytes"] = len(ours_response.content)
        page = endpoint.get("page", False)
        naive_body = json.loads(get(endpoint["naive"]).content)
        floor_body = json.loads(endpoint["floor"](conn))
        row["naive_diff"] = first_difference(comparable(ours, page), comparable(naive_body, page))
        row["floor_diff"] = first_difference(comparable(ours, page), comparable(floor_body, page))
        for label, diff in (("naive", row["naive_diff"]), ("floor", row["floor_diff"])):
            if diff:
                log(f"  ! {name}: {label} differs from ours at {diff}")

        def cold(url=endpoint["ours"]):
            # Every request computes its answer, as on a miss: its key is new (a code version
            # of its own), so it pays the cache's get that misses and the set, nothing more.
            fresh = f"bench-cold-{next(misses)}"
            caching.code_version = lambda: fresh
            try:
                return get(url)
            finally:
                caching.code_version = real_code_version

        calls = {
            "ours": cold,
            # The same request again: its answer from the cache (negotiations/api/caching.py).
            "ours_warm": lambda url=endpoint["ours"]: get(url),
            "naive": lambda url=endpoint["naive"]: get(url),
            "floor": lambda fn=endpoint["floor"]: fn(conn),
        }
        for impl, call in calls.items():
            if impl == "ours_warm":
                call()  # stored: what follows, counted and timed, is answered from the cache
            if impl == "naive" and options.get("naive_light"):
                # --quick: one naive request, timed, with its queries counted; no memory.
                with QueryCount(connection) as queries:
                    started = time.perf_counter()
                    call()
                    elapsed = (time.perf_counter() - started) * 1000
                row[impl] = {**summary([elapsed]), "peak_bytes": None, "queries": len(queries)}
                continue
            # One untimed call that also counts the SQL queries and the peak memory (it warms
            # up the path; tracemalloc slows it, so it is never one of the timed samples).
            with QueryCount(connection) as queries:
                peak = peak_memory(call)
            query_count = len(queries)
            if impl == "naive":
                samples = Timer(call, 0, options["requests"], options["naive_budget"],
                                options["naive_min"])  # fmt: skip
            else:
                samples = Timer(call, 2, options["requests"], options["budget"])
            row[impl] = summary(samples.run())
            row[impl]["peak_bytes"] = peak
            row[impl]["queries"] = 1 if impl == "floor" else query_count
        row["ours_vs_floor"] = row["ours"]["median_ms"] / row["floor"]["median_ms"]
        row["warm_vs_floor"] = row["ours_warm"]["median_ms"] / row["floor"]["median_ms"]
        row["naive_vs_ours"] = row["naive"]["median_ms"] / row["ours"]["median_ms"]
        own = row["ours"]["median_ms"] - baseline["drf"]["median_ms"]
        row["ours_work_vs_floor"] = max(own, 0) / row["floor"]["median_ms"]
        row["etag"] = conditional_get(client, endpoint["ours"], ours_response, options)
        log(
            f"  {name:40} ours {row['ours']['median_ms']:8.1f} ms  "
            f"warm {row['ours_warm']['median_ms']:6.2f} ms  "
            f"naive {row['naive']['median_ms']:9.1f} ms  floor {row['floor']['median_ms']:7.1f} ms"
            f"  queries {row['ours']['queries']}/{row['naive']['queries']}"
        )
        results["endpoints"].append(row)

    if not options.get("only"):
        results["checks"] = run_checks(get, conn, agreement_checks(), log)
    results["keyset"] = keyset_pages(client, connection, options)
    if options.get("explain"):
        results["explain"] = explain_hot_queries(client, targets)
    if options.get("profile"):
        slowest = max(results["endpoints"], key=lambda row: row["ours"]["median_ms"])
        results["profile"] = profile(client, slowest, options)
    out.write_text(json.dumps(results, indent=1, default=str))


def keyset_pages(client, connection, options) -> dict:
    """Ours only: ?cursor= keyset pagination, first page and the deepest page (reached by
    following `next` to the end), against page numbers (count + OFFSET)."""
    from django.test.utils import CaptureQueriesContext

    base = "/api/v1/rounds/?status=held&level=ministerial&cursor="
    response = client.get(base)
    if response.status_code != 200 or "next" not in json.loads(response.content):
        return {"implemented": False}
    url, pages = base, 1
    while pages < 5000:
        following = json.loads(client.get(url).content).get("next")
        if not following:
            break
        parts = urllib.parse.urlsplit(following)
        url, pages = f"{parts.path}?{parts.query}", pages + 1
    result = {"implemented": True, "pages": pages}
    for label, target in (("first", base), ("deepest", url)):
        with CaptureQueriesContext(connection) as queries:
            client.get(target)
        count = len(queries)
        samples = Timer(lambda t=target: client.get(t), 2, options["requests"], options["budget"])
        result[label] = {**summary(samples.run()), "queries": count, "url": target}
    log(
        f"  keyset: first page {result['first']['median_ms']:.1f} ms, page {pages} "
        f"{result['deepest']['median_ms']:.1f} ms"
    )
    return result


def table_counts() -> dict:
    from negotiations import models

    return {
        "negotiations": models.Negotiation.objects.count(),
        "rounds": models.Round.objects.count(),
        "agenda_items": models.AgendaItem.objects.count(),
        "agenda_item_areas": models.AgendaItemArea.objects.count(),
        "participants": models.Participant.objects.count(),
        "citations": models.Citation.objects.count(),
        "people": models.Person.objects.count(),
        "deadlines": models.Deadline.objects.count(),
        "positions": models.Position.objects.count(),
    }


def conditional_get(client, url: str, first, options) -> dict:
    etag = first.headers.get("ETag")
    if not etag:
        return {"implemented": False}
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    result = {"implemented": True, "status": response.status_code}
    if response.status_code == 304:
        samples = Timer(
            lambda: client.get(url, HTTP_IF_NONE_MATCH=etag),
            warmup=2,
            count=options["requests"],
            budget=options["budget"],
        ).run()
        result.update(summary(samples))
    return result


def explain_hot_queries(client, targets) -> list[dict]:
    """EXPLAIN every SQL statement the project's endpoints run; report sequential scans."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sizes = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples::bigint FROM pg_class WHERE relkind = 'r' "
            "AND relnamespace = 'public'::regnamespace"
        )
        sizes = dict(cursor.fetchall())
    findings = []
    for endpoint in endpoints(targets):
        with CaptureQueriesContext(connection) as queries:
            client.get(endpoint["ours"])
        for query in list(queries):
            sql = query["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0]
            if isinstance(plan, str):
                plan = json.loads(plan)
            scans, sorts = [], []

            def walk(node, scans=scans, sorts=sorts):
                kind = node.get("Node Type")
                if kind == "Seq Scan":
                    relation = node.get("Relation Name")
                    scans.append(
                        {
                            "table": relation,
                            "rows": sizes.get(relation, 0),
                            "filter": node.get("Filter", ""),
                        }
                    )
                if kind in ("Sort", "Unique", "Aggregate", "Incremental Sort") and (
                    node.get("Plan Rows", 0) > 5000
                    or any(child.get("Plan Rows", 0) > 5000 for child in node.get("Plans", []))
                ):
                    rows = max([node.get("Plan Rows", 0)] + [
                        child.get("Plan Rows", 0) for child in node.get("Plans", [])
                    ])  # fmt: skip
                    sorts.append({"node": kind, "rows": rows, "key": node.get("Sort Key", "")})
                for child in node.get("Plans", []):
                    walk(child)

            walk(plan[0]["Plan"])
            findings.append(
                {
                    "endpoint": endpoint["name"],
                    "sql": sql[:400],
                    "cost": plan[0]["Plan"]["Total Cost"],
                    "seq_scans": scans,
                    "big_sorts": sorts,
                }
            )
    return findings


def profile(client, row: dict, options) -> dict:
    """Where the time of the slowest endpoint goes (pyinstrument, else cProfile)."""
    url, repeat = row["url"], options["profile_repeat"]
    try:
        from pyinstrument import Profiler
    except ImportError:
        Profiler = None
    if Profiler is not None:
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(repeat):
            client.get(url)
        profiler.stop()
        text = profiler.output_text(unicode=False, color=False, show_all=False)
        tool = "pyinstrument"
    else:
        import cProfile
        import io
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(repeat):
            client.get(url)
        profiler.disable()
        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(40)
        text = buffer.getvalue()
        tool = "cProfile"
    return {"endpoint": row["name"], "url": url, "repeat": repeat, "tool": tool, "text": text}


# =============================================================================================
# Orchestrator: databases, workers, the real server, RESULTS.md
# =============================================================================================


def log(message: str) -> None:
    print(message, flush=True)


def database_url(base: str, name: str) -> str:
    parts = urllib.parse.urlsplit(base)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def cache_key(size: str, seed: int) -> str:
    digest = hashlib.sha256(f"{size}:{seed}".encode())
    for path in sorted(
        [
            ROOT / "bench" / "synthetic.py",
            *(ROOT / "negotiations" / "migrations").glob("*.py"),
        ]
    ):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def pg_tool(name: str) -> str:
    bindir = os.environ.get("PG_BINDIR")
    if bindir and (Path(bindir) / name).exists():
        return str(Path(bindir) / name)
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: install PostgreSQL client tools")
    return found


def run(command: list[str], env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, env=env, check=True, cwd=ROOT, **kwargs)


def prepare_database(
    base_url: str, size: str, seed: int, use_cache: bool, name: str | None = None
) -> dict:
    """A database with the size's synthetic data: restored from cache, or generated."""
    import psycopg

    name = name or f"bench_{size}"
    url = database_url(base_url, name)
    admin = database_url(base_url, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, **BENCH_ENV, "DATABASE_URL": url}
    dump = DATA / f"{size}-seed{seed}-{cache_key(size, seed)}.dump"
    meta = dump.with_suffix(".json")
    if use_cache and dump.exists() and meta.exists():
        started = time.perf_counter()
        run([pg_tool("pg_restore"), "--no-owner", "-j", "2", "-d", url, str(dump)], env=env)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ANALYZE")
        info = json.loads(meta.read_text())
        info["restored_s"] = time.perf_counter() - started
        info["from_cache"] = True
        log(f"  restored {size} from {dump.name} in {info['restored_s']:.1f} s")
        return {"url": url, **info}
    started = time.perf_counter()
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env=env)
    migrate_s = time.perf_counter() - started
    generate_s, rows = generate(size, seed, env)
    info = {
        "migrate_s": migrate_s,
        "generate_s": generate_s,
        "rows": rows,
        "method": "copy",
        "measured": datetime.date.today().isoformat(),
        "from_cache": False,
    }
    log(
        f"  generated {size}: {info['rows']:,} rows in {generate_s:.1f} s "
        f"(migrate {migrate_s:.1f} s)"
    )
    if use_cache:
        DATA.mkdir(parents=True, exist_ok=True)
        for stale in DATA.glob(f"{size}-seed{seed}-*"):
            stale.unlink()
        run([pg_tool("pg_dump"), "-Fc", "-Z1", "-f", str(dump), url], env=env)
        meta.write_text(json.dumps(info))
    return {"url": url, **info}


def sqlite_load(size: str, seed: int) -> dict:
    """Generation time on SQLite (bulk_create in batches), in a throwaway file."""
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, **BENCH_ENV, "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3"}
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env=env)
        elapsed, rows = generate(size, seed, env)
    return {"generate_s": elapsed, "rows": rows}


def generate(size: str, seed: int, env: dict) -> tuple[float, int | None]:
    """Run generate_synthetic; its time in seconds and the rows it says it wrote."""
    started = time.perf_counter()
    output = run(
        [PYTHON, "manage.py", "generate_synthetic", "--size", size, "--seed", str(seed)],
        env=env,
        capture_output=True,
        text=True,
    ).stdout
    elapsed = time.perf_counter() - started
    rows = re.search(r"^([\d,]+) rows in", output, re.M)
    return elapsed, int(rows.group(1).replace(",", "")) if rows else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, path: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {path} within {seconds} s")


def python_load(port: int, path, seconds: float, connections: int, limit: int) -> dict:
    """A bounded load generator: keep-alive connections, a request cap and a time cap; a
    list of paths is a mix, each connection going through it in turn."""
    paths = [path] if isinstance(path, str) else list(path)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(offset):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        turn = offset
        while time.monotonic() < deadline:
            path = paths[turn % len(paths)]
            turn += 1
            with lock:
                if len(latencies) + errors[0] >= limit:
                    return
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            with lock:
                if ok:
                    latencies.append((time.perf_counter() - started) * 1000)
                else:
                    errors[0] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        "tool": f"python ({connections} keep-alive connections)",
        "requests": len(latencies),
        "errors": errors[0],
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) if latencies else None,
        "p99_ms": percentile(latencies, 99) if latencies else None,
    }


WRK_MIX = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def wrk_load(port: int, path, seconds: float, connections: int) -> dict:
    """wrk on one path, or on a mix (a list of paths, in turn, by a Lua script)."""
    script = []
    if not isinstance(path, str):
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
            handle.write(WRK_MIX % ", ".join(json.dumps(p) for p in path))
        script, path = ["-s", handle.name], path[0]
    try:
        output = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{int(seconds)}s", "--latency", *script,
             f"http://127.0.0.1:{port}{path}"],
            capture_output=True, text=True, check=True, timeout=seconds + 30,
        ).stdout  # fmt: skip
    finally:
        if script:
            os.unlink(script[1])

    def latency(label):
        found = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        if not found:
            return None
        value, unit = float(found.group(1)), found.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "tool": f"wrk (2 threads, {connections} connections)",
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "errors": int(errors.group(1)) if errors else 0,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
    }


def throughput(
    url: str, mix: list[str], seconds: float, warmup: float = 2, per_core: int = 2, warm=True
) -> dict:
    """gunicorn with ``per_core`` sync workers per CPU on loopback, under a bounded load that
    goes through ``mix`` (every hot endpoint, in turn). Warm: answers cached (Redis when
    REDIS_URL is set, shared by the workers); cold: ANSWER_CACHE_SECONDS=0, every request
    computes its answer."""
    port = free_port()
    workers = per_core * (os.cpu_count() or 1)
    env = {**os.environ, **BENCH_ENV, "DATABASE_URL": url}
    if not warm:
        env["ANSWER_CACHE_SECONDS"] = "0"
    gunicorn = str(Path(PYTHON).parent / "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "tracker.wsgi:application", "--workers", str(workers), "--bind",
         f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        wait_for(port, "/api/v1/")
        connections = max(8, 2 * workers)
        # Warm every worker (connections, caches) before measuring.
        python_load(port, mix, seconds=warmup, connections=4, limit=40 * len(mix))
        if shutil.which("wrk"):
            result = wrk_load(port, mix, seconds, connections)
        else:
            result = python_load(port, mix, seconds, connections, limit=100_000)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    result.update(
        workers=workers,
        per_core=per_core,
        mix="warm" if warm else "cold",
        paths=len(mix),
        cache="redis" if os.environ.get("REDIS_URL") else "local memory",
    )
    log(
        f"  throughput, {result['mix']} mix, {workers} workers: {result['rps']:.1f} req/s "
        f"(p50 {result['p50_ms']} ms, {result['errors']} errors)"
    )
    return result


def machine() -> dict:
    import django

    memory = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
    cpu = re.search(r"^model name\s*:\s*(.*)$", Path("/proc/cpuinfo").read_text(), re.M)
    return {
        "nproc": os.cpu_count(),
        "memory_gib": round(int(memory) / 1024 / 1024, 1),
        "cpu": cpu.group(1) if cpu else platform.processor(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "kernel": platform.release(),
        "loadavg": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def postgres_version(url: str) -> str:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def check(base_url: str, seed: int, use_cache: bool) -> None:
    """--check: the three implementations on the small data set and the seed fixtures."""
    started = time.perf_counter()
    log("Agreement check (nothing timed): small synthetic data + seed fixtures")
    prepared = prepare_database(base_url, "small", seed, use_cache, name="bench_check")
    env = {**os.environ, **BENCH_ENV, "DATABASE_URL": prepared["url"]}
    run([PYTHON, "manage.py", "seed", "--force"], env=env, stdout=subprocess.DEVNULL)
    # Two agenda items mapped to no area, one on each side of the Jeju comparison: the
    # answers list them apart (unmapped.before/after, the matrix's unmapped).
    run(
        [PYTHON, "manage.py", "loaddata", str(ROOT / "bench" / "check_unmapped.json")],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        result_path = Path(handle.name)
    run(
        [PYTHON, str(ROOT / "bench" / "run.py"), "--worker", "small", "--result",
         str(result_path), "--worker-options", json.dumps({"check": True})],
        env=env,
    )  # fmt: skip
    checks = json.loads(result_path.read_text())["checks"]
    result_path.unlink()
    bad = [row for row in checks if row["naive_diff"] or row["floor_diff"]]
    log(
        f"\n{len(checks)} requests compared in {time.perf_counter() - started:.0f} s: "
        + (f"{len(bad)} differ" if bad else "ours, naive and floor give the same JSON")
    )
    if bad:
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="small,medium,large")
    parser.add_argument("--quick", action="store_true", help="small only, fewer requests (~2 min)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--requests", type=int, help="timed requests per implementation")
    parser.add_argument("--no-cache", action="store_true", help="regenerate, do not pg_dump")
    parser.add_argument("--no-throughput", action="store_true")
    parser.add_argument("--sqlite-load", default=None,
                        help="sizes whose load time is also measured on SQLite "
                        "(default: small,medium; 'none' to skip)")  # fmt: skip
    parser.add_argument("--output", default=str(ROOT / "bench" / "RESULTS.md"))
    parser.add_argument("--only", help="comma-separated endpoint keys (debugging)")
    parser.add_argument(
        "--check",
        action="store_true",
        help="agreement only, nothing timed: the small data set plus the seed fixtures, every "
        "benchmarked endpoint and the further checks; exits 1 on any difference",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="re-render the report from bench/.data/last-run.json (after editing notes.md)",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--worker-options", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        options = json.loads(args.worker_options)
        options["log"] = log
        worker(args.worker, Path(args.result), options)
        return

    if args.report_only:
        from bench.report import write_report

        write_report(json.loads((DATA / "last-run.json").read_text()), Path(args.output))
        log(f"Wrote {args.output}")
        return

    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must point to PostgreSQL (bench/run.sh starts one).")
    os.environ.update({key: value for key, value in BENCH_ENV.items() if key not in os.environ})
    if args.check:
        check(base_url, args.seed, use_cache=not args.no_cache)
        return
    sizes = ["small"] if args.quick else [s.strip() for s in args.sizes.split(",") if s.strip()]
    sqlite_sizes = args.sqlite_load or ("none" if args.quick else "small,medium")
    sqlite_sizes = [] if sqlite_sizes == "none" else sqlite_sizes.split(",")
    options = {
        "requests": args.requests or (15 if args.quick else 40),
        "budget": 5.0 if args.quick else 20.0,
        "naive_budget": 2.0 if args.quick else 12.0,
        "naive_min": 1 if args.quick else 3,
        "naive_light": args.quick,
        "profile_repeat": 5 if args.quick else 20,
        "only": args.only.split(",") if args.only else None,
    }
    started = time.perf_counter()
    report = {
        "machine": machine(),
        "postgres": postgres_version(base_url),
        "sizes": {},
        "options": options,
        "quick": args.quick,
    }
    log(f"Benchmark on PostgreSQL {report['postgres']}, sizes {', '.join(sizes)}")
    for size in sizes:
        log(f"\n== {size}")
        prepared = prepare_database(base_url, size, args.seed, use_cache=not args.no_cache)
        largest = size == sizes[-1]
        worker_options = {**options, "explain": largest, "profile": largest}
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
            result_path = Path(handle.name)
        run(
            [PYTHON, str(ROOT / "bench" / "run.py"), "--worker", size, "--result",
             str(result_path), "--worker-options", json.dumps(worker_options)],
            env={**os.environ, **BENCH_ENV, "DATABASE_URL": prepared["url"]},
        )  # fmt: skip
        result = json.loads(result_path.read_text())
        result_path.unlink()
        result["load"] = {k: v for k, v in prepared.items() if k != "url"}
        if not args.no_throughput:
            mix = [row["url"] for row in result["endpoints"]]
            result["throughput"] = [
                throughput(
                    prepared["url"],
                    mix,
                    seconds=5 if args.quick else 15,
                    warmup=1 if args.quick else 2,
                    per_core=per_core,
                    warm=warm,
                )
                for per_core in (1, 2)
                for warm in (False, True)
            ]
        if size in sqlite_sizes:
            log(f"  SQLite load of {size}...")
            result["load"]["sqlite"] = sqlite_load(size, args.seed)
            log(f"  SQLite: {result['load']['sqlite']['generate_s']:.1f} s")
        report["sizes"][size] = result
    report["elapsed_s"] = time.perf_counter() - started
    DATA.mkdir(parents=True, exist_ok=True)
    default_output = Path(args.output).resolve() == (ROOT / "bench" / "RESULTS.md").resolve()
    saved = DATA / ("last-run.json" if default_output else "last-run-other.json")
    saved.write_text(json.dumps(report, indent=1, default=str))
    from bench.report import write_report

    write_report(report, Path(args.output))
    log(f"\nWrote {args.output} in {report['elapsed_s'] / 60:.1f} min")


if __name__ == "__main__":
    main()
