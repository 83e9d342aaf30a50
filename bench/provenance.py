"""Field-level provenance as pure functions over the API's citation refs, for shape.py.

An independent re-implementation of negotiations/domain/provenance.py and agenda_lists.py
(no Django): the benchmark checks that the three implementations agree, so a change to the
rules shows up as a mismatch. A citation ref is the API's: {slug, source, publisher, quote,
published_on (ISO day or None), facets (names; [] = every facet), values (facet -> {field:
value as that source gave it}), reports_change}.

The rules:

* A facet's value as a quote gives it: its link's value for that facet, the fields it
  leaves out empty; else the record's current fields.
* The quotes stating a facet (or a facet that implies it), in order of publication day
  (undated last) then citation slug, make its versions: a *wording* or *progress* facet's
  later value supersedes every earlier one; a *window* (a date) is refined by a window
  inside it and confirmed by one around a finer one; an *exact* fact agrees with a value
  that differs only where one of them is empty (the two merge), and otherwise stands beside
  it. A quote that reports a change supersedes every earlier value.
* Two versions left standing are a dispute (one per facet; wordings and progress never).
* A source that gives a round's whole list (facet ``agenda_list``) disputes every area that
  another source lists and it does not (the areas of the items it cites, unless its value
  names them), and so does a source saying the area was off that round.
"""

from dataclasses import dataclass, field

WORDING, PROGRESS, WINDOW, EXACT = "wording", "progress", "window", "exact"
AGENDA_LIST = "agenda_list"

# name -> (fields, kind, implies); the virtual agenda_list implies the agenda facet.
ROUND_FACETS = {
    "title": (("title",), WORDING),
    "level": (("level",), EXACT),
    "status": (("status",), PROGRESS),
    "date": (("start_date", "end_date", "date_precision", "date_as_reported", "date_note"), WINDOW),
    "place": (("city", "region", "country"), EXACT),
    "venue": (("venue",), WORDING),
    "occasion": (("occasion",), WORDING),
    "summary": (("summary",), WORDING),
    "outcomes": (("outcomes",), WORDING),
    "agenda": (("agenda_status", "agenda_basis"), PROGRESS),
}
IMPLIED_BY = {"agenda": (AGENDA_LIST,)}
DEADLINE_FACETS = {
    "title": (("title",), WORDING),
    "kind": (("kind",), EXACT),
    "date": (("date", "end_date", "date_precision", "date_as_reported", "date_note"), WINDOW),
    "description": (("description",), WORDING),
}
# Fields that hold no text: empty is null (text is "").
NULL_WHEN_EMPTY = {"start_date", "end_date", "date", "agenda_basis"}
FACET_TOPICS = {"date": "date_place", "place": "date_place", "venue": "date_place"}


def empty(name: str):
    return None if name in NULL_WHEN_EMPTY else ""


def _normal(value):
    if isinstance(value, str):
        return " ".join(value.split()).casefold()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value


def _blank(value) -> bool:
    return value in (None, "", False)


@dataclass
class Version:
    value: dict
    refs: list = field(default_factory=list)
    superseded: bool = False


def order(ref: dict) -> tuple:
    return (ref.get("published_on") or "9999-12-31", ref["slug"])


def states(ref: dict, name: str) -> bool:
    facets = ref.get("facets") or ()
    return not facets or name in facets or any(o in facets for o in IMPLIED_BY.get(name, ()))


def value_of(ref: dict, name: str, fields: tuple, current: dict) -> dict:
    given = (ref.get("values") or {}).get(name)
    if given is None:
        return {f: current.get(f) for f in fields}
    return {f: given.get(f, empty(f)) for f in fields}


def _window(fields, value):
    start, end = value.get(fields[0]), value.get(fields[1])
    return start, end or start


def _contains(fields, outer, inner) -> bool:
    (o_start, o_end), (i_start, i_end) = _window(fields, outer), _window(fields, inner)
    if o_start is None:
        return True
    if i_start is None:
        return False
    return o_start <= i_start and i_end <= o_end


def _same(fields, kind, a, b) -> bool:
    if kind == WINDOW:
        return _window(fields, a) == _window(fields, b)
    return all(_normal(a.get(f)) == _normal(b.get(f)) for f in fields)


def versions(facets: dict, name: str, refs, current: dict, day: str | None = None):
    """(the value shown or None if unknown, the versions left standing) of one facet."""
    fields, kind = facets[name]
    stating = sorted(
        (
            ref
            for ref in refs
            if states(ref, name)
            and (day is None or (ref.get("published_on") and ref["published_on"] <= day))
        ),
        key=order,
    )
    found: list[Version] = []
    for ref in stating:
        value = value_of(ref, name, fields, current)
        standing = [v for v in found if not v.superseded]
        if ref.get("reports_change") or kind in (WORDING, PROGRESS):
            match = next((v for v in standing if _same(fields, kind, v.value, value)), None)
            if match is not None and not ref.get("reports_change"):
                match.refs.append(ref)
                found.remove(match)
                found.append(match)
                continue
            for v in standing:
                v.superseded = True
            found.append(Version(value, [ref]))
            continue
        match = next((v for v in standing if _same(fields, kind, v.value, value)), None)
        if match is not None:
            match.refs.append(ref)
            continue
        if kind == WINDOW:
            coarser = [v for v in standing if _contains(fields, v.value, value)]
            finer = [v for v in standing if _contains(fields, value, v.value)]
            if finer and not coarser:
                finer[-1].refs.append(ref)
                continue
            for v in coarser:
                v.superseded = True
            found.append(Version(value, [ref]))
            continue
        agreeing = [
            v
            for v in standing
            if all(
                _normal(v.value.get(f)) == _normal(value.get(f))
                or _blank(_normal(v.value.get(f)))
                or _blank(_normal(value.get(f)))
                for f in fields
            )
        ]
        if agreeing:
            version = agreeing[-1]
            version.refs.append(ref)
            version.value = {f: version.value[f] if _blank(value[f]) else value[f] for f in fields}
            continue
        found.append(Version(value, [ref]))
    standing = [v for v in found if not v.superseded]
    if not standing:
        return None, []
    shown = max(standing, key=lambda v: max(order(ref) for ref in v.refs))
    return dict(shown.value), standing


