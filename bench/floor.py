"""The floor: each hot endpoint as one hand-written SQL statement through psycopg, no Django.

PostgreSQL builds the nested JSON (json_build_object / json_agg) or returns the rows the
agenda rules need in one document; Python applies the rules (bench/shape.py) and orjson
writes the bytes. What is left is the practical physical limit of answering the request:
one round trip, the data the answer needs, and serialisation. Same JSON as the project's
endpoints (bench/run.py compares them before timing).
"""

import urllib.parse
from collections import defaultdict

import orjson
import psycopg

from bench import provenance, shape
from tracker.postgres import session_options

PAGE_SIZE = 50


def connect(url: str) -> psycopg.Connection:
    # The same session settings as the project's connections (tracker/settings.py): no JIT
    # (tens of milliseconds per statement, never paid back at this size), no parallel
    # plans, SSD-like random_page_cost. Same planner, so the comparison is about the code.
    return psycopg.connect(url, autocommit=True, options=session_options())


def ts(column: str) -> str:
    """A timestamptz as DRF writes it: ISO 8601 in UTC with Z, microseconds when not zero."""
    return (
        f"(to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN "
        f"mod(date_part('microseconds', {column})::bigint, 1000000) = 0 THEN '' "
        f"ELSE to_char({column} AT TIME ZONE 'UTC', '.US') END || 'Z')"
    )


def cites(fact: str, fact_id: str) -> str:
    """The citations of a fact, in slug order (code points, as Python sorts), as a JSON
    array: each with its source's publication day (the window's end if only a window is
    known) and what its link says the quote states (facets, values as the source gave
    them, whether it reports a change)."""
    return f"""(SELECT coalesce(json_agg(json_build_object(
            'slug', c.slug, 'source', s.slug, 'publisher', s.publisher, 'quote', c.quote,
            'published_on', coalesce(s.published_on_end, s.published_on),
            'facets', t.facets, 'values', t."values", 'reports_change', t.reports_change)
            ORDER BY c.slug COLLATE "C"), '[]'::json)
        FROM negotiations_{fact}_citations t
        JOIN negotiations_citation c ON c.id = t.citation_id
        JOIN negotiations_source s ON s.id = c.source_id
        WHERE t.{fact}_id = {fact_id})"""


def exclusions_sql(where: str) -> str:
    """The areas sources say were off a round's agenda or its whole negotiation's (``x``
    matching ``where``), by area name, each with its citations, as a JSON array."""
    return f"""(SELECT coalesce(json_agg(json_build_object('round', x.round_id,
            'negotiation', xn.slug, 'slug', xa.slug, 'name', xa.name, 'exclusion', x.slug,
            'scope', CASE WHEN x.round_id IS NULL THEN 'negotiation' ELSE 'round' END,
            'handled_in', xh.slug, 'note', x.note,
            'citations', {cites("agendaexclusion", "x.id")})
            ORDER BY xa.name, x.id), '[]'::json)
        FROM negotiations_agendaexclusion x
        JOIN negotiations_negotiation xn ON xn.id = x.negotiation_id
        JOIN negotiations_agendaarea xa ON xa.id = x.area_id
        LEFT JOIN negotiations_negotiation xh ON xh.id = x.handled_in_id
        WHERE {where})"""


