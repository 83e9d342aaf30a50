"""A deterministic synthetic data set for load tests and benchmarks.

``python manage.py generate_synthetic --size small|medium|large [--seed 42] [--clear]``.

Shape (per negotiation): 2-3 parties, 20-60 rounds (the flagship negotiation ``syn-neg-00000``
always has 60), levels and statuses of real talks (a few cancelled, postponed and planned
rounds), about 10 % of rounds with an agenda nobody reported, 4-10 agenda items per reported
round drawn from ~40 canonical areas with churn from round to round (most areas retained,
one or two added and dropped), items reported under aliases and sometimes covering two
areas, 2-6 participants per round named as reported (misspellings included), positions,
deadlines, a measure, and 1-3 citations per fact quoting the negotiation's own sources.

Determinism: the global pools (parties, organizations, people, areas) come from
``random.Random(seed)``; each negotiation from its own ``random.Random(f"{seed}:{index}")``,
so negotiation *i* has the same rounds and agendas at every size that has the same pools
(small, medium and large share them, except the number of parties and people). Every slug
starts with ``syn-`` so the set never collides with the seed fixtures and can be removed.

Speed: rows are built as unsaved model instances with their primary keys assigned up front
(no round trip to learn ids), buffered and written with ``bulk_create`` in batches, one
transaction per chunk of negotiations, in foreign-key order; sequences are reset at the end.
"""

from __future__ import annotations

import datetime
import json
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import JSONField, Max

from negotiations import models as m
from negotiations import registry
from negotiations.choices import (
    AgendaBasis,
    AgendaChange,
    AgendaStatus,
    AliasKind,
    DatePrecision,
    DeadlineKind,
    DisagreementTopic,
    MeasureKind,
    MeasureStatus,
    NegotiationRelationKind,
    NegotiationStatus,
    OrganizationKind,
    PositionKind,
    RoundLevel,
    RoundStatus,
)
from negotiations.domain.versioning import bump_data_version

PREFIX = "syn-"
FLAGSHIP = "syn-neg-00000"


@dataclass(frozen=True)
class Size:
    negotiations: int
    rounds: tuple[int, int]
    parties: int
    people_per_party: int
    flagship_rounds: int | None = 60


SIZES: dict[str, Size] = {
    # For tests: two negotiations, about 30 rounds.
    "tiny": Size(negotiations=2, rounds=(12, 18), parties=4, people_per_party=3,
                 flagship_rounds=None),
    "small": Size(negotiations=25, rounds=(20, 60), parties=20, people_per_party=10),
    "medium": Size(negotiations=500, rounds=(20, 60), parties=40, people_per_party=20),
    "large": Size(negotiations=2500, rounds=(20, 60), parties=50, people_per_party=30),
}  # fmt: skip

# --- Vocabulary ---------------------------------------------------------------------------------

AREA_NAMES = [
    "Automotive tariffs",
    "Agricultural market access",
    "Steel and aluminium quotas",
    "Semiconductor supply chains",
    "Services liberalisation",
    "Government procurement",
    "Intellectual property",
    "Export controls",
    "Critical minerals",
    "Customs facilitation",
    "Sanitary and phytosanitary rules",
    "Investment screening",
    "Data localisation",
    "Financial services",
    "Pharmaceutical pricing",
    "Labour standards",
    "Environmental standards",
    "Technical barriers to trade",
    "Anti-dumping duties",
    "Countervailing duties",
    "State-owned enterprises",
    "Competition policy",
    "Dispute settlement",
    "Telecommunications",
    "Textiles and apparel",
    "Rice market access",
    "Beef imports",
    "Dairy quotas",
    "Visa facilitation",
    "Climate finance",
    "Nuclear energy cooperation",
    "Aerospace",
    "Shipping and logistics",
    "E-commerce customs duties",
    "Small business provisions",
    "Regulatory coherence",
    # Rare areas: each on the agenda of a fixed few negotiations (the area-history benchmark).
    "Fisheries subsidies",
    "Geographical indications",
    "Public health cooperation",
    "Development assistance",
]
RARE_AREAS = 4  # the last RARE_AREAS names
RARE_NEGOTIATIONS = 12  # rare area r is used by negotiations r, r + 4 and r + 8 only

