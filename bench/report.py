"""bench/RESULTS.md from one benchmark run (bench/run.py)."""

from __future__ import annotations

from pathlib import Path

HEADLINE_SIZE = "medium"
LISTS = ["rounds_negotiation", "rounds_first", "rounds_last", "deadlines", "people_search"]
COMPUTED = ["round_changes", "negotiation_changes", "agenda_matrix", "area_history"]
NAIVE_TARGETS = {"negotiation_changes": 20, "agenda_matrix": 20, "rounds_negotiation": 10,
                 "rounds_first": 10, "rounds_last": 10}  # fmt: skip
NOTES = Path(__file__).with_name("notes.md")
# Answers of a few KiB (their floor is a millisecond or two) and the large ones: the targets of
# a computed ("cold") answer differ; a cached ("warm") answer's is the same for all.
SMALL = ["round_detail", "round_changes", "area_history", "deadlines", "people_search"]
COLD_TARGET = {"small": 4.0, "large": 1.5}
WARM_TARGET = 1.5


def ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f}×" if value >= 10 else f"{value:.2f}×"


def kib(value: int | None) -> str:
    return "–" if value is None else f"{value / 1024:,.0f}"


def by_key(result: dict) -> dict[str, dict]:
    return {row["key"]: row for row in result["endpoints"]}


def equal(row: dict) -> str:
    problems = [f"{impl} differs at `{row[f'{impl}_diff']}`" for impl in ("naive", "floor")
                if row.get(f"{impl}_diff")]  # fmt: skip
    return "; ".join(problems) if problems else "yes"


def agreement(report: dict) -> str:
    """The untimed agreement checks of every size (bench/run.py agreement_checks)."""
    parts, problems = [], []
    for size, result in report["sizes"].items():
        checks = result.get("checks")
        if checks is None:
            continue
        parts.append(f"{len(checks)} at {size}")
        for row in checks:
            problems += [f"{size}, {row['name']}: {impl} differs at `{row[f'{impl}_diff']}`"
                         for impl in ("naive", "floor") if row.get(f"{impl}_diff")]  # fmt: skip
    if not parts:
        return "Further agreement checks: not run."
    text = (
        f"Same JSON also checked, untimed, on further requests ({', '.join(parts)}): the "
        "rounds with disputes about their agendas and the rounds compared with them, "
        "include_planned, area history pages: "
    )
    if not problems:
        return text + "ours, naive and floor agree on all of them."
    return text + f"{len(problems)} differences:\n\n" + "\n".join(f"* {p}" for p in problems)