ROUND_JSON = f"""json_build_object(
    'id', r.id, 'slug', r.slug,
    'negotiation', json_build_object('slug', n.slug, 'title', n.title),
    'sequence', r.sequence, 'title', r.title, 'level', r.level, 'status', r.status,
    'start_date', r.start_date, 'end_date', r.end_date, 'date_precision', r.date_precision,
    'date_as_reported', r.date_as_reported, 'date_note', r.date_note, 'city', r.city,
    'region', r.region, 'country', r.country, 'venue', r.venue, 'occasion', r.occasion,
    'summary', r.summary, 'outcomes', r.outcomes, 'agenda_status', r.agenda_status,
    'agenda_basis', nullif(r.agenda_basis, ''),
    'agenda', CASE WHEN r.agenda_status = 'reported' THEN (
        SELECT coalesce(json_agg(json_build_object(
            'slug', i.slug, 'label', i.label, 'order', i."order",
            'areas', (SELECT coalesce(json_agg(json_build_object('slug', a.slug, 'name', a.name)
                        ORDER BY a.name, a.id), '[]'::json)
                      FROM negotiations_agendaitemarea ia
                      JOIN negotiations_agendaarea a ON a.id = ia.area_id
                      WHERE ia.item_id = i.id),
            'notes', i.notes,
            'citations', {cites("agendaitem", "i.id")}
        ) ORDER BY i."order", i.id), '[]'::json)
        FROM negotiations_agendaitem i WHERE i.round_id = r.id) END,
    'participants', (
        SELECT coalesce(json_agg(json_build_object(
            'person', CASE WHEN pe.id IS NULL THEN NULL
                      ELSE json_build_object('slug', pe.slug, 'name', pe.name) END,
            'name_as_reported', p.name_as_reported, 'party', pa.slug, 'organization', o.slug,
            'organization_inferred', p.organization_inferred, 'role', p.role,
            'citations', {cites("participant", "p.id")}
        ) ORDER BY pa.code, p.name_as_reported, p.id), '[]'::json)
        FROM negotiations_participant p
        JOIN negotiations_party pa ON pa.id = p.party_id
        LEFT JOIN negotiations_person pe ON pe.id = p.person_id
        LEFT JOIN negotiations_organization o ON o.id = p.organization_id
        WHERE p.round_id = r.id),
    'disputes', (
        SELECT coalesce(json_agg(json_build_object('slug', d.slug, 'title', d.title,
            'topic', d.topic, 'status', d.status, 'area', da.slug, 'facet', NULL,
            'computed', false) ORDER BY d.title, d.id),
            '[]'::json)
        FROM negotiations_disagreement d
        LEFT JOIN negotiations_agendaarea da ON da.id = d.area_id
        WHERE d.round_id = r.id),
    'citations', {cites("round", "r.id")},
    'exclusions', {exclusions_sql("x.round_id = r.id")},
    'created', {ts("r.created")}, 'updated', {ts("r.updated")}
)"""


def page_url(path: str, query: dict, page: int | None) -> str:
    """A page link as DRF builds it (sorted query, page removed for the first page)."""
    params = {key: value for key, value in query.items() if key != "page"}
    if page is not None and page != 1:
        params["page"] = str(page)
    encoded = urllib.parse.urlencode(sorted(params.items()))
    return f"http://testserver{path}" + (f"?{encoded}" if encoded else "")


def paginated(
    conn, path: str, query: dict, table: str, where: str, params: list, order: str, row_json: str,
    joins: str = "", finish=lambda record: record,
) -> bytes:  # fmt: skip
    """One statement: the count and the page's JSON (page=N or page=last)."""
    page = query.get("page", "1")
    if page == "last":
        offset = f"(SELECT greatest((n - 1) / {PAGE_SIZE}, 0) * {PAGE_SIZE} FROM total)"
    else:
        offset = str((int(page) - 1) * PAGE_SIZE)
    sql = f"""
        WITH total AS (SELECT count(*) AS n FROM {table} {joins} WHERE {where}),
        page AS (SELECT {table.split()[-1]}.id FROM {table} {joins} WHERE {where}
                 ORDER BY {order} LIMIT {PAGE_SIZE} OFFSET {offset})
        SELECT (SELECT n FROM total),
               (SELECT greatest((n - 1) / {PAGE_SIZE}, 0) + 1 FROM total),
               {offset} / {PAGE_SIZE} + 1,
               (SELECT coalesce(json_agg(row_json ORDER BY ord), '[]'::json)::text FROM (
                    SELECT {row_json} AS row_json, row_number() OVER (ORDER BY {order}) AS ord
                    FROM {table} {joins}
                    WHERE {table.split()[-1]}.id IN (SELECT id FROM page)) shaped)
    """
    with conn.cursor() as cursor:
        count, pages, number, results = cursor.execute(sql, params * 2).fetchone()
    return orjson.dumps(
        {
            "count": count,
            "next": page_url(path, query, number + 1) if number < pages else None,
            "previous": page_url(path, query, number - 1) if number > 1 else None,
            "results": [finish(record) for record in orjson.loads(results)],
        }
    )


# --- Rounds ------------------------------------------------------------------------------------

ROUND_ORDER = "r.start_date ASC NULLS LAST, r.id"


