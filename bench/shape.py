"""The agenda-comparison rules as pure functions over plain rows, for naive.py and floor.py.

An independent re-implementation of negotiations/domain/agenda.py (the benchmark checks that
all three implementations give the same JSON, so a change to the rules shows up as a
mismatch instead of a silently unfair comparison). Nothing here touches a database.

A round row is a dict with slug, title, sequence, negotiation (slug), level, status,
start_date, end_date (ISO strings or None), date_precision, agenda_status and an id.
An agenda is a dict: area slug -> {"name": area name, "reported": {item, label, citations}}.
"""

CANCELLED = "cancelled"
REPORTED = "reported"
SKIP_UNKNOWN = "agenda_not_reported"
SKIP_CANCELLED = "cancelled"

REASON_OWN_UNKNOWN = "This round's agenda was not reported: its changes are unknown."
REASON_NO_BASIS = "No earlier round with a reported agenda: every area is new."

REF_KEYS = (
    "slug",
    "title",
    "sequence",
    "negotiation",
    "level",
    "status",
    "start_date",
    "end_date",
    "date_precision",
    "agenda_status",
)


def round_ref(row: dict) -> dict:
    return {key: row[key] for key in REF_KEYS}


def skip_reason(row: dict) -> str | None:
    if row["status"] == CANCELLED:
        return SKIP_CANCELLED
    if row["agenda_status"] != REPORTED:
        return SKIP_UNKNOWN
    return None


def diff(before: dict, after: dict) -> dict[str, list]:
    def entry(slug):
        known = after.get(slug) or before[slug]
        return {
            "slug": slug,
            "name": known["name"],
            "before": before[slug]["reported"] if slug in before else None,
            "after": after[slug]["reported"] if slug in after else None,
        }

    def by_name(slugs):
        return sorted((entry(slug) for slug in slugs), key=lambda change: change["name"])

    return {
        "added": by_name(after.keys() - before.keys()),
        "dropped": by_name(before.keys() - after.keys()),
        "retained": by_name(before.keys() & after.keys()),
    }


def changes(
    row: dict, compared: dict | None, skipped: list[dict], agendas: dict, annotations: list
) -> dict:
    """One round's agenda changes. ``agendas``: round id -> agenda; ``annotations``: the
    round's annotations ({area, change, note, citations}) in area-name order."""
    result = {
        "round": round_ref(row),
        "compared_to": round_ref(compared) if compared else None,
        "comparable": False,
        "reason": "",
        "skipped": [{"round": round_ref(s), "reason": skip_reason(s) or ""} for s in skipped],
        "added": [],
        "dropped": [],
        "retained": [],
        "annotations": [],
    }
    if skip_reason(row) == SKIP_UNKNOWN:
        result["reason"] = REASON_OWN_UNKNOWN
        return result
    if compared is None:
        result["reason"] = REASON_NO_BASIS
        result["added"] = diff({}, agendas.get(row["id"], {}))["added"]
    else:
        result.update(
            comparable=True, **diff(agendas.get(compared["id"], {}), agendas.get(row["id"], {}))
        )
    compared_areas = {c["slug"] for key in ("added", "dropped", "retained") for c in result[key]}
    result["annotations"] = [note for note in annotations if note["area"] in compared_areas]
    return result


def bases(rows: list[dict]) -> list[tuple[dict | None, list[dict]]]:
    """For rounds in sequence: the basis of comparison and the rounds skipped, latest first."""
    out, basis, since = [], None, []
    for row in rows:
        out.append((basis, list(reversed(since))))
        if skip_reason(row) is None:
            basis, since = row, []
        else:
            since.append(row)
    return out


def cell(row: dict, compared: dict | None, area: str, agendas: dict) -> dict:
    """One areas x rounds cell: present / absent / unknown and the change it marks."""
    if skip_reason(row) == SKIP_UNKNOWN:
        state, change, reported = "unknown", None, None
    else:
        agenda = agendas.get(row["id"], {})
        state = "present" if area in agenda else "absent"
        reported = agenda[area]["reported"] if state == "present" else None
        before = agendas.get(compared["id"], {}) if compared else None
        if before is None:
            change = "added" if state == "present" else None
        elif state == "present":
            change = "retained" if area in before else "added"
        else:
            change = "dropped" if area in before else None
    return {
        "round": row["slug"],
        "state": state,
        "change": change,
        "label": reported["label"] if reported else None,
        "item": reported["item"] if reported else None,
        "citations": reported["citations"] if reported else [],
    }


def history_negotiation(negotiation: dict, rows: list[dict], area: str, agendas: dict) -> dict:
    """One negotiation's part of an area history."""
    cells = [
        cell(row, compared, area, agendas)
        for row, (compared, _) in zip(rows, bases(rows), strict=True)
    ]
    return {
        "negotiation": negotiation,
        "rounds": [{**c, "round": round_ref(row)} for row, c in zip(rows, cells, strict=True)],
        "events": [
            {"round": row["slug"], "change": c["change"]}
            for row, c in zip(rows, cells, strict=True)
            if c["change"] in ("added", "dropped")
        ],
    }