def headline(report: dict) -> tuple[str, dict]:
    sizes = report["sizes"]
    size = HEADLINE_SIZE if HEADLINE_SIZE in sizes else list(sizes)[-1]
    result = sizes[size]
    lines = [
        "## Headline",
        "",
        f"Size **{size}**: {result['counts']['rounds']:,} rounds, "
        f"{result['counts']['agenda_items']:,} agenda items. Median latency through the full "
        "Django request stack (ours, naive) and of one SQL "
        "statement + orjson (floor); ratios of medians measured in the same run.",
        "",
        "*Cold*: the answer is computed (a cache miss: its key is new, one get and one set); "
        "*warm*: the same request again, its answer from the cache (one data-version lookup "
        "and one cache get).",
        "",
        "| Endpoint | cold ms (p95) | warm ms (p95) | floor ms | naive ms | cold ÷ floor "
        "| warm ÷ floor | naive ÷ cold | SQL queries cold / warm / naive / floor | same JSON |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in result["endpoints"]:
        warm = row.get("ours_warm") or {}
        lines.append(
            f"| {row['name']} | {ms(row['ours']['median_ms'])} ({ms(row['ours']['p95_ms'])}) "
            f"| {ms(warm.get('median_ms'))} ({ms(warm.get('p95_ms'))}) "
            f"| {ms(row['floor']['median_ms'])} | {ms(row['naive']['median_ms'])} "
            f"| {ratio(row['ours_vs_floor'])} | {ratio(row.get('warm_vs_floor'))} "
            f"| {ratio(row['naive_vs_ours'])} "
            f"| {row['ours']['queries']} / {warm.get('queries', '–')} / {row['naive']['queries']} "
            f"/ 1 | {equal(row)} |"
        )
    lines += ["", agreement(report)]
    base = result.get("baseline")
    if base:
        lines += [
            "",
            f"The request stack alone, with nothing to compute, costs "
            f"{ms(base['drf']['median_ms'])} ms for an empty DRF view with the project's "
            f"authentication, permissions and renderer, {ms(base['django']['median_ms'])} ms "
            "for a plain Django view (same middleware): that much of every *ours* and *naive* "
            "number is fixed cost that the floor, which has no HTTP layer, does not pay.",
        ]
    return "\n".join(lines), {"size": size, "result": result}


def targets(report: dict, head: dict) -> str:
    sizes = report["sizes"]
    rows = by_key(head["result"])
    size = head["size"]
    lines = ["| Target | Measured | Met |", "|---|---|---|"]
    for row in rows.values():
        kind = "small" if row["key"] in SMALL else "large"
        wanted = COLD_TARGET[kind]
        value = row["ours_vs_floor"]
        met = "yes" if value <= wanted else f"no: {value / wanted:.2f}× over"
        lines.append(
            f"| cold, {kind} answer, ≤{wanted:g}× the floor at {size}: {row['name']} "
            f"| {ratio(value)} | {met} |"
        )
    for row in rows.values():
        value = row.get("warm_vs_floor")
        if value is not None:
            lines.append(
                f"| warm ≤{WARM_TARGET:g}× the floor at {size}: {row['name']} | {ratio(value)} "
                f"| {'yes' if value <= WARM_TARGET else f'no: {value / WARM_TARGET:.2f}× over'} |"
            )
    for key, wanted in NAIVE_TARGETS.items():
        if key in rows:
            value = rows[key]["naive_vs_ours"]
            lines.append(
                f"| ≥{wanted}× faster than naive at {size}: {rows[key]['name']} | {ratio(value)} "
                f"| {'yes' if value >= wanted else f'no, short by {wanted / value:.1f}×'} |"
            )
    order = [s for s in ("tiny", "small", "medium", "large") if s in sizes]
    if len(order) >= 2:
        first, last = by_key(sizes[order[0]]), by_key(sizes[order[-1]])
        for key in LISTS + COMPUTED:
            if key in first and key in last:
                value = last[key]["ours"]["median_ms"] / first[key]["ours"]["median_ms"]
                kind = "list flat" if key in LISTS else "computed: grows only with its subject"
                lines.append(
                    f"| {kind}, {order[0]} → {order[-1]} (≤1.5×): {first[key]['name']} "
                    f"| {ratio(value)} | {'yes' if value <= 1.5 else 'no'} |"
                )
    for size_name in order:
        k = sizes[size_name].get("keyset") or {}
        if k.get("implemented"):
            value = k["deepest"]["median_ms"] / k["first"]["median_ms"]
            lines.append(
                f"| first page → last page (≤1.5×) at {size_name}: rounds list with `?cursor=` "
                f"({k['pages']} pages) | {ratio(value)} | {'yes' if value <= 1.5 else 'no'} |"
            )
    if len(order) >= 2:
        k0 = sizes[order[0]].get("keyset") or {}
        k1 = sizes[order[-1]].get("keyset") or {}
        if k0.get("implemented") and k1.get("implemented"):
            for label in ("first", "deepest"):
                value = k1[label]["median_ms"] / k0[label]["median_ms"]
                lines.append(
                    f"| list flat, {order[0]} → {order[-1]} (≤1.5×): rounds list with `?cursor=`, "
                    f"{'first' if label == 'first' else 'last'} page | {ratio(value)} "
                    f"| {'yes' if value <= 1.5 else 'no'} |"
                )
    for size_name in order:
        rows_size = by_key(sizes[size_name])
        if "rounds_first" in rows_size and "rounds_last" in rows_size:
            value = (
                rows_size["rounds_last"]["ours"]["median_ms"]
                / rows_size["rounds_first"]["ours"]["median_ms"]
            )
            lines.append(
                f"| first page → last page (≤1.5×) at {size_name}: rounds list | {ratio(value)} "
                f"| {'yes' if value <= 1.5 else 'no'} |"
            )
    return "\n".join(lines)


def size_table(size: str, result: dict) -> str:
    c = result["counts"]
    lines = [
        f"### {size}: {c['negotiations']:,} negotiations, {c['rounds']:,} rounds, "
        f"{c['agenda_items']:,} agenda items, {c['citations']:,} citations",
        "",
        "| Endpoint | ours median / p95 ms | floor median / p95 | naive median / p95 (n) "
        "| ours ÷ floor | naive ÷ ours | queries ours / naive | peak KiB ours / naive / floor "
        "| response KiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in result["endpoints"]:
        o, f, n = row["ours"], row["floor"], row["naive"]
        lines.append(
            f"| {row['name']} | {ms(o['median_ms'])} / {ms(o['p95_ms'])} "
            f"| {ms(f['median_ms'])} / {ms(f['p95_ms'])} "
            f"| {ms(n['median_ms'])} / {ms(n['p95_ms'])} ({n['n']}) "
            f"| {ratio(row['ours_vs_floor'])} | {ratio(row['naive_vs_ours'])} "
            f"| {o['queries']} / {n['queries']} "
            f"| {kib(o['peak_bytes'])} / {kib(n['peak_bytes'])} / {kib(f['peak_bytes'])} "
            f"| {kib(row['bytes'])} |"
        )
    return "\n".join(lines)


def keyset(report: dict) -> str:
    lines = [
        "`/api/v1/rounds/?status=held&level=ministerial&cursor=`, ours only: the first page, "
        "and the last one reached by following `next`; page numbers (count + OFFSET) beside.",
        "",
        "| Size | cursor: first page ms | cursor: last page ms (page n) | last ÷ first "
        "| page numbers: first / last ms | queries cursor / page numbers |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for size, result in report["sizes"].items():
        k = result.get("keyset") or {}
        if not k.get("implemented"):
            lines.append(f"| {size} | not implemented | | | | |")
            continue
        rows = by_key(result)
        first, last = rows.get("rounds_first"), rows.get("rounds_last")
        numbers = (
            f"{ms(first['ours']['median_ms'])} / {ms(last['ours']['median_ms'])}"
            if first and last
            else "–"
        )
        lines.append(
            f"| {size} | {ms(k['first']['median_ms'])} | {ms(k['deepest']['median_ms'])} "
            f"({k['pages']}) | {ratio(k['deepest']['median_ms'] / k['first']['median_ms'])} "
            f"| {numbers} | {k['first']['queries']} / "
            f"{first['ours']['queries'] if first else '–'} |"
        )
    return "\n".join(lines)


def conditional(report: dict) -> str:
    lines = ["| Size | Endpoint | 200 median ms | 304 median ms | |", "|---|---|---:|---:|---|"]
    for size, result in report["sizes"].items():
        for row in result["endpoints"]:
            etag = row["etag"]
            if not etag.get("implemented"):
                lines.append(f"| {size} | {row['name']} | {ms(row['ours']['median_ms'])} | – "
                             "| not implemented yet (no ETag) |")  # fmt: skip
            elif etag.get("status") != 304:
                lines.append(
                    f"| {size} | {row['name']} | {ms(row['ours']['median_ms'])} | – "
                    f"| ETag sent, but If-None-Match gave {etag.get('status')} |"
                )
            else:
                lines.append(
                    f"| {size} | {row['name']} | {ms(row['ours']['median_ms'])} "
                    f"| {ms(etag['median_ms'])} "
                    f"| {ratio(row['ours']['median_ms'] / etag['median_ms'])} faster |"
                )
    return "\n".join(lines)


def throughput(report: dict) -> str:
    lines = [
        "| Size | Mix | gunicorn workers (per core) | requests/s | p50 ms | p99 ms "
        "| requests (errors) | cache | load generator |",
        "|---|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for size, result in report["sizes"].items():
        runs = result.get("throughput", [])
        if isinstance(runs, dict):  # an older run: one endpoint at a time, 2 workers
            runs = [{**t, "mix": name, "workers": 2, "per_core": "?", "cache": "–"}
                    for name, t in runs.items()]  # fmt: skip
        for t in runs:
            lines.append(
                f"| {size} | {t['mix']} | {t['workers']} ({t['per_core']}) | {t['rps']:,.1f} "
                f"| {ms(t['p50_ms'])} | {ms(t['p99_ms'])} | {t['requests']:,} ({t['errors']}) "
                f"| {t['cache']} | {t['tool']} |"
            )
    return "\n".join(lines)


def loads(report: dict) -> str:
    lines = [
        "| Size | rounds | agenda items | rows written | PostgreSQL (COPY) s | SQLite "
        "(bulk_create) s | restore from cache s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for size, result in report["sizes"].items():
        load, c = result["load"], result["counts"]
        sqlite = load.get("sqlite", {}).get("generate_s")
        mark = "\\*" if load.get("sqlite", {}).get("separate") else ""
        restored = load.get("restored_s")
        when = f" (measured {load['measured']})" if load.get("from_cache") else ""
        lines.append(
            f"| {size} | {c['rounds']:,} | {c['agenda_items']:,} | {load.get('rows') or 0:,} "
            f"| {load['generate_s']:.1f}{when} "
            f"| {'–' if sqlite is None else f'{sqlite:.1f}{mark}'} "
            f"| {'–' if restored is None else f'{restored:.1f}'} |"
        )
    return "\n".join(lines)


def explain(report: dict) -> str:
    sizes = report["sizes"]
    found = [(size, r["explain"]) for size, r in sizes.items() if r.get("explain")]
    if not found:
        return "Not run."
    size, findings = found[-1]
    lines = [
        f"EXPLAIN of every SQL statement the project's endpoints ran at **{size}**. Sequential "
        "scans on tables of more than 10,000 rows:",
        "",
        "| Endpoint | Table (rows) | Filter | Statement |",
        "|---|---|---|---|",
    ]
    small = set()
    big = 0
    for finding in findings:
        for scan in finding["seq_scans"]:
            if scan["rows"] > 10_000:
                big += 1
                sql = finding["sql"].replace("|", "\\|").replace("\n", " ")[:160]
                lines.append(
                    f"| {finding['endpoint']} | {scan['table']} ({scan['rows']:,}) "
                    f"| `{scan['filter'][:120]}` | `{sql}…` |"
                )
            else:
                small.add(f"{scan['table']} ({scan['rows']:,})")
    if not big:
        lines.append("| – | none | | |")
    statements = len(findings)
    lines += [
        "",
        f"{statements} statements explained. Sequential scans on small tables, where they are "
        f"the cheapest plan: {', '.join(sorted(small)) or 'none'}.",
        "",
        "Statements that sort, deduplicate or aggregate more than 5,000 rows (estimated) "
        "before they can answer, so that their cost grows with the table, not with the page:",
        "",
        "| Endpoint | Node | Rows (estimate) | Statement |",
        "|---|---|---:|---|",
    ]
    seen = set()
    for finding in findings:
        for sort in finding.get("big_sorts", []):
            sql = finding["sql"].replace("|", "\\|").replace("\n", " ")[:120]
            key = (finding["endpoint"], sort["node"], sql)
            if key in seen:
                continue
            seen.add(key)
            lines.append(
                f"| {finding['endpoint']} | {sort['node']} | {sort['rows']:,.0f} | `{sql}…` |"
            )
    if not seen:
        lines.append("| – | none | | |")
    costly = [f for f in findings if f["cost"] > 100_000]
    lines += [
        "",
        f"Statements estimated above PostgreSQL's default `jit_above_cost` (100,000), which "
        f"JIT-compile on every execution: {len(costly)}.",
    ]
    return "\n".join(lines)


def profile(report: dict) -> str:
    found = [(size, r["profile"]) for size, r in report["sizes"].items() if r.get("profile")]
    if not found:
        return "Not run."
    size, prof = found[-1]
    text = prof["text"].strip().splitlines()
    if len(text) > 120:
        text = [*text[:120], "… (truncated)"]
    body = "\n".join(text)
    return (
        f"The slowest of our endpoints at **{size}**: {prof['endpoint']} (`{prof['url']}`), "
        f"{prof['repeat']} requests under {prof['tool']}.\n\n```text\n{body}\n```"
    )


def write_report(report: dict, path: Path) -> None:
    m = report["machine"]
    head, head_info = headline(report)
    sections = [
        "# Benchmark results",
        "",
        f"Run of `make bench` ({'quick' if report['quick'] else 'full'}) on {m['date']}, "
        f"{report['elapsed_s'] / 60:.1f} min in all. Regenerate with `make bench` "
        "(or `bash bench/run.sh --quick`); see [bench/README.md](README.md) for the method.",
        "",
        f"**Machine:** {m['nproc']} CPUs ({m['cpu']}), {m['memory_gib']} GiB RAM, Linux "
        f"{m['kernel']}, load average {m.get('loadavg', '?')} at the start. **PostgreSQL** "
        f"{report['postgres']} (throwaway cluster on loopback, fsync off), **Python** "
        f"{m['python']}, **Django** {m['django']}. "
        f"{report['options']['requests']} timed requests per implementation after warm-up "
        f"(naive: as many as fit in {report['options']['naive_budget']:.0f} s, at least "
        f"{report['options'].get('naive_min', 3)}).",
        "",
        head,
        "",
        "## Targets",
        "",
        targets(report, head_info),
        "",
    ]
    if NOTES.exists():
        sections += ["## Where the time goes", "", NOTES.read_text().strip(), ""]
    sections += ["## Every endpoint at every size", ""]
    for size, result in report["sizes"].items():
        sections += [size_table(size, result), ""]
    sections += [
        "Peak memory: tracemalloc's peak of Python allocations during one request.",
        "",
        "## Keyset pagination (`?cursor=`)",
        "",
        keyset(report),
        "",
        "## Conditional GET (ETag / If-None-Match)",
        "",
        conditional(report),
        "",
        "## Throughput of the real server",
        "",
        "gunicorn's sync workers, one and two per CPU, on 127.0.0.1, against the same "
        "PostgreSQL, under a mix that requests every endpoint of the headline in turn: *cold* "
        "with the answer cache turned off (`ANSWER_CACHE_SECONDS=0`: every request computes), "
        "*warm* with it on (the workers share Redis when `REDIS_URL` is set). The load "
        "generator runs on the same CPUs, bounded in time.",
        "",
        throughput(report),
        "",
        "## Data sets and load times",
        "",
        "`python manage.py generate_synthetic --size <size>` (seed 42). PostgreSQL: COPY "
        "through psycopg; SQLite: bulk_create in batches of 5,000. Both in one transaction "
        "per 50 negotiations.",
        "",
        loads(report),
        "",
        "## EXPLAIN of the hot queries",
        "",
        explain(report),
        "",
        "## Profile",
        "",
        profile(report),
        "",
    ]
    path.write_text("\n".join(sections))