def rounds_list(conn, query: dict) -> bytes:
    """/rounds/ with the filters the benchmark uses: negotiation, status, level."""
    where, params = ["TRUE"], []
    if "negotiation" in query:
        where.append("n.slug = %s")
        params.append(query["negotiation"])
    for name in ("status", "level", "agenda_status"):
        if name in query:
            where.append(f"r.{name} = %s")
            params.append(query[name])
    return paginated(
        conn,
        "/api/v1/rounds/",
        query,
        "negotiations_round r",
        " AND ".join(where),
        params,
        ROUND_ORDER,
        ROUND_JSON,
        joins="JOIN negotiations_negotiation n ON n.id = r.negotiation_id",
        finish=finish_round,
    )


def finish_round(record: dict) -> dict:
    """A round as the statement gives it, with what its values and lists make disputed
    (bench/provenance.py), less the exclusions that needed."""
    exclusions = record.pop("exclusions")
    record["disputes"] += provenance.round_disputes(record, exclusions)
    return record


def round_detail(conn, slug: str) -> bytes:
    sql = f"""SELECT {ROUND_JSON}::text FROM negotiations_round r
              JOIN negotiations_negotiation n ON n.id = r.negotiation_id WHERE r.slug = %s"""
    with conn.cursor() as cursor:
        return orjson.dumps(finish_round(orjson.loads(cursor.execute(sql, [slug]).fetchone()[0])))


# --- Agenda changes, matrix, history -----------------------------------------------------------

ROUND_ROW = f"""r.id, r.slug, r.title, r.sequence, n.slug AS negotiation, r.level, r.status,
    r.start_date, r.end_date, r.date_precision, r.agenda_status, r.agenda_basis,
    {cites("round", "r.id")} AS citations"""


def round_exclusions_sql(rounds: str) -> str:
    """The exclusions of the rounds of CTE ``rounds`` and of their whole negotiations."""
    return exclusions_sql(
        f"x.round_id IN (SELECT id FROM {rounds}) OR (x.round_id IS NULL AND x.negotiation_id "
        f"IN (SELECT negotiation_id FROM negotiations_round WHERE id IN (SELECT id FROM {rounds})))"
    )


LINK_JSON = f"""json_build_object('round', ia.round_id, 'area', a.slug, 'name', a.name,
    'item', i.slug, 'label', i.label, 'citations', {cites("agendaitem", "i.id")})"""
LINK_JOINS = """JOIN negotiations_agendaitem i ON i.id = ia.item_id
    JOIN negotiations_agendaarea a ON a.id = ia.area_id"""
LINK_ORDER = 'ia.round_id, i."order", i.id, a.name'


def unmapped_sql(where: str) -> str:
    """The agenda items (``i``) matching ``where`` mapped to no area, as a JSON array."""
    return f"""(SELECT coalesce(json_agg(json_build_object('round', i.round_id, 'item', i.slug,
            'label', i.label, 'citations', {cites("agendaitem", "i.id")})
            ORDER BY i.round_id, i."order", i.id), '[]')
        FROM negotiations_agendaitem i
        WHERE ({where}) AND NOT EXISTS (
            SELECT 1 FROM negotiations_agendaitemarea ia WHERE ia.item_id = i.id))"""


def annotations_sql(where: str) -> str:
    """The editors' annotations (``an``) matching ``where``, by round, area name and basis
    ("stated" first), as a JSON array."""
    return f"""(SELECT coalesce(json_agg(json_build_object('round', an.round_id, 'area', a.slug,
            'change', an.change, 'basis', an.basis, 'note', an.note,
            'citations', {cites("agendachangeannotation", "an.id")})
            ORDER BY an.round_id, a.name, an.basis DESC), '[]')
        FROM negotiations_agendachangeannotation an
        JOIN negotiations_agendaarea a ON a.id = an.area_id
        WHERE {where})"""


def disputes_sql(where: str) -> str:
    """The disagreements (``d``) matching ``where`` that bear on an agenda (about an area, or
    about a round's agenda as a whole), each with its claims and their citations."""
    return f"""(SELECT coalesce(json_agg(json_build_object('round_id', d.round_id,
            'slug', d.slug, 'title', d.title, 'status', d.status, 'topic', d.topic,
            'round', dr.slug, 'area', da.slug, 'computed', false,
            'claims', (SELECT coalesce(json_agg(json_build_object('label', dc.label,
                            'claim', dc.claim, 'citations', {cites("disagreementclaim", "dc.id")})
                            ORDER BY dc.label, dc.id), '[]'::json)
                       FROM negotiations_disagreementclaim dc WHERE dc.disagreement_id = d.id))
            ORDER BY d.id), '[]')
        FROM negotiations_disagreement d
        JOIN negotiations_round dr ON dr.id = d.round_id
        LEFT JOIN negotiations_agendaarea da ON da.id = d.area_id
        WHERE ({where}) AND (d.area_id IS NOT NULL OR d.topic = 'agenda'))"""


