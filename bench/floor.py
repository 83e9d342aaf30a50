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

from bench import shape
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
    """The citations of a fact, in slug order, as a JSON array."""
    return f"""(SELECT coalesce(json_agg(json_build_object(
            'slug', c.slug, 'source', s.slug, 'publisher', s.publisher, 'quote', c.quote)
            ORDER BY c.slug), '[]'::json)
        FROM negotiations_{fact}_citations t
        JOIN negotiations_citation c ON c.id = t.citation_id
        JOIN negotiations_source s ON s.id = c.source_id
        WHERE t.{fact}_id = {fact_id})"""


ROUND_JSON = f"""json_build_object(
    'slug', r.slug,
    'negotiation', json_build_object('slug', n.slug, 'title', n.title),
    'sequence', r.sequence, 'title', r.title, 'level', r.level, 'status', r.status,
    'start_date', r.start_date, 'end_date', r.end_date, 'date_precision', r.date_precision,
    'date_as_reported', r.date_as_reported, 'date_note', r.date_note, 'city', r.city,
    'region', r.region, 'country', r.country, 'venue', r.venue, 'occasion', r.occasion,
    'summary', r.summary, 'outcomes', r.outcomes, 'agenda_status', r.agenda_status,
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
            'role', p.role, 'citations', {cites("participant", "p.id")}
        ) ORDER BY pa.code, p.name_as_reported, p.id), '[]'::json)
        FROM negotiations_participant p
        JOIN negotiations_party pa ON pa.id = p.party_id
        LEFT JOIN negotiations_person pe ON pe.id = p.person_id
        LEFT JOIN negotiations_organization o ON o.id = p.organization_id
        WHERE p.round_id = r.id),
    'citations', {cites("round", "r.id")},
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
    joins: str = "",
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
            "results": orjson.Fragment(results),
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
    )


def round_detail(conn, slug: str) -> bytes:
    sql = f"""SELECT {ROUND_JSON}::text FROM negotiations_round r
              JOIN negotiations_negotiation n ON n.id = r.negotiation_id WHERE r.slug = %s"""
    with conn.cursor() as cursor:
        return cursor.execute(sql, [slug]).fetchone()[0].encode()


# --- Agenda changes, matrix, history -----------------------------------------------------------

ROUND_ROW = """r.id, r.slug, r.title, r.sequence, n.slug AS negotiation, r.level, r.status,
    r.start_date, r.end_date, r.date_precision, r.agenda_status"""

LINK_JSON = f"""json_build_object('round', ia.round_id, 'area', a.slug, 'name', a.name,
    'item', i.slug, 'label', i.label, 'citations', {cites("agendaitem", "i.id")})"""
LINK_JOINS = """JOIN negotiations_agendaitem i ON i.id = ia.item_id
    JOIN negotiations_agendaarea a ON a.id = ia.area_id"""
LINK_ORDER = 'ia.round_id, i."order", i.id, a.name'

ANNOTATION_JSON = f"""json_build_object('round', an.round_id, 'area', a.slug,
    'change', an.change, 'note', an.note,
    'citations', {cites("agendachangeannotation", "an.id")})"""


def fetch(conn, sql: str, params) -> dict:
    with conn.cursor() as cursor:
        return orjson.loads(cursor.execute(sql, params).fetchone()[0])


def agendas_from(links: list[dict]) -> dict[int, dict]:
    agendas: dict[int, dict] = defaultdict(dict)
    for link in links:
        agendas[link["round"]][link["area"]] = {
            "name": link["name"],
            "reported": {
                "item": link["item"],
                "label": link["label"],
                "citations": link["citations"],
            },
        }
    return agendas


def annotations_from(rows: list[dict]) -> dict[int, list[dict]]:
    by_round: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_round[row.pop("round")].append(row)
    return by_round


def negotiation_agenda_changes(conn, slug: str) -> bytes:
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
          'annotations', (SELECT coalesce(json_agg({ANNOTATION_JSON}
                                 ORDER BY an.round_id, a.name), '[]')
                          FROM negotiations_agendachangeannotation an
                          JOIN negotiations_agendaarea a ON a.id = an.area_id
                          WHERE an.round_id IN (SELECT id FROM rounds)))::text""",
        [slug],
    )
    rows, agendas = doc["rounds"], agendas_from(doc["links"])
    notes = annotations_from(doc["annotations"])
    return orjson.dumps(
        {
            "negotiation": doc["negotiation"],
            "changes": [
                shape.changes(row, compared, skipped, agendas, notes.get(row["id"], []))
                for row, (compared, skipped) in zip(rows, shape.bases(rows), strict=True)
            ],
        }
    )


