"""The editor's path through intake, one set of rules for the API and the admin.

* ``enter_article(...)``: the article stored as a Source through the write services (a URL
  another source has is refused by the Source's own rule, naming that source's slug);
* ``proposals_for(source)``: what intake proposes for a stored source (nothing it already
  recorded from it);
* ``accept_article(source, keys, corrections, user)``: the accepted proposals written in one
  transaction, after checking that the user holds every permission they need
  (``needed_permissions``) and that each correction names a field of its proposal;
* ``rendered(found)``: the plain rendering both show, each name or label with the closest
  known records (slug, name, score).
"""

import datetime
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError

from negotiations.domain.labels import PersonIndex
from negotiations.intake import proposals as kinds
from negotiations.intake.accept import Accepted, Refused, accept
from negotiations.intake.engine import propose
from negotiations.intake.proposals import Proposal, Proposals
from negotiations.models import Source

# What accepting a proposal of each kind adds (a round matched to a stored one changes it).
ADDS = {
    kinds.NEGOTIATION: "add_negotiation",
    kinds.PERSON: "add_person",
    kinds.PERSON_ALIAS: "add_personalias",
    kinds.ROUND: "add_round",
    kinds.PARTICIPANT: "add_participant",
    kinds.AGENDA_ITEM: "add_agendaitem",
    kinds.DEADLINE: "add_deadline",
    kinds.POSITION: "add_position",
}
# Fields of a proposal's values an editor may not correct: the round it is of (accept that
# round, or reject it), and notes of the engine's own.
NOT_CORRECTED = {
    "round",
    "suggestions",
    "mapped_by",
    "unmapped",
    "score",
    "matched",
    "previous_date",
}


def enter_article(
    *,
    title: str,
    text: str,
    url: str = "",
    publisher: str = "",
    published_on: datetime.date | None = None,
) -> Source:
    """Store the article as a source (validated as a form would: a URL another source has is
    refused, naming it), through the write services."""
    from negotiations.intake.accept import _create

    fields = {
        "title": title,
        "text": text,
        "url": url,
        "publisher": publisher,
        "published_on": published_on,
    }
    try:
        return _create(Source, fields, "article")
    except Refused as error:
        raise ValidationError(error.fields["article"]) from error


def proposals_for(source: Source) -> Proposals:
    return propose(source)


def _permission(codename: str) -> str:
    return f"negotiations.{codename}"


def _round_is_stored(found: Proposals, reference: str) -> bool:
    if ":" not in reference:
        return bool(reference)  # a stored round's slug
    try:
        return bool(found.get(reference).existing)
    except KeyError:
        return False


def needed_permissions(found: Proposals, keys: Iterable[str], corrections=None) -> dict:
    """Each accepted key -> the permissions writing it needs: its model's add permission
    (change for a stored round it completes; change_source for the publication day), to
    cite it (add_citation), to mark a stored round's agenda reported, to add a role, and to
    record an alias for a label the editor mapped to an area."""
    corrections = corrections or {}
    needed: dict[str, list[str]] = {}
    for key in keys:
        try:
            proposal = found.get(key)
        except KeyError:
            continue
        values = proposal.values
        if proposal.kind == kinds.SOURCE:
            codenames = ["change_source"]
        elif proposal.kind in (kinds.ROUND, kinds.DEADLINE) and proposal.existing:
            codenames = [f"change_{proposal.kind}"]  # a stored round completed, a deadline moved
        else:
            codenames = [ADDS[proposal.kind]]
        if proposal.kind == kinds.PERSON and values.get("title") and values.get("organization"):
            codenames.append("add_role")
        if proposal.kind == kinds.AGENDA_ITEM:
            if _round_is_stored(found, values.get("round", "")):
                codenames.append("change_round")
            if mapped_by_editor(proposal, corrections.get(key, {})):
                codenames.append("add_agendaareaalias")
        if proposal.kind != kinds.SOURCE and any(s.sentence for s in proposal.support):
            codenames.append("add_citation")
        needed[key] = [_permission(name) for name in dict.fromkeys(codenames)]
    return needed


def mapped_by_editor(proposal: Proposal, correction: Mapping) -> bool:
    """An unmapped label the editor gave areas for: the label becomes their alias."""
    return bool(proposal.values.get("unmapped") and correction.get("areas"))


def check_permissions(user, found: Proposals, keys, corrections=None) -> None:
    for key, permissions in needed_permissions(found, keys, corrections).items():
        for permission in permissions:
            if not user.has_perm(permission):
                raise PermissionDenied(
                    f"Accepting \u201c{key}\u201d needs the permission \u201c{permission}\u201d."
                )