def fetch(conn, sql: str, params) -> dict:
    with conn.cursor() as cursor:
        return orjson.loads(cursor.execute(sql, params).fetchone()[0])


def facts_from(doc: dict) -> shape.Facts:
    """The evidence of a document's rounds: agendas, annotations and disputes by round id."""
    facts = shape.Facts(defaultdict(dict), defaultdict(list), defaultdict(list), defaultdict(list))
    item_refs: dict = defaultdict(lambda: defaultdict(list))
    for link in doc["links"]:
        facts.agendas[link["round"]][link["area"]] = {
            "name": link["name"],
            "reported": {
                "item": link["item"],
                "label": provenance.label_of(link["label"], link["citations"]),
                "citations": link["citations"],
            },
        }
        item_refs[link["round"]][link["area"]].extend(link["citations"])
    facts.round_exclusions, facts.negotiation_exclusions = defaultdict(list), defaultdict(list)
    for entry in doc.get("exclusions", ()):
        round_id, negotiation = entry.pop("round"), entry.pop("negotiation")
        if round_id is not None:
            facts.round_exclusions[round_id].append(entry)
        else:
            facts.negotiation_exclusions[negotiation].append(entry)
    for item in doc.get("unmapped", ()):
        facts.unmapped[item.pop("round")].append(item)
    for note in doc.get("annotations", ()):
        facts.notes[note.pop("round")].append(note)
    for dispute in doc.get("disputes", ()):
        facts.disputes[dispute.pop("round_id")].append(dispute)
    for row in doc["rounds"]:
        if shape.reported(row):
            facts.disputes[row["id"]].extend(
                provenance.list_disputes(
                    row,
                    facts.agenda(row),
                    item_refs[row["id"]],
                    row["citations"],
                    facts.exclusions(row, own_only=True),
                )
            )
    return facts


def negotiation_agenda_changes(conn, slug: str, include_planned: bool = False) -> bytes:
    doc = fetch(
        conn,
        f"""WITH neg AS (SELECT id, slug, title FROM negotiations_negotiation WHERE slug = %s),
        rounds AS (SELECT {ROUND_ROW} FROM negotiations_round r JOIN neg n
                   ON n.id = r.negotiation_id)
        SELECT json_build_object(
          'negotiation', (SELECT json_build_object('slug', slug, 'title', title) FROM neg),
          'rounds', (SELECT coalesce(json_agg(rounds ORDER BY sequence), '[]') FROM rounds),
          'links', (SELECT coalesce(json_agg({LINK_JSON} ORDER BY {LINK_ORDER}), '[]')
                    FROM negotiations_agendaitemarea ia {LINK_JOINS}
                    WHERE ia.round_id IN (SELECT id FROM rounds)),
          'unmapped', {unmapped_sql("i.round_id IN (SELECT id FROM rounds)")},
          'annotations', {annotations_sql("an.round_id IN (SELECT id FROM rounds)")},
          'exclusions', {round_exclusions_sql("rounds")},
          'disputes', {disputes_sql("d.round_id IN (SELECT id FROM rounds)")})::text""",
        [slug],
    )
    return orjson.dumps(
        shape.negotiation_changes(
            doc["negotiation"], doc["rounds"], facts_from(doc), include_planned
        )
    )