SYLLABLES = [
    "al", "bor", "ca", "dor", "el", "fa", "gar", "hel", "ir", "jo", "ka", "lu", "mar", "nor",
    "os", "pa", "qua", "ri", "sa", "tor", "ul", "va", "wes", "xa", "yor", "zan", "ben", "cor",
]  # fmt: skip
FIRST_NAMES = [
    "Anna", "Boris", "Chen", "Daniela", "Emeka", "Farah", "Gustav", "Hana", "Ivan", "Jamila",
    "Kenji", "Lucia", "Mateo", "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Sergei", "Tomas",
    "Ursula", "Viktor", "Wen", "Ximena", "Yusuf", "Zofia", "Amara", "Bjorn", "Carmen", "Dmitri",
    "Elena", "Felix", "Grace", "Hugo", "Ingrid", "Jonas", "Katarina", "Leon", "Mariam", "Nikolai",
]  # fmt: skip
LAST_NAMES = [
    "Abernathy", "Bergstrom", "Castellanos", "Delacroix", "Eriksen", "Fitzgerald", "Gonzalez",
    "Hakimi", "Ivanova", "Jablonski", "Kowalczyk", "Lindqvist", "Moreau", "Nakamura",
    "Okonkwo", "Petrovic", "Quintero", "Rasmussen", "Schneider", "Tanaka", "Uchenna",
    "Valentini", "Wojcik", "Xiong", "Yamamoto", "Zimmermann", "Achterberg", "Baptiste",
    "Chakraborty", "Dimitriou", "Esposito", "Fujimori", "Grigoryan", "Haddad", "Iglesias",
    "Jovanovic", "Kristiansen", "Lombardi", "Mbeki", "Novak",
]  # fmt: skip
CITIES = [
    ("Geneva", "Canton of Geneva", "CH"), ("Brussels", "Brussels-Capital", "BE"),
    ("Washington", "District of Columbia", "US"), ("Seoul", "", "KR"), ("Tokyo", "", "JP"),
    ("Singapore", "", "SG"), ("Jakarta", "", "ID"), ("Nairobi", "", "KE"), ("Lima", "", "PE"),
    ("Ottawa", "Ontario", "CA"), ("Canberra", "ACT", "AU"), ("Paris", "Ile-de-France", "FR"),
    ("Berlin", "", "DE"), ("Rome", "Lazio", "IT"), ("Madrid", "", "ES"),
    ("Mexico City", "", "MX"), ("Brasilia", "Federal District", "BR"),
    ("Buenos Aires", "", "AR"), ("Santiago", "", "CL"), ("Bangkok", "", "TH"),
    ("Hanoi", "", "VN"), ("Manila", "", "PH"), ("New Delhi", "Delhi", "IN"),
    ("Beijing", "", "CN"), ("Cairo", "", "EG"), ("Abuja", "", "NG"), ("Pretoria", "Gauteng", "ZA"),
    ("London", "", "GB"), ("Oslo", "", "NO"), ("Stockholm", "", "SE"), ("Vienna", "", "AT"),
    ("Doha", "", "QA"), ("Riyadh", "", "SA"), ("Ankara", "", "TR"), ("Wellington", "", "NZ"),
    ("Kuala Lumpur", "", "MY"), ("Osaka", "", "JP"), ("Busan", "", "KR"), ("Lisbon", "", "PT"),
    ("Osaka", "Kansai", "JP"),
]  # fmt: skip
VENUES = ["Ministry of Trade", "Palais des Nations", "Foreign Ministry", "Government House",
          "Convention Centre", "Embassy", "Grand Hotel", ""]  # fmt: skip
OCCASIONS = ["", "", "", "on the sidelines of the G20 trade ministers' meeting",
             "on the sidelines of the APEC ministerial", "during the WTO General Council",
             "at the annual economic dialogue"]  # fmt: skip
PUBLISHERS = ["Reuters", "Yonhap", "Associated Press", "Nikkei Asia", "Financial Times",
              "Bloomberg", "Agence France-Presse", "Politico", "Korea JoongAng Daily"]  # fmt: skip
ORGANIZATIONS = [
    ("Ministry of Trade", "MOT", OrganizationKind.MINISTRY, "Trade Ministry"),
    ("Ministry of Finance", "MOF", OrganizationKind.MINISTRY, "Finance Ministry"),
    ("Office of the Trade Representative", "OTR", OrganizationKind.AGENCY, "Trade Office"),
    ("Office of the President", "OP", OrganizationKind.HEAD_OF_STATE, "Presidential Office"),
]
TITLES = {
    0: ["Minister of Trade", "Deputy Minister for Trade", "Director-General for Trade Policy"],
    1: ["Minister of Finance", "Deputy Minister of Finance", "Director of Economic Relations"],
    2: ["Trade Representative", "Deputy Trade Representative", "Chief Negotiator"],
    3: ["President", "National Security Adviser", "Chief of Staff"],
}
TOPICS = ["tariff talks", "trade agreement negotiations", "economic partnership talks",
          "investment treaty talks", "currency consultations", "supply chain dialogue"]  # fmt: skip
LEVELS = [
    (RoundLevel.MINISTERIAL, 30), (RoundLevel.WORKING, 35), (RoundLevel.DIRECTOR, 15),
    (RoundLevel.HIGH_LEVEL_2PLUS2, 8), (RoundLevel.LEADERS, 5), (RoundLevel.UNSPECIFIED, 7),
]  # fmt: skip
BASE_DATE = datetime.date(2012, 1, 2)


def misspell(rng: random.Random, name: str) -> str:
    """A plausible misspelling of a name, as news copy produces them."""
    letters = list(name)
    positions = [i for i, c in enumerate(letters) if c.isalpha()]
    how = rng.randrange(5)
    i = rng.choice(positions[1:-1] or positions)
    if how == 0 and i + 1 < len(letters) and letters[i + 1].isalpha():
        letters[i], letters[i + 1] = letters[i + 1], letters[i]
    elif how == 1:
        del letters[i]
    elif how == 2:
        letters.insert(i, letters[i])
    elif how == 3 and letters[i].lower() in "aeiou":
        letters[i] = rng.choice([v for v in "aeiou" if v != letters[i].lower()])
    else:
        first, _, last = name.partition(" ")
        return f"{first} {last[: len(last) // 2]} {last[len(last) // 2 :].capitalize()}"
    return "".join(letters)