def round_agenda_changes(conn, slug: str) -> bytes:
    """Only what one round's answer needs: the rounds back to its basis, two agendas."""
    doc = fetch(
        conn,
        f"""WITH target AS (SELECT id, negotiation_id, sequence FROM negotiations_round
                            WHERE slug = %s),
        basis AS (SELECT r.id, r.sequence FROM negotiations_round r, target t
                  WHERE r.negotiation_id = t.negotiation_id AND r.sequence < t.sequence
                    AND r.status <> 'cancelled' AND r.agenda_status = 'reported'
                  ORDER BY r.sequence DESC LIMIT 1),
        rounds AS (SELECT {ROUND_ROW} FROM negotiations_round r
                   JOIN negotiations_negotiation n ON n.id = r.negotiation_id, target t
                   WHERE r.negotiation_id = t.negotiation_id AND r.sequence <= t.sequence
                     AND r.sequence >= coalesce((SELECT sequence FROM basis), 0))
        SELECT json_build_object(
          'rounds', (SELECT json_agg(rounds ORDER BY sequence) FROM rounds),
          'links', (SELECT coalesce(json_agg({LINK_JSON} ORDER BY {LINK_ORDER}), '[]')
                    FROM negotiations_agendaitemarea ia {LINK_JOINS}
                    WHERE ia.round_id IN (SELECT id FROM target UNION SELECT id FROM basis)),
          'annotations', (SELECT coalesce(json_agg({ANNOTATION_JSON}
                                 ORDER BY an.round_id, a.name), '[]')
                          FROM negotiations_agendachangeannotation an
                          JOIN negotiations_agendaarea a ON a.id = an.area_id
                          WHERE an.round_id = (SELECT id FROM target)))::text""",
        [slug],
    )
    rows, agendas = doc["rounds"], agendas_from(doc["links"])
    notes = annotations_from(doc["annotations"])
    compared, skipped = shape.bases(rows)[-1]
    row = rows[-1]
    return orjson.dumps(shape.changes(row, compared, skipped, agendas, notes.get(row["id"], [])))


def agenda_matrix(conn, slug: str) -> bytes:
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
                    WHERE ia.round_id IN (SELECT id FROM rounds)))::text""",
        [slug],
    )
    rows, agendas = doc["rounds"], agendas_from(doc["links"])
    names = {link["area"]: link["name"] for link in doc["links"]}
    bases = shape.bases(rows)
    areas = sorted(names.items(), key=lambda item: item[1])
    return orjson.dumps(
        {
            "negotiation": doc["negotiation"],
            "rounds": [shape.round_ref(row) for row in rows],
            "areas": [
                {
                    "slug": area,
                    "name": name,
                    "cells": [
                        shape.cell(row, compared, area, agendas)
                        for row, (compared, _) in zip(rows, bases, strict=True)
                    ],
                }
                for area, name in areas
            ],
        }
    )


def area_history(conn, slug: str) -> bytes:
    """Only the area's own links are needed, not whole agendas. Written with correlated
    subqueries and LATERAL so that the plan stays index lookups whatever the planner's
    (generic) estimate of how many rounds an area is on."""
    doc = fetch(
        conn,
        f"""WITH area AS MATERIALIZED (
            SELECT id, slug, name FROM negotiations_agendaarea WHERE slug = %s),
        links AS MATERIALIZED (
            SELECT ia.round_id, ia.item_id FROM negotiations_agendaitemarea ia
            WHERE ia.area_id = (SELECT id FROM area)),
        negs AS MATERIALIZED (
            SELECT DISTINCT (SELECT r.negotiation_id FROM negotiations_round r
                             WHERE r.id = l.round_id) AS negotiation_id FROM links l),
        rounds AS (
            SELECT {ROUND_ROW}, n.title AS negotiation_title, n.id AS negotiation_id
            FROM negs JOIN negotiations_negotiation n ON n.id = negs.negotiation_id
            CROSS JOIN LATERAL (SELECT * FROM negotiations_round r0
                                WHERE r0.negotiation_id = negs.negotiation_id OFFSET 0) r)
        SELECT json_build_object(
          'area', (SELECT json_build_object('slug', slug, 'name', name) FROM area),
          'rounds', (SELECT coalesce(json_agg(rounds
                            ORDER BY negotiation_title, negotiation_id, sequence), '[]')
                     FROM rounds),
          'links', (SELECT coalesce(json_agg((
                        SELECT json_build_object('round', l.round_id, 'area', a.slug,
                            'name', a.name, 'item', i.slug, 'label', i.label,
                            'citations', {cites("agendaitem", "i.id")})
                        FROM negotiations_agendaitem i, area a WHERE i.id = l.item_id)
                    ORDER BY l.round_id), '[]')
                    FROM links l))::text""",
        [slug],
    )
    area = doc["area"]
    agendas = agendas_from(doc["links"])
    by_negotiation: dict[int, list[dict]] = {}
    for row in doc["rounds"]:
        by_negotiation.setdefault(row["negotiation_id"], []).append(row)
    return orjson.dumps(
        {
            "area": area,
            "negotiations": [
                shape.history_negotiation(
                    {"slug": rows[0]["negotiation"], "title": rows[0]["negotiation_title"]},
                    rows,
                    area["slug"],
                    agendas,
                )
                for rows in by_negotiation.values()
            ],
        }
    )


# --- Deadlines and people ----------------------------------------------------------------------

DEADLINE_JSON = f"""json_build_object(
    'slug', d.slug, 'title', d.title, 'kind', d.kind, 'negotiation', n.slug,
    'measure', m.slug, 'date', d.date, 'end_date', d.end_date,
    'date_precision', d.date_precision, 'date_as_reported', d.date_as_reported,
    'date_note', d.date_note, 'description', d.description,
    'days_remaining', d.date - %(as_of)s::date,
    'deadline_status', CASE WHEN %(as_of)s::date < d.date THEN 'upcoming'
                            WHEN %(as_of)s::date <= coalesce(d.end_date, d.date) THEN 'due_today'
                            ELSE 'passed' END,
    'citations', {cites("deadline", "d.id")},
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
    path = "/api/v1/deadlines/"
    return orjson.dumps(
        {
            "count": count,
            "next": page_url(path, query, 2) if count > PAGE_SIZE else None,
            "previous": None,
            "results": orjson.Fragment(results),
        }
    )


PERSON_JSON = f"""json_build_object(
    'slug', p.slug, 'name', p.name, 'party', pa.slug,
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