def round_agenda_changes(conn, slug: str, include_planned: bool = False) -> bytes:
    """Only what one round's answer needs: the rounds back to the one it is compared with
    (a held round: the latest earlier held one unless include_planned), their two agendas,
    its annotations and the disputes about either."""
    doc = fetch(
        conn,
        f"""WITH target AS (SELECT id, negotiation_id, sequence, status FROM negotiations_round
                            WHERE slug = %(slug)s),
        basis AS (SELECT r.id, r.sequence FROM negotiations_round r, target t
                  WHERE r.negotiation_id = t.negotiation_id AND r.sequence < t.sequence
                    AND r.status <> 'cancelled' AND r.agenda_status = 'reported'
                    AND (t.status <> 'held' OR %(include_planned)s
                         OR r.status NOT IN ('planned', 'postponed'))
                  ORDER BY r.sequence DESC LIMIT 1),
        compared AS (SELECT id FROM target UNION ALL SELECT id FROM basis),
        rounds AS (SELECT {ROUND_ROW} FROM negotiations_round r
                   JOIN negotiations_negotiation n ON n.id = r.negotiation_id, target t
                   WHERE r.negotiation_id = t.negotiation_id AND r.sequence <= t.sequence
                     AND r.sequence >= coalesce((SELECT sequence FROM basis), 0))
        SELECT json_build_object(
          'rounds', (SELECT json_agg(rounds ORDER BY sequence) FROM rounds),
          'links', (SELECT coalesce(json_agg({LINK_JSON} ORDER BY {LINK_ORDER}), '[]')
                    FROM negotiations_agendaitemarea ia {LINK_JOINS}
                    WHERE ia.round_id IN (SELECT id FROM compared)),
          'unmapped', {unmapped_sql("i.round_id IN (SELECT id FROM compared)")},
          'annotations', {annotations_sql("an.round_id = (SELECT id FROM target)")},
          'exclusions', {round_exclusions_sql("compared")},
          'disputes', {disputes_sql("d.round_id IN (SELECT id FROM compared)")})::text""",
        {"slug": slug, "include_planned": include_planned},
    )
    rows = doc["rounds"]
    compared, skipped = shape.basis_of(rows[-1], rows[:-1], include_planned)
    return orjson.dumps(shape.changes(rows[-1], compared, skipped, facts_from(doc)))


def agenda_matrix(conn, slug: str, include_planned: bool = False) -> bytes:
    doc = fetch(
        conn,
        f"""WITH neg AS (SELECT id, slug FROM negotiations_negotiation WHERE slug = %s),
        rounds AS (SELECT {ROUND_ROW} FROM negotiations_round r JOIN neg n
                   ON n.id = r.negotiation_id)
        SELECT json_build_object(
          'negotiation', (SELECT slug FROM neg),
          'rounds', (SELECT coalesce(json_agg(rounds ORDER BY sequence), '[]') FROM rounds),
          'links', (SELECT coalesce(json_agg({LINK_JSON} ORDER BY {LINK_ORDER}), '[]')
                    FROM negotiations_agendaitemarea ia {LINK_JOINS}
                    WHERE ia.round_id IN (SELECT id FROM rounds)),
          'areas', (SELECT coalesce(json_agg(json_build_object('slug', a.slug, 'name', a.name)
                           ORDER BY a.name, a.id), '[]')
                    FROM negotiations_agendaarea a WHERE a.id IN (
                        SELECT ia.area_id FROM negotiations_agendaitemarea ia
                        WHERE ia.round_id IN (SELECT id FROM rounds)
                        UNION SELECT x.area_id FROM negotiations_agendaexclusion x
                        WHERE x.negotiation_id = (SELECT id FROM neg))),
          'unmapped', {unmapped_sql("i.round_id IN (SELECT id FROM rounds)")},
          'annotations', {annotations_sql("an.round_id IN (SELECT id FROM rounds)")},
          'exclusions', {round_exclusions_sql("rounds")},
          'disputes', {disputes_sql("d.round_id IN (SELECT id FROM rounds)")})::text""",
        [slug],
    )
    return orjson.dumps(
        shape.matrix(
            doc["negotiation"], doc["rounds"], doc["areas"], facts_from(doc), include_planned
        )
    )


HISTORY_PAGE_SIZE = 20