def sentence(rng: random.Random, *parts: str) -> str:
    return " ".join(part for part in parts if part)


# --- The generator ------------------------------------------------------------------------------


def cited_through(model):
    return model._meta.get_field("citations").remote_field.through


# Foreign-key order in which buffered rows are written.
WRITE_ORDER = [
    m.Source,
    m.Citation,
    m.Party,
    m.PartyAlias,
    cited_through(m.PartyAlias),
    m.Organization,
    m.OrganizationAlias,
    m.Person,
    m.PersonAlias,
    cited_through(m.PersonAlias),
    m.Role,
    cited_through(m.Role),
    m.AgendaArea,
    m.AgendaAreaAlias,
    m.Negotiation,
    m.Negotiation.parties.through,
    m.Negotiation.organizations.through,
    cited_through(m.Negotiation),
    m.NegotiationRelation,
    cited_through(m.NegotiationRelation),
    m.Measure,
    cited_through(m.Measure),
    m.Round,
    cited_through(m.Round),
    m.Participant,
    cited_through(m.Participant),
    m.AgendaItem,
    m.AgendaItemArea,
    cited_through(m.AgendaItem),
    m.AgendaChangeAnnotation,
    cited_through(m.AgendaChangeAnnotation),
    m.Deadline,
    cited_through(m.Deadline),
    m.Position,
    m.Position.areas.through,
    cited_through(m.Position),
    m.Disagreement,
    m.DisagreementClaim,
    cited_through(m.DisagreementClaim),
]