def check_corrections(found: Proposals, keys: list[str], corrections: Mapping) -> None:
    """Each correction is of an accepted proposal, and names fields it has."""
    errors = {}
    for key, fields in corrections.items():
        if key not in keys:
            errors[f"corrections.{key}"] = "Not an accepted key: add it to keys, or leave it out."
            continue
        if not isinstance(fields, Mapping):
            errors[f"corrections.{key}"] = "Expected an object of field: value."
            continue
        allowed = set(found.get(key).values) - NOT_CORRECTED
        for name in fields:
            if name not in allowed:
                errors[f"corrections.{key}.{name}"] = (
                    f"Not a field this proposal has. Fields: {', '.join(sorted(allowed))}."
                )
    if errors:
        raise ValidationError(errors)


def accept_article(source: Source, keys, corrections=None, user=None) -> Accepted:
    """Write the accepted proposals of a stored source's article, in one transaction;
    PermissionDenied names the first permission missing, ValidationError the key and field
    (a correction's as ``corrections.<key>.<field>``)."""
    keys, corrections = list(dict.fromkeys(keys)), dict(corrections or {})
    found = proposals_for(source)
    unknown = [key for key in keys if key not in found.keys]
    if unknown:
        raise ValidationError(
            {
                "keys": [
                    f"No proposal \u201c{key}\u201d (already recorded, or never proposed)."
                    for key in unknown
                ]
            }
        )
    check_corrections(found, keys, corrections)
    if user is not None:
        check_permissions(user, found, keys, corrections)
    try:
        return accept(found, keys, corrections)
    except ValidationError as error:
        raise ValidationError(named_errors(error, corrections)) from error


def named_errors(error: ValidationError, corrections: Mapping) -> dict:
    """accept()'s errors named as fields of the request: a field of a proposal as its
    correction (``corrections.<key>.<field>``), anything else under ``keys``."""
    if isinstance(error, Refused):
        named: dict[str, list[str]] = {}
        for key, fields in error.fields.items():
            for name, messages in fields.items():
                field = "keys" if name == "__all__" else f"corrections.{key}.{name}"
                prefix = f"{key}: " if field == "keys" else ""
                named.setdefault(field, []).extend(prefix + message for message in messages)
        return named
    if not hasattr(error, "error_dict"):
        return {"keys": error.messages}
    return {
        "keys": [
            message if key == "keys" else f"{key}: {message}"
            for key, messages in error.message_dict.items()
            for message in messages
        ]
    }


# --- What the API and the admin show -----------------------------------------------------------


def plain(value):
    """Values as JSON has them (dates as YYYY-MM-DD)."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def closest(proposal: Proposal, people: PersonIndex | None) -> list[dict]:
    """The closest known records for a proposal's name or label: areas for an agenda item,
    people for a new person, a misspelling or a participant the database does not know."""
    values = proposal.values
    if proposal.kind == kinds.AGENDA_ITEM:
        return [
            {"slug": s["slug"], "name": s["name"], "score": float(s["score"])}
            for s in values.get("suggestions", [])
        ]
    name = ""
    if proposal.kind in (kinds.PERSON, kinds.PERSON_ALIAS):
        name = values.get("name", "")
    elif proposal.kind == kinds.PARTICIPANT and not values.get("person"):
        name = values.get("name_as_reported", "")
    if not name or people is None:
        return []
    return [{"slug": s.slug, "name": s.name, "score": float(s.score)} for s in people.suggest(name)]


def rendered(source: Source, found: Proposals) -> dict:
    """The source and what is proposed for it, each proposal with its sentence verbatim and
    the closest known records; informative kinds (dates, names the text mentions) after."""
    people = PersonIndex()
    return {
        "source": {
            "slug": source.slug,
            "title": source.title,
            "publisher": source.publisher,
            "url": source.url,
            "published_on": plain(source.published_on),
            "publication": plain(found.source.get("publication")),
        },
        "proposals": [
            {
                "key": p.key,
                "kind": p.kind,
                "writes": p.writes,
                "values": plain({k: v for k, v in p.values.items() if k != "suggestions"}),
                "sentence": p.sentence,
                "sentences": [
                    {"sentence": s.sentence, "facets": list(s.facets)} for s in p.support
                ],
                "refers": list(p.refers),
                "existing": p.existing,
                "note": p.note,
                "closest": closest(p, people),
            }
            for p in sorted(found.items, key=lambda p: not p.writes)
        ],
    }


def written(accepted: Accepted) -> dict:
    """What an accept wrote: the source's slug and each accepted key's record."""
    return {
        "source": accepted.source.slug,
        "written": [
            {"key": key, "type": record._meta.model_name, "slug": getattr(record, "slug", "")}
            for key, record in accepted.records.items()
        ],
    }