def area_history(conn, slug: str, query: dict | None = None) -> bytes:
    """A page of the negotiations where the area appeared (by title), each with all its
    rounds; only the area's own links, annotations and disputes (and the disputes about
    those rounds' agendas as a whole) are needed, not whole agendas. Written with correlated
    subqueries and LATERAL so that the plan stays index lookups whatever the planner's
    (generic) estimate of how many rounds an area is on."""
    query = dict(query or {})
    size = int(query.get("page_size", HISTORY_PAGE_SIZE))
    page = query.get("page", "1")
    if page == "last":
        offset = f"(SELECT greatest((n - 1) / {size}, 0) * {size} FROM total)"
    else:
        offset = str((int(page) - 1) * size)
    in_rounds = "IN (SELECT id FROM rounds)"
    doc = fetch(
        conn,
        f"""WITH area AS MATERIALIZED (
            SELECT id, slug, name FROM negotiations_agendaarea WHERE slug = %(slug)s),
        links AS MATERIALIZED (
            SELECT ia.round_id, ia.item_id FROM negotiations_agendaitemarea ia
            WHERE ia.area_id = (SELECT id FROM area)),
        negs AS MATERIALIZED (
            SELECT n.id, n.slug, n.title FROM negotiations_negotiation n WHERE n.id IN (
                SELECT (SELECT r.negotiation_id FROM negotiations_round r
                        WHERE r.id = l.round_id) FROM links l)),
        total AS (SELECT count(*) AS n FROM negs),
        page AS MATERIALIZED (
            SELECT * FROM negs ORDER BY title, id LIMIT {size} OFFSET {offset}),
        rounds AS MATERIALIZED (
            SELECT {ROUND_ROW}, n.title AS negotiation_title, n.id AS negotiation_id
            FROM page n
            CROSS JOIN LATERAL (SELECT * FROM negotiations_round r0
                                WHERE r0.negotiation_id = n.id OFFSET 0) r)
        SELECT json_build_object(
          'area', (SELECT json_build_object('slug', slug, 'name', name) FROM area),
          'count', (SELECT n FROM total),
          'number', {offset} / {size} + 1,
          'pages', (SELECT greatest((n - 1) / {size}, 0) + 1 FROM total),
          'rounds', (SELECT coalesce(json_agg(rounds
                            ORDER BY negotiation_title, negotiation_id, sequence), '[]')
                     FROM rounds),
          'links', (SELECT coalesce(json_agg((
                        SELECT json_build_object('round', l.round_id, 'area', a.slug,
                            'name', a.name, 'item', i.slug, 'label', i.label,
                            'citations', {cites("agendaitem", "i.id")})
                        FROM negotiations_agendaitem i, area a WHERE i.id = l.item_id)
                    ORDER BY l.round_id), '[]')
                    FROM links l WHERE l.round_id {in_rounds}),
          'annotations', {
            annotations_sql(f"an.area_id = (SELECT id FROM area) AND an.round_id {in_rounds}")
        },
          'exclusions', {
            exclusions_sql(
                f"x.area_id = (SELECT id FROM area) AND (x.round_id {in_rounds} OR "
                "(x.round_id IS NULL AND x.negotiation_id IN (SELECT id FROM page)))"
            )
        },
          'disputes', {
            disputes_sql(
                f"d.round_id {in_rounds} AND (d.area_id = (SELECT id FROM area) "
                "OR d.area_id IS NULL)"
            )
        })::text""",
        {"slug": slug},
    )
    area, facts = doc["area"], facts_from(doc)
    include_planned = query.get("include_planned") == "true"
    by_negotiation: dict[int, list[dict]] = {}
    for row in doc["rounds"]:
        by_negotiation.setdefault(row["negotiation_id"], []).append(row)
    path = f"/api/v1/agenda-areas/{slug}/history/"
    number, pages = doc["number"], doc["pages"]
    links = {
        "count": doc["count"],
        "next": page_url(path, query, number + 1) if number < pages else None,
        "previous": page_url(path, query, number - 1) if number > 1 else None,
    }
    negotiations = [
        shape.history_negotiation(
            {"slug": rows[0]["negotiation"], "title": rows[0]["negotiation_title"]},
            rows,
            area["slug"],
            facts,
            include_planned,
        )
        for rows in by_negotiation.values()
    ]
    return orjson.dumps(shape.history(area, links, negotiations))


# --- Deadlines and people ----------------------------------------------------------------------

DEADLINE_JSON = f"""json_build_object(
    'id', d.id, 'slug', d.slug, 'title', d.title, 'kind', d.kind, 'negotiation', n.slug,
    'measure', m.slug, 'date', d.date, 'end_date', d.end_date,
    'date_precision', d.date_precision, 'date_as_reported', d.date_as_reported,
    'date_note', d.date_note, 'description', d.description,
    'days_remaining', d.date - %(as_of)s::date,
    'deadline_status', CASE WHEN d.date IS NULL THEN NULL
                            WHEN %(as_of)s::date < d.date THEN 'upcoming'
                            WHEN %(as_of)s::date <= coalesce(d.end_date, d.date) THEN 'due_today'
                            ELSE 'passed' END,
    'disputes', '[]'::json, 'citations', {cites("deadline", "d.id")},
    'created', {ts("d.created")}, 'updated', {ts("d.updated")})"""