class Generator:
    def __init__(
        self,
        size: str,
        seed: int = 42,
        batch_size: int = 5000,
        chunk: int = 50,
        log: Callable[[str], None] = print,
        method: str = "auto",
    ):
        self.size_name = size
        self.size = SIZES[size]
        self.seed = seed
        self.batch_size = batch_size
        self.chunk = chunk
        self.log = log
        self.buffers: dict[type, list] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)
        self.next_id: dict[type, int] = {}
        # Publication days of the sources and of their quotes, for what each quote states.
        self.source_days: dict[int, datetime.date] = {}
        self.citation_days: dict[int, datetime.date] = {}
        self.now = None
        if method == "auto":
            method = "copy" if connection.vendor == "postgresql" else "orm"
        if method == "copy" and connection.vendor != "postgresql":
            raise ValueError("COPY needs PostgreSQL; use method='orm'.")
        self.method = method

    # -- bookkeeping ---------------------------------------------------------------------------

    def add(self, model, **fields) -> int:
        """Buffer one row (field attname -> value) with its primary key assigned now."""
        pk = self.next_id[model]
        self.next_id[model] = pk + 1
        fields["id"] = pk
        self.buffers[model].append(fields)
        return pk

    def cite(self, model, fact_id: int, citation_ids, states=None) -> None:
        """Link the citations to the fact; ``states(citation_id)``: what that quote states
        of it (facets, values), else the whole record."""
        through = cited_through(model)
        column = f"{model._meta.model_name}_id"
        for citation_id in citation_ids:
            facets, values = states(citation_id) if states else ([], {})
            self.add(
                through,
                **{column: fact_id, "citation_id": citation_id},
                facets=facets,
                values=values,
                reports_change=False,
            )

    def flush(self) -> None:
        """Write the buffered rows, parents before children, in the current transaction."""
        for model in WRITE_ORDER:
            rows = self.buffers.pop(model, None)
            if not rows:
                continue
            if self.method == "copy":
                self.copy(model, rows)
            else:
                model.objects.bulk_create(
                    [model(**row) for row in rows], batch_size=self.batch_size
                )
            self.counts[model._meta.label] += len(rows)
        assert not self.buffers, f"unwritten rows: {list(self.buffers)}"

    def copy(self, model, rows: list[dict]) -> None:
        """PostgreSQL's COPY through psycopg: the same rows as bulk_create, ~3x faster.

        Defaults are applied here (bulk_create would apply them through the model); the
        timestamps are set explicitly by the generator, as auto_now would.
        """
        fields = model._meta.concrete_fields
        # get_default() also gives "" for a text field without a default (as bulk_create does).
        defaults = {f.attname: f.get_default() for f in fields}
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        attnames = [f.attname for f in fields]
        table = connection.ops.quote_name(model._meta.db_table)
        connection.ensure_connection()
        with (
            connection.connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            json_columns = {f.attname for f in fields if isinstance(f, JSONField)}
            for row in rows:
                copy.write_row(
                    [
                        json.dumps(value) if name in json_columns else value
                        for name in attnames
                        for value in [row[name] if name in row else defaults.get(name)]
                    ]
                )

    def stamp(self) -> dict:
        return {"created": self.now, "updated": self.now}

    # -- entry point ---------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        started = time.perf_counter()
        self.now = datetime.datetime.now(datetime.UTC)
        for model in WRITE_ORDER:
            self.next_id[model] = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        with transaction.atomic():
            self.pools()
            self.flush()
        self.log(f"  pools: {time.perf_counter() - started:.1f} s")
        for start in range(0, self.size.negotiations, self.chunk):
            chunk_started = time.perf_counter()
            stop = min(self.size.negotiations, start + self.chunk)
            with transaction.atomic():
                for index in range(start, stop):
                    self.negotiation(index)
                self.flush()
            self.log(
                f"  negotiations {start}-{stop - 1}: {time.perf_counter() - chunk_started:.1f} s"
            )
        finish_started = time.perf_counter()
        self.finish()
        self.log(f"  sequences, version, statistics: {time.perf_counter() - finish_started:.1f} s")
        return dict(self.counts)

    def finish(self) -> None:
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), WRITE_ORDER):
                cursor.execute(sql)
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE")
        bump_version()

    # -- global pools --------------------------------------------------------------------------

    def pools(self) -> None:
        rng = random.Random(self.seed)
        sources = self.sources(rng, "syn-src-global", count=20)
        self.global_citations = [
            self.add(
                m.Citation,
                slug=f"{sources[k % 20][1]}-q{k:03d}",
                source_id=sources[k % 20][0],
                quote=f"Officials said the talks covered point {k} in detail.",
                note="",
                **self.stamp(),
            )
            for k in range(200)
        ]
        self.party_ids, self.party_codes, self.party_names = [], [], []
        self.orgs: dict[int, list[tuple[int, str]]] = {}
        self.people: dict[int, list[dict]] = {}
        used_names: set[str] = set(m.Party.objects.values_list("name", flat=True))
        used_codes: set[str] = set(m.Party.objects.values_list("code", flat=True))
        for p in range(self.size.parties):
            while True:
                stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
                name = f"Republic of {stem.capitalize()}"
                if name not in used_names:
                    break
            used_names.add(name)
            code = next(
                c for c in (f"S{p:02d}", f"SY{p:03d}", f"SYN{p:04d}") if c not in used_codes
            )
            used_codes.add(code)
            party_id = self.add(
                m.Party, slug=f"syn-party-{p:02d}", name=name, code=code, notes="", **self.stamp()
            )
            self.party_ids.append(party_id)
            self.party_codes.append(code)
            self.party_names.append(name)
            capital = f"{stem.capitalize()} City"
            for alias, kind in (
                (capital, AliasKind.SHORT_NAME),
                (stem.capitalize(), AliasKind.VARIANT),
            ):
                alias_id = self.add(
                    m.PartyAlias, party_id=party_id, name=alias, kind=kind, note="",
                    **self.stamp(),
                )  # fmt: skip
                self.cite(m.PartyAlias, alias_id, [rng.choice(self.global_citations)])
            orgs = []
            for k, (org_name, acronym, kind, alias) in enumerate(ORGANIZATIONS):
                org_id = self.add(
                    m.Organization,
                    slug=f"syn-org-{p:02d}-{k}",
                    party_id=party_id,
                    name=org_name,
                    acronym=f"{acronym}-{code}",
                    kind=kind,
                    parent_id=None,
                    notes="",
                    **self.stamp(),
                )
                self.add(
                    m.OrganizationAlias, organization_id=org_id, name=alias,
                    kind=AliasKind.SHORT_NAME, note="", **self.stamp(),
                )  # fmt: skip
                orgs.append((org_id, org_name))
            self.orgs[party_id] = orgs
            people = []
            for k in range(self.size.people_per_party):
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                person_id = self.add(
                    m.Person, slug=f"syn-person-{p:02d}-{k:03d}", name=name, party_id=party_id,
                    notes="", **self.stamp(),
                )  # fmt: skip
                aliases: list[str] = []
                seen = {name.lower()}
                for _ in range(rng.randint(1, 3)):
                    alias = misspell(rng, name)
                    if alias.lower() in seen:
                        continue
                    seen.add(alias.lower())
                    aliases.append(alias)
                    alias_id = self.add(
                        m.PersonAlias, person_id=person_id, name=alias,
                        kind=AliasKind.MISSPELLING, note="", **self.stamp(),
                    )  # fmt: skip
                    self.cite(
                        m.PersonAlias,
                        alias_id,
                        rng.sample(self.global_citations, rng.randint(1, 2)),
                    )
                org_index = rng.randrange(len(orgs))
                title = rng.choice(TITLES[org_index])
                start = BASE_DATE + datetime.timedelta(days=rng.randint(0, 4000))
                role_id = self.add(
                    m.Role,
                    person_id=person_id,
                    organization_id=orgs[org_index][0],
                    title=title,
                    is_acting=rng.random() < 0.1,
                    start_date=start if rng.random() < 0.8 else None,
                    end_date=None,
                    note="",
                    **self.stamp(),
                )
                self.cite(m.Role, role_id, rng.sample(self.global_citations, rng.randint(1, 3)))
                people.append(
                    {
                        "id": person_id,
                        "name": name,
                        "aliases": aliases,
                        "org": orgs[org_index][0],
                        "title": title,
                    }
                )
            self.people[party_id] = people
        self.areas()

    def sources(self, rng: random.Random, stem: str, count: int) -> list[tuple[int, str]]:
        """Source documents with slugs under ``stem``: (id, slug) pairs."""
        made = []
        for k in range(count):
            slug = f"{stem}-s{k}"
            publisher = rng.choice(PUBLISHERS)
            published = datetime.datetime.combine(
                BASE_DATE + datetime.timedelta(days=rng.randint(0, 5000)),
                datetime.time(rng.randint(0, 23), rng.randint(0, 59)),
                tzinfo=datetime.UTC,
            )
            source_id = self.add(
                m.Source,
                slug=slug,
                title=f"{publisher} report {k}",
                publisher=publisher,
                authors="Staff",
                published_at=published,
                published_on=published.date(),
                updated_at=None,
                date_note="",
                url=f"https://example.org/{slug}",
                seed_file="",
                language="en",
                notes="",
                **self.stamp(),
            )
            made.append((source_id, slug))
            self.source_days[source_id] = published.date()
        return made

    def areas(self) -> None:
        taken_names = {n.lower() for n in m.AgendaArea.objects.values_list("name", flat=True)}
        taken_aliases = {
            n.lower() for n in m.AgendaAreaAlias.objects.values_list("name", flat=True)
        }
        self.area_ids, self.area_labels = [], []
        for k, name in enumerate(AREA_NAMES):
            if name.lower() in taken_names:
                name = f"{name} (synthetic)"
            area_id = self.add(
                m.AgendaArea,
                slug=f"syn-area-{k:02d}",
                name=name,
                description=f"Synthetic agenda area {k}.",
                **self.stamp(),
            )
            labels = [name.lower()]
            for alias in (f"{name.lower()} issues", name.replace(" and ", " & ").lower() + "s"):
                if alias in taken_aliases or alias == name.lower():
                    continue
                taken_aliases.add(alias)
                labels.append(alias)
                self.add(
                    m.AgendaAreaAlias, area_id=area_id, name=alias, kind=AliasKind.SYNONYM,
                    note="", **self.stamp(),
                )  # fmt: skip
            self.area_ids.append(area_id)
            self.area_labels.append([name, *labels])
        common = len(AREA_NAMES) - RARE_AREAS
        self.area_weights = [1 / (k + 1) ** 0.8 for k in range(common)]

    # -- one negotiation -----------------------------------------------------------------------

    def negotiation(self, index: int) -> None:
        rng = random.Random(f"{self.seed}:{index}")
        # Choices among parties and people (whose pools grow with the size) come from their
        # own stream, so that the rounds, agendas and citations of negotiation i are the same
        # at every size: endpoints describing one negotiation then cost the same at any size.
        self.prng = random.Random(f"{self.seed}:{index}:people")
        size = self.size
        stem = f"syn-n{index:05d}"
        n_parties = 3 if rng.random() < 0.15 else 2
        parties = [
            self.party_ids[p] for p in self.prng.sample(range(len(self.party_ids)), n_parties)
        ]
        names = [
            self.party_names[self.party_ids.index(p)].removeprefix("Republic of ") for p in parties
        ]
        topic = rng.choice(TOPICS)
        if index == 0 and size.flagship_rounds:
            n_rounds = size.flagship_rounds
        else:
            n_rounds = rng.randint(*size.rounds)
        start = BASE_DATE + datetime.timedelta(days=rng.randint(0, 4000))
        sources = self.sources(rng, stem, count=rng.randint(3, 8))
        cite_counter = [0]

        def quote(words: str) -> int:
            source_id, source_slug = rng.choice(sources)
            cite_counter[0] += 1
            citation_id = self.add(
                m.Citation,
                slug=f"{source_slug}-q{cite_counter[0]:04d}",
                source_id=source_id,
                quote=words,
                note="",
                **self.stamp(),
            )
            self.citation_days[citation_id] = self.source_days[source_id]
            return citation_id

        negotiation_id = self.add(
            m.Negotiation,
            slug=f"syn-neg-{index:05d}",
            title=f"{' - '.join(names)} {topic} ({start.year})",
            goal=f"An agreement on {topic.split()[0]} between {' and '.join(names)}.",
            status=rng.choices(
                [
                    NegotiationStatus.ACTIVE,
                    NegotiationStatus.CONCLUDED,
                    NegotiationStatus.SUSPENDED,
                    NegotiationStatus.ABANDONED,
                ],
                [60, 25, 10, 5],
            )[0],
            summary=f"Synthetic negotiation {index} with {n_rounds} rounds.",
            **self.stamp(),
        )
        self.cite(
            m.Negotiation,
            negotiation_id,
            [quote(f"The {topic} opened in {start:%B %Y}.") for _ in range(rng.randint(1, 3))],
        )
        teams: dict[int, list[dict]] = {}
        for party_id in parties:
            self.add(
                m.Negotiation.parties.through, negotiation_id=negotiation_id, party_id=party_id
            )
            org_id = self.orgs[party_id][rng.randrange(3)][0]
            self.add(
                m.Negotiation.organizations.through,
                negotiation_id=negotiation_id,
                organization_id=org_id,
            )
            pool = self.people[party_id]
            teams[party_id] = self.prng.sample(pool, min(len(pool), rng.randint(3, 5)))
        if index > 0 and rng.random() < 0.05:
            other = rng.randint(max(0, index - 10), index - 1)
            relation_id = self.add(
                m.NegotiationRelation,
                from_negotiation_id=negotiation_id,
                to_negotiation_id=self.first_negotiation_id + other,
                kind=rng.choice(
                    [NegotiationRelationKind.SPUN_OFF_FROM, NegotiationRelationKind.RELATED_TO]
                ),
                note="Synthetic relation.",
                **self.stamp(),
            )
            self.cite(m.NegotiationRelation, relation_id, [quote("The tracks are linked.")])
        if index == 0:
            self.first_negotiation_id = negotiation_id
        measure_id = self.add(
            m.Measure,
            slug=f"{stem}-measure",
            title=f"{rng.randint(10, 50)} % tariff on imports from {names[0]}",
            kind=rng.choice(list(MeasureKind.values)),
            imposing_party_id=parties[1],
            target_party_id=parties[0],
            negotiation_id=negotiation_id,
            rate_percent=rng.randint(10, 50),
            scope="All goods.",
            status=rng.choice(list(MeasureStatus.values)),
            announced_on=start,
            start_date=start + datetime.timedelta(days=30),
            end_date=None,
            notes="",
            **self.stamp(),
        )
        self.cite(m.Measure, measure_id, [quote("The tariff was announced.")])

        # Agenda areas this negotiation talks about: a weighted pool of common areas, plus
        # one rare area for a fixed few negotiations.
        common = len(self.area_weights)
        pool: list[int] = []
        while len(pool) < rng.randint(12, 16):
            k = rng.choices(range(common), self.area_weights)[0]
            if k not in pool:
                pool.append(k)
        if index < RARE_NEGOTIATIONS:
            pool.append(common + index % RARE_AREAS)
        current: list[int] = []
        previous: list[int] | None = None
        day = start
        planned_tail = rng.choice([0, 1, 1, 2])
        for sequence in range(1, n_rounds + 1):
            day += datetime.timedelta(days=rng.randint(10, 60))
            reported = self.round(
                rng, stem, negotiation_id, sequence, n_rounds, planned_tail, day, parties,
                teams, pool, current, previous, quote,
            )  # fmt: skip
            if reported:
                previous = list(current)
        for k in range(rng.randint(1, 4)):
            date = start + datetime.timedelta(days=rng.randint(60, 60 * n_rounds))
            coarse = rng.random() < 0.25
            deadline_id = self.add(
                m.Deadline,
                slug=f"{stem}-d{k}",
                title=f"Deadline {k + 1} of the {topic}",
                kind=rng.choice(list(DeadlineKind.values)),
                negotiation_id=negotiation_id,
                measure_id=measure_id if k == 0 else None,
                date=date.replace(day=1) if coarse else date,
                end_date=(date.replace(day=28) if coarse else None),
                date_precision=DatePrecision.MONTH if coarse else DatePrecision.DAY,
                date_as_reported=f"by {date:%B %Y}" if coarse else f"{date:%d %B %Y}",
                date_note="",
                description="Synthetic deadline.",
                **self.stamp(),
            )
            self.cite(
                m.Deadline,
                deadline_id,
                [quote(f"The deadline is {date:%d %B}.") for _ in range(rng.randint(1, 3))],
            )

    def round(
        self, rng, stem, negotiation_id, sequence, n_rounds, planned_tail, day, parties, teams,
        pool, current, previous, quote,
    ) -> bool:  # fmt: skip
        """One round with its participants, agenda and positions; True if the agenda is known."""
        planned = sequence > n_rounds - planned_tail
        if planned:
            status = RoundStatus.PLANNED
        else:
            status = rng.choices(
                [RoundStatus.HELD, RoundStatus.CANCELLED, RoundStatus.POSTPONED], [92, 4, 4]
            )[0]
        reported = rng.random() >= (0.4 if planned else 0.1)
        level = rng.choices([lv for lv, _ in LEVELS], [w for _, w in LEVELS])[0]
        city, region, country = rng.choice(CITIES)
        precision = DatePrecision.DAY
        end = day + datetime.timedelta(days=rng.choice([0, 0, 0, 1, 2]))
        as_reported = f"{day:%d %B %Y}"
        if planned and rng.random() < 0.6:
            precision = rng.choice([DatePrecision.WEEK, DatePrecision.MONTH])
            if precision == DatePrecision.WEEK:
                day -= datetime.timedelta(days=day.weekday())
                end, as_reported = day + datetime.timedelta(days=6), "next week"
            else:
                day = day.replace(day=1)
                end, as_reported = day.replace(day=28), f"in {day:%B}"
        slug = f"{stem}-r{sequence:02d}"
        # Decisions added later draw from their own stream, so that the rounds and agendas
        # of every size stay what they were.
        later = random.Random(f"{self.seed}:{slug}")
        if not reported:
            basis = ""
        elif status == RoundStatus.HELD:
            basis = later.choice([AgendaBasis.DISCUSSED] * 3 + [AgendaBasis.AGREED_SCOPE])
        else:
            basis = AgendaBasis.ANNOUNCED
        round_id = self.add(
            m.Round,
            slug=slug,
            negotiation_id=negotiation_id,
            sequence=sequence,
            title=f"{RoundLevel(level).label} round {sequence} in {city}",
            level=level,
            status=status,
            start_date=day,
            end_date=end,
            date_precision=precision,
            date_as_reported=as_reported,
            date_note="" if precision == DatePrecision.DAY else "Resolved from a relative date.",
            city=city,
            region=region,
            country=country,
            venue=rng.choice(VENUES),
            occasion=rng.choice(OCCASIONS),
            summary=f"Round {sequence} of the talks.",
            outcomes="" if planned else "The sides agreed to meet again.",
            agenda_status=AgendaStatus.REPORTED if reported else AgendaStatus.NOT_REPORTED,
            agenda_basis=basis,
            **self.stamp(),
        )
        round_quotes = [
            quote(f"Negotiators met in {city} for round {sequence}.")
            for _ in range(rng.randint(2, 3))
        ]

        def some_quotes(low=1, high=3):
            return rng.sample(round_quotes, rng.randint(low, min(high, len(round_quotes))))

        def stated_by(citation_id: int):
            """What a quote states of the round: one published before it took place only
            announced it, for a week and as planned, under a title without its city; one
            published after, the whole record."""
            published = self.citation_days[citation_id]
            if published >= day or status == RoundStatus.PLANNED:
                return [], {}
            monday = day - datetime.timedelta(days=day.weekday())
            return ["title", "status", "date", "level"], {
                "title": {"title": f"Round {sequence} announced"},
                "status": {"status": RoundStatus.PLANNED},
                "date": {
                    "start_date": monday.isoformat(),
                    "end_date": (monday + datetime.timedelta(days=6)).isoformat(),
                    "date_precision": DatePrecision.WEEK,
                    "date_as_reported": "next week",
                },
            }

        self.cite(m.Round, round_id, some_quotes(), stated_by)

        # Participants: one to three per side, named as reported (sometimes misspelled).
        for party_id in parties:
            team = teams[party_id]
            people = self.prng.sample(team, rng.randint(1, min(2, len(team))))
            names = set()
            for person in people:
                name = person["name"]
                if rng.random() < 0.2 and person["aliases"]:
                    name = self.prng.choice(person["aliases"])
                quotes = some_quotes(1, 2)  # drawn even when skipped: same stream at any size
                if name.lower() in names:
                    continue
                names.add(name.lower())
                participant_id = self.add(
                    m.Participant,
                    round_id=round_id,
                    person_id=person["id"],
                    party_id=party_id,
                    organization_id=person["org"],
                    name_as_reported=name,
                    role=person["title"],
                    **self.stamp(),
                )
                self.cite(m.Participant, participant_id, quotes)
            if rng.random() < 0.3:
                participant_id = self.add(
                    m.Participant,
                    round_id=round_id,
                    person_id=None,
                    party_id=party_id,
                    organization_id=self.orgs[party_id][0][0],
                    name_as_reported="director-level officials",
                    role="Delegation",
                    **self.stamp(),
                )
                self.cite(m.Participant, participant_id, some_quotes(1, 1))

        if not reported:
            return False
        # Agenda churn: most areas retained, one or two dropped and added.
        if not current:
            current.extend(rng.sample(pool, min(len(pool), rng.randint(4, 9))))
        else:
            for _ in range(rng.choices([0, 1, 2], [30, 50, 20])[0]):
                if len(current) > 4:
                    current.pop(rng.randrange(len(current)))
            candidates = [k for k in pool if k not in current]
            for _ in range(rng.choices([0, 1, 2], [30, 50, 20])[0]):
                if rng.random() < 0.05:
                    candidates = [k for k in range(len(self.area_weights)) if k not in current]
                if candidates and len(current) < 10:
                    pick = rng.choice(candidates)
                    candidates.remove(pick)
                    current.append(pick)
        # Items: one area each, now and then two areas under one label.
        groups: list[list[int]] = []
        areas = list(current)
        while areas:
            if len(areas) >= 2 and len(groups) + len(areas) > 5 and rng.random() < 0.1:
                groups.append([areas.pop(0), areas.pop(0)])
            else:
                groups.append([areas.pop(0)])
        for order, group in enumerate(groups, start=1):
            labels = [rng.choice(self.area_labels[k]) for k in group]
            item_id = self.add(
                m.AgendaItem,
                slug=f"{slug}-i{order:02d}",
                round_id=round_id,
                label=" and ".join(labels),
                order=order,
                notes="",
                **self.stamp(),
            )
            for k in group:
                self.add(
                    m.AgendaItemArea,
                    item_id=item_id,
                    area_id=self.area_ids[k],
                    round_id=round_id,
                    **self.stamp(),
                )
            self.cite(m.AgendaItem, item_id, some_quotes())
        if previous is not None and rng.random() < 0.1:
            added = [k for k in current if k not in previous]
            dropped = [k for k in previous if k not in current]
            choices = [(k, AgendaChange.ADDED) for k in added] + [
                (k, AgendaChange.DROPPED) for k in dropped
            ]
            if choices:
                k, change = rng.choice(choices)
                annotation_id = self.add(
                    m.AgendaChangeAnnotation,
                    round_id=round_id,
                    area_id=self.area_ids[k],
                    change=change,
                    note=f"{AREA_NAMES[k]} was {change} at the request of one side.",
                    **self.stamp(),
                )
                self.cite(m.AgendaChangeAnnotation, annotation_id, some_quotes(1, 1))
        if status == RoundStatus.HELD and rng.random() < 0.4:
            for k in range(rng.randint(1, 2)):
                party_id = rng.choice(parties)
                speaker = self.prng.choice(teams[party_id])
                area_index = rng.choice(current)
                position_id = self.add(
                    m.Position,
                    slug=f"{slug}-p{k}",
                    party_id=party_id,
                    kind=rng.choice(list(PositionKind.values)),
                    summary=f"A position on {AREA_NAMES[area_index].lower()}.",
                    speaker_id=speaker["id"],
                    speaker_name_as_reported=speaker["name"],
                    organization_id=speaker["org"],
                    negotiation_id=negotiation_id,
                    round_id=round_id,
                    stated_on=day,
                    **self.stamp(),
                )
                self.add(
                    m.Position.areas.through,
                    position_id=position_id,
                    agendaarea_id=self.area_ids[area_index],
                )
                self.cite(m.Position, position_id, some_quotes(1, 2))
        if later.random() < 0.05:
            # Sources that disagree about this agenda: as a whole, or about one area.
            area = later.choice([None, *current])
            disagreement_id = self.add(
                m.Disagreement,
                slug=f"{slug}-d",
                title=f"What was on the agenda of round {sequence}?",
                note="Two reports list the agenda differently.",
                status="open",
                resolution="",
                topic=DisagreementTopic.AGENDA,
                negotiation_id=negotiation_id,
                round_id=round_id,
                area_id=self.area_ids[area] if area is not None else None,
                **self.stamp(),
            )
            for label in "AB":
                claim_id = self.add(
                    m.DisagreementClaim,
                    disagreement_id=disagreement_id,
                    label=label,
                    claim=f"Version {label} of the agenda.",
                    **self.stamp(),
                )
                self.cite(m.DisagreementClaim, claim_id, later.sample(round_quotes, 1))
        return True


