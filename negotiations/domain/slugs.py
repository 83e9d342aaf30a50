"""The slug rule, one for every write path (the API, the admin, fixture loading).

A slug is readable and stable: the words it is made from, transliterated to ASCII rather than
dropped ("Ahn–Greer" is ``ahn-greer``, "Jeju 제주" is ``jeju-jeju``), lower case, words joined
by hyphens. An agenda item's slug is its round's, two hyphens, and its label
(``jeju-ministerial-2025-05-16--balanced-trade``); a citation's starts with its source's the
same way, an agenda exclusion's with its round's (or its negotiation's), then its area's. A
slug already taken gets ``-2``, ``-3``... Slugs never change once made.
"""

import re

from anyascii import anyascii
from django.db import models
from django.utils.text import slugify

from negotiations.models import AgendaExclusion, AgendaItem, Citation

MAX_LENGTH = 120  # SluggedModel.slug
# Room left for a "-NN" suffix when a slug is taken.
_SUFFIX_ROOM = 4
# Every dash and hyphen of Unicode (en and em dashes, minus, non-breaking hyphen...).
_DASHES = re.compile(r"[\u2010-\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d]")
_APOSTROPHES = re.compile(r"[\u2018\u2019\u02bc']")

# Slugs the API's URLs use for themselves (/rounds/compare/): a record never gets one, so
# that the URL always answers as itself (a guard test compares this with the API's routes).
RESERVED = {"round": {"compare"}}

# What each model's slug is made from, when the writer gives none.
SLUG_SOURCES = {
    "party": "name",
    "organization": "name",
    "person": "name",
    "agendaarea": "name",
    "negotiation": "title",
    "round": "title",
    "deadline": "title",
    "measure": "title",
    "source": "title",
    "disagreement": "title",
    "position": "summary",
    "agendaitem": "label",
    "citation": "quote",
}


def slug_text(text: str, max_length: int = MAX_LENGTH) -> str:
    """The slug of some words: transliterated, dashes kept as hyphens, apostrophes dropped
    ("Korea's" is ``koreas``), signs spelled out ("2+2" is ``2plus2``, "&" is ``and``), cut
    at a word boundary to ``max_length``."""
    text = _APOSTROPHES.sub("", _DASHES.sub("-", text or ""))
    text = anyascii(text).replace("&", " and ").replace("+", "plus").replace("%", " percent ")
    slug = slugify(text)
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut[:max_length]
    return slug.strip("-")


def _prefixed(prefix: str, text: str, fallback: str) -> str:
    room = MAX_LENGTH - _SUFFIX_ROOM - len(prefix) - 2
    words = slug_text(text, max(room, 8)) or fallback
    return f"{prefix}--{words}" if prefix else words


def base_slug(model: type[models.Model], values: dict) -> str:
    """The slug the rule makes for a record of ``model`` with these field values (the
    related records as instances: an item's round, a citation's source), before any suffix."""
    name = model._meta.model_name
    if model is AgendaItem:
        round_ = values.get("round")
        return _prefixed(round_.slug if round_ else "", values.get("label", ""), "item")
    if model is Citation:
        source = values.get("source")
        return _prefixed(source.slug if source else "", values.get("quote", ""), "quote")
    if model is AgendaExclusion:  # <round or negotiation>--<area>-excluded
        where = values.get("round") or values.get("negotiation")
        area = values.get("area")
        return _prefixed(
            where.slug if where else "", f"{area.slug if area else 'area'} excluded", "excluded"
        )
    field = SLUG_SOURCES.get(name, "title")
    return slug_text(str(values.get(field) or ""), MAX_LENGTH - _SUFFIX_ROOM) or name


def first_free(base: str, taken: set[str]) -> str:
    candidate, counter = base, 2
    while candidate in taken:
        candidate, counter = f"{base}-{counter}", counter + 1
    return candidate


def unique_slug(model: type[models.Model], values: dict, *, exclude_pk=None, reserved=()) -> str:
    """A new record's slug: the rule's, with the first free suffix if it is taken (one
    query); ``reserved`` are slugs given to records not saved yet (one form's new rows)."""
    base = base_slug(model, values)
    taken = set(
        model._default_manager.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    return first_free(base, taken | set(reserved) | RESERVED.get(model._meta.model_name, set()))


def _values(instance: models.Model) -> dict:
    """An instance's field values as base_slug() takes them (its round and source too)."""
    model = type(instance)
    values = {
        field.name: getattr(instance, field.name, None)
        for field in model._meta.concrete_fields
        if not field.is_relation
    }
    for relation in ("round", "source"):
        if getattr(instance, f"{relation}_id", None):
            values[relation] = getattr(instance, relation)
    return values


def unique_slug_for(instance: models.Model, *, reserved=()) -> str:
    """unique_slug() for an unsaved instance, from its own field values."""
    return unique_slug(type(instance), _values(instance), exclude_pk=instance.pk, reserved=reserved)


def fixture_slug(record: models.Model) -> None:
    """Give a record loaded from a fixture without a slug the rule's slug. A stored record
    with that slug made from the same words is the same record (the fixture loaded again):
    the loaded one replaces it; any other record keeps its slug and this one takes the next
    free suffix."""
    model = type(record)
    source_field = SLUG_SOURCES.get(model._meta.model_name, "title")
    plain = base_slug(model, _values(record))
    scope = {"round_id": record.round_id} if model is AgendaItem else {}
    same = (
        model._default_manager.filter(
            slug=plain, **scope, **{source_field: getattr(record, source_field)}
        )
        .values_list("pk", flat=True)
        .first()
    )
    if same is not None:
        record.pk, record.slug = same, plain
    else:
        record.slug = unique_slug_for(record)