def value_disputes(facets: dict, record: dict, day: str | None = None) -> list[dict]:
    """The disputes a record's values make, as the record lists them (one per facet)."""
    refs = record.get("citations") or []
    if not refs:
        return []
    title = record.get("title") or record.get("slug")
    found = []
    for name, (_fields, kind) in facets.items():
        if kind in (WORDING, PROGRESS):
            continue
        _shown, standing = versions(facets, name, refs, record, day)
        if len(standing) > 1:
            found.append(
                {
                    "slug": f"{record['slug']}--{name}",
                    "title": f"The sources give different {name.replace('_', ' ')} for "
                    f"{title} (see claims/).",
                    "topic": FACET_TOPICS.get(name, "other"),
                    "status": "open",
                    "area": None,
                    "facet": name,
                    "computed": True,
                }
            )
    return found


def list_disputes(row: dict, agenda: dict, item_refs: dict, round_refs, exclusions) -> list:
    """The disputes the sources' lists make about a round's agenda, one per listed area
    (``agenda``: slug -> {name}; ``item_refs``: slug -> the citations of the items listing
    it; ``exclusions``: the areas said to be off that round, with their citations)."""
    listed_by = {area: {ref["source"] for ref in refs} for area, refs in item_refs.items()}
    lists: dict = {}
    for ref in round_refs:
        if AGENDA_LIST not in (ref.get("facets") or ()):
            continue
        source = ref["source"]
        given = (ref.get("values") or {}).get(AGENDA_LIST, {}).get("areas")
        areas = (
            set(given)
            if given is not None
            else {area for area, sources in listed_by.items() if source in sources}
        )
        known, quotes = lists.setdefault(source, (set(), []))
        known |= areas
        quotes.append(dict(ref))
    excluded = {entry["slug"]: entry for entry in exclusions}
    found = []
    for area, data in sorted(agenda.items(), key=lambda pair: pair[1]["name"]):
        against = [
            quote
            for source, (areas, quotes) in sorted(lists.items())
            if area not in areas and source not in listed_by.get(area, set())
            for quote in quotes
        ]
        if area in excluded:
            against.extend(excluded[area]["citations"])
        if not against:
            continue
        name = data["name"]
        listing = {ref["slug"]: dict(ref) for ref in item_refs.get(area, [])}
        found.append(
            {
                "slug": f"{row['slug']}--{area}--listed",
                "title": f"Was {name} on the agenda of {row['title']}?",
                "status": "open",
                "topic": "agenda",
                "round": row["slug"],
                "area": area,
                "computed": True,
                "claims": [
                    {
                        "label": "A",
                        "claim": f"{name} was on the agenda: these sources list it.",
                        "citations": sorted(listing.values(), key=lambda ref: ref["slug"]),
                    },
                    {
                        "label": "B",
                        "claim": f"{name} was not on the agenda: these sources give the list "
                        "without it, or say it was off.",
                        "citations": sorted(
                            {ref["slug"]: ref for ref in against}.values(),
                            key=lambda ref: ref["slug"],
                        ),
                    },
                ],
            }
        )
    return found


def round_disputes(record: dict, exclusions) -> list[dict]:
    """What a round's values and lists make disputed (RoundSerializer's shape: ``record``
    with its agenda items, their areas and citations, and its own citations; ``exclusions``:
    the areas said to be off that round itself)."""
    found = value_disputes(ROUND_FACETS, record)
    if not record.get("agenda"):
        return found
    gives_a_list = any(AGENDA_LIST in (ref.get("facets") or ()) for ref in record["citations"])
    if not gives_a_list and not exclusions:
        return found
    agenda, item_refs = {}, {}
    for item in record["agenda"]:
        for area in item.get("areas") or ():
            agenda[area["slug"]] = {"name": area["name"]}
            item_refs.setdefault(area["slug"], []).extend(item.get("citations") or ())
    listed = [entry for entry in exclusions if entry["slug"] in agenda]
    for dispute in list_disputes(record, agenda, item_refs, record["citations"], listed):
        found.append(
            {
                **{key: dispute[key] for key in ("slug", "title", "topic", "status", "area")},
                "facet": AGENDA_LIST,
                "computed": True,
            }
        )
    return found


def label_of(current: str, refs) -> str:
    """An agenda item's label: the wording of the latest quote stating it."""
    shown, _ = versions({"label": (("label",), WORDING)}, "label", refs, {"label": current})
    return shown["label"] if shown else current
