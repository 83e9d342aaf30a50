"""Small builders for test data that is independent of the seed fixtures."""

import datetime
import itertools

from negotiations import models
from negotiations.choices import AgendaBasis, AgendaStatus, RoundStatus

_counter = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}-{next(_counter)}"


def party(**fields) -> models.Party:
    slug = fields.pop("slug", unique("party"))
    return models.Party.objects.create(
        slug=slug,
        name=fields.pop("name", slug.title()),
        code=fields.pop("code", slug[-8:]),
        **fields,
    )


def person(**fields) -> models.Person:
    slug = fields.pop("slug", unique("person"))
    return models.Person.objects.create(
        slug=slug, name=fields.pop("name", slug.replace("-", " ").title()), **fields
    )


def organization(**fields) -> models.Organization:
    slug = fields.pop("slug", unique("organization"))
    return models.Organization.objects.create(
        slug=slug,
        name=fields.pop("name", slug.replace("-", " ").title()),
        party=fields.pop("party", None) or party(),
        **fields,
    )


def alias(model, name: str = "Another Spelling"):
    """An alias of one of the kinds that have an owner (party, organization, person)."""
    owner = {
        models.PartyAlias: party,
        models.OrganizationAlias: organization,
        models.PersonAlias: person,
    }[model]()
    return owner.aliases.create(name=name)


def negotiation(**fields) -> models.Negotiation:
    parties = fields.pop("parties", None)
    slug = fields.pop("slug", unique("negotiation"))
    created = models.Negotiation.objects.create(
        slug=slug, title=fields.pop("title", slug.replace("-", " ")), **fields
    )
    created.parties.set(parties if parties is not None else [party(), party()])
    return created


def area(**fields) -> models.AgendaArea:
    slug = fields.pop("slug", unique("area"))
    return models.AgendaArea.objects.create(
        slug=slug, name=fields.pop("name", slug.replace("-", " ").title()), **fields
    )


def round(negotiation, sequence: int, **fields) -> models.Round:
    agenda = fields.pop("agenda", None)
    slug = fields.pop("slug", unique(f"{negotiation.slug}-round-{sequence}"))
    defaults = {
        "title": f"Round {sequence}",
        "status": RoundStatus.HELD,
        "start_date": datetime.date(2025, 1, 1) + datetime.timedelta(days=7 * sequence),
        "agenda_status": AgendaStatus.REPORTED if agenda is not None else AgendaStatus.NOT_REPORTED,
        "agenda_basis": AgendaBasis.DISCUSSED if agenda is not None else "",
    }
    created = models.Round.objects.create(
        negotiation=negotiation, sequence=sequence, slug=slug, **{**defaults, **fields}
    )
    for order, (label, areas) in enumerate((agenda or {}).items(), start=1):
        agenda_item(created, label, areas, order=order)
    return created


def agenda_item(round, label: str, areas, **fields) -> models.AgendaItem:
    item = models.AgendaItem.objects.create(
        round=round, label=label, slug=fields.pop("slug", unique("item")), **fields
    )
    for mapped in areas if isinstance(areas, list | tuple) else [areas]:
        models.AgendaItemArea.objects.create(item=item, area=mapped, round=round)
    return item


def source(**fields) -> models.Source:
    slug = fields.pop("slug", unique("source"))
    return models.Source.objects.create(
        slug=slug,
        title=fields.pop("title", slug),
        publisher=fields.pop("publisher", "Test"),
        **fields,
    )


def citation(source_=None, quote="A quote.", **fields) -> models.Citation:
    return models.Citation.objects.create(
        source=source_ or source(),
        quote=quote,
        slug=fields.pop("slug", unique("citation")),
        **fields,
    )


def deadline(**fields) -> models.Deadline:
    slug = fields.pop("slug", unique("deadline"))
    return models.Deadline.objects.create(
        slug=slug,
        title=fields.pop("title", slug.replace("-", " ")),
        kind=fields.pop("kind", "other"),
        date=fields.pop("date", datetime.date(2025, 7, 1)),
        **fields,
    )


def measure(**fields) -> models.Measure:
    slug = fields.pop("slug", unique("measure"))
    return models.Measure.objects.create(
        slug=slug,
        title=fields.pop("title", slug.replace("-", " ")),
        kind=fields.pop("kind", "sectoral_tariff"),
        imposing_party=fields.pop("imposing_party", None) or party(),
        status=fields.pop("status", "proposed"),
        **fields,
    )


def cited_rounds(negotiation, areas, source, sequences) -> list[models.Round]:
    """Rounds in bulk, to grow the data: every fifth with its agenda not reported, the others
    with three items; each round, item and a deadline per round cite ``source``."""
    rounds = []
    for sequence in sequences:
        agenda = (
            None
            if sequence % 5 == 0
            else {f"item {sequence}-{i}": areas[(sequence + i) % len(areas)] for i in range(3)}
        )
        created = round(negotiation, sequence, agenda=agenda)
        created.citations.add(citation(source))
        for item in created.agenda_items.all():
            item.citations.add(citation(source, quote=f"On {item.label}."))
        deadline(
            slug=f"bulk-deadline-{sequence}",
            title=f"Deadline {sequence}",
            negotiation=negotiation,
            date=datetime.date(2025, 6, 1) + datetime.timedelta(days=sequence),
        ).citations.add(citation(source))
        rounds.append(created)
    return rounds


def exclusion(**fields) -> models.AgendaExclusion:
    """An area a cited source says is off a negotiation's agenda (or a round's)."""
    negotiation_ = fields.pop("negotiation", None) or negotiation()
    exclusion_ = models.AgendaExclusion.objects.create(
        slug=fields.pop("slug", unique("exclusion")),
        negotiation=negotiation_,
        area=fields.pop("area", None) or area(),
        **fields,
    )
    exclusion_.citations.add(citation())
    return exclusion_