def deadlines_list(conn, query: dict) -> bytes:
    """/deadlines/?as_of=&upcoming=true, one statement."""
    as_of = query["as_of"]
    where = "TRUE"
    if query.get("upcoming") == "true":
        where = (
            "(d.end_date >= %(as_of)s::date OR (d.end_date IS NULL AND d.date >= %(as_of)s::date))"
        )
    sql = f"""
        WITH total AS (SELECT count(*) AS n FROM negotiations_deadline d WHERE {where}),
        page AS (SELECT d.id FROM negotiations_deadline d WHERE {where}
                 ORDER BY d.date, d.id LIMIT {PAGE_SIZE})
        SELECT (SELECT n FROM total), (SELECT coalesce(json_agg(j ORDER BY date, id), '[]')::text
          FROM (SELECT {DEADLINE_JSON} AS j, d.date, d.id FROM negotiations_deadline d
                LEFT JOIN negotiations_negotiation n ON n.id = d.negotiation_id
                LEFT JOIN negotiations_measure m ON m.id = d.measure_id
                WHERE d.id IN (SELECT id FROM page)) shaped)"""
    with conn.cursor() as cursor:
        count, results = cursor.execute(sql, {"as_of": as_of}).fetchone()
    records = orjson.loads(results)
    for record in records:  # what the sources' dates make disputed
        record["disputes"] = provenance.value_disputes(provenance.DEADLINE_FACETS, record)
    path = "/api/v1/deadlines/"
    return orjson.dumps(
        {
            "count": count,
            "next": page_url(path, query, 2) if count > PAGE_SIZE else None,
            "previous": None,
            "results": records,
        }
    )


PERSON_JSON = f"""json_build_object(
    'id', p.id, 'slug', p.slug, 'name', p.name, 'party', pa.slug,
    'aliases', (SELECT coalesce(json_agg(json_build_object('name', al.name, 'kind', al.kind,
                'citations', {cites("personalias", "al.id")})
                ORDER BY al.name, al.id), '[]'::json)
                FROM negotiations_personalias al WHERE al.person_id = p.id),
    'roles', (SELECT coalesce(json_agg(json_build_object(
                'organization', o.slug, 'organization_name', o.name, 'title', ro.title,
                'is_acting', ro.is_acting, 'start_date', ro.start_date, 'end_date', ro.end_date,
                'citations', {cites("role", "ro.id")})
                ORDER BY ro.start_date DESC NULLS LAST, ro.title, ro.id), '[]'::json)
              FROM negotiations_role ro JOIN negotiations_organization o
              ON o.id = ro.organization_id WHERE ro.person_id = p.id),
    'notes', p.notes, 'created', {ts("p.created")}, 'updated', {ts("p.updated")})"""


def people_search(conn, query: dict) -> bytes:
    """/people/?search=: names and aliases, any case, one statement."""
    term = query["search"].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    where = """(p.name ILIKE %(term)s OR EXISTS (SELECT 1 FROM negotiations_personalias al
               WHERE al.person_id = p.id AND al.name ILIKE %(term)s))"""
    sql = f"""
        WITH matched AS (SELECT p.id, p.name FROM negotiations_person p WHERE {where}),
        page AS (SELECT id FROM matched ORDER BY name, id LIMIT {PAGE_SIZE})
        SELECT (SELECT count(*) FROM matched),
               (SELECT coalesce(json_agg(j ORDER BY name, id), '[]')::text FROM (
                  SELECT {PERSON_JSON} AS j, p.name, p.id FROM negotiations_person p
                  LEFT JOIN negotiations_party pa ON pa.id = p.party_id
                  WHERE p.id IN (SELECT id FROM page)) shaped)"""
    with conn.cursor() as cursor:
        count, results = cursor.execute(sql, {"term": f"%{term}%"}).fetchone()
    path = "/api/v1/people/"
    return orjson.dumps(
        {
            "count": count,
            "next": page_url(path, query, 2) if count > PAGE_SIZE else None,
            "previous": None,
            "results": orjson.Fragment(results),
        }
    )