# --- Removal and the data version ---------------------------------------------------------------


def bump_version() -> None:
    """Bulk writes go around the write services: move the data version (conditional GETs)
    by hand."""
    bump_data_version()


def synthetic_present() -> bool:
    return m.Negotiation.objects.filter(slug__startswith=PREFIX).exists()


def clear() -> dict[str, int]:
    """Remove every synthetic record (slugs starting with syn-, and what hangs off them).

    Deletes table by table, children first, without loading rows into Python: the Django
    collector would fetch millions of rows at the large size.
    """
    syn = {"slug__startswith": PREFIX}
    citations = m.Citation.objects.filter(**syn).values("pk")
    steps = []
    for model in registry.cited_models().values():
        steps.append(cited_through(model).objects.filter(citation__in=citations))
    rounds = m.Round.objects.filter(**syn).values("pk")
    negotiations = m.Negotiation.objects.filter(**syn).values("pk")
    people = m.Person.objects.filter(**syn).values("pk")
    parties = m.Party.objects.filter(**syn).values("pk")
    steps += [
        m.AgendaItemArea.objects.filter(round__in=rounds),
        m.AgendaChangeAnnotation.objects.filter(round__in=rounds),
        m.AgendaItem.objects.filter(**syn),
        m.Participant.objects.filter(round__in=rounds),
        m.Position.areas.through.objects.filter(position__slug__startswith=PREFIX),
        m.Position.objects.filter(**syn),
        m.DisagreementClaim.objects.filter(disagreement__slug__startswith=PREFIX),
        m.Disagreement.objects.filter(**syn),
        m.Deadline.objects.filter(**syn),
        m.Measure.objects.filter(**syn),
        m.Round.objects.filter(**syn),
        m.NegotiationRelation.objects.filter(from_negotiation__in=negotiations),
        m.NegotiationRelation.objects.filter(to_negotiation__in=negotiations),
        m.Negotiation.parties.through.objects.filter(negotiation__in=negotiations),
        m.Negotiation.organizations.through.objects.filter(negotiation__in=negotiations),
        m.Negotiation.objects.filter(**syn),
        m.Role.objects.filter(person__in=people),
        m.PersonAlias.objects.filter(person__in=people),
        m.Person.objects.filter(**syn),
        m.AgendaAreaAlias.objects.filter(area__slug__startswith=PREFIX),
        m.AgendaArea.objects.filter(**syn),
        m.OrganizationAlias.objects.filter(organization__slug__startswith=PREFIX),
        m.Organization.objects.filter(**syn),
        m.PartyAlias.objects.filter(party__in=parties),
        m.Party.objects.filter(**syn),
        m.Citation.objects.filter(**syn),
        m.Source.objects.filter(**syn),
    ]
    removed: dict[str, int] = defaultdict(int)
    with transaction.atomic():
        for queryset in steps:
            # _raw_delete: one DELETE ... WHERE, no collector (see bump_version).
            count = queryset._raw_delete(queryset.db)
            removed[queryset.model._meta.label] += count
        bump_version()
    return {label: count for label, count in removed.items() if count}
