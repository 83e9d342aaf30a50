"""The database's vocabulary as intake's gazetteer: who and what an article names.

Parties, organizations, people (with every alias and role), agenda areas (with their
aliases), negotiations and their rounds are loaded once (a few queries) and matched against
the text: exact spellings first (case, spacing and hyphens as the labels rule ignores them),
then family names alone ("Ahn said"), then misspellings of known people by similarity
(rapidfuzz): a name a title introduces ("Industry Minister Anne Duk Gae-woon") matches a
known person with that role at a lower score than a bare name. Nothing here writes.
"""

import datetime
import re
from dataclasses import dataclass, field

from negotiations.domain.labels import AreaIndex, label_key, words
from negotiations.models import Negotiation, Organization, Party, Person, Round

TITLE_WORDS = (
    "Minister|Secretary|Representative|President|Ambassador|Rep|Chairman|Chair|Governor|"
    "Director|Commissioner|Envoy|Spokesperson|Spokesman|Premier|Chancellor|Negotiator"
)
TITLE_WORD = re.compile(rf"\b(?:{TITLE_WORDS})\b", re.IGNORECASE)
_GROUP_NOUNS = r"officials|delegation|negotiators|government|trade team|side"


@dataclass(frozen=True)
class Match:
    """Something the article names: a person, party, organization, group or area."""

    kind: str  # "person", "party", "organization", "group", "area"
    text: str  # as written
    start: int  # offset in the article
    end: int
    slug: str = ""  # the record named; "" for a person the database does not know
    party: str = ""  # the party's slug, when known
    score: float = 100.0  # 100 for a known spelling; lower for a misspelling
    matched: str = ""  # the known spelling it matched
    title: str = ""  # a person's title, as written around the name
    organization: str = ""  # the organization's slug, when known
    areas: tuple[str, ...] = ()  # an area mention: the areas it names
    possessive: bool = False  # "Trump's": a name used as an attribute, not an actor

    @property
    def new(self) -> bool:
        return not self.slug


@dataclass
class Role:
    title: str
    organization: str
    party: str


@dataclass
class KnownPerson:
    slug: str
    name: str
    party: str
    spellings: list[str]
    roles: list[Role] = field(default_factory=list)

    @property
    def family_name(self) -> str:
        tokens = self.name.split()
        korean_order = len(tokens) >= 3 or any("-" in token for token in tokens[1:])
        return tokens[0] if korean_order else tokens[-1]


@dataclass
class KnownRound:
    slug: str
    negotiation: str
    title: str
    start: datetime.date | None
    end: datetime.date | None
    city: str
    country: str
    people: set[str]
    parties: set[str]


def _flexible(spelling: str) -> str:
    """A pattern for a spelling with its spacing and hyphens as the labels rule ignores them."""
    parts = [re.escape(part) for part in re.split(r"[\s\-‐–]+", spelling.strip()) if part]
    body = r"[\s\-‐–]*".join(parts)
    lead = r"(?<![\w.])" if spelling[:1].isalnum() or spelling[:1] == "." else ""
    return lead + body + r"(?!\w)"


def demonyms(spelling: str) -> list[str]:
    """Adjectives of a country name that English forms regularly (Korea: Korean, Koreans;
    Japan: Japanese; China: Chinese), and American for the United States."""
    if "united states" in spelling.casefold() or spelling.casefold() in ("america", "us", "u.s."):
        return ["American", "Americans"]
    if " " in spelling.strip() and not spelling.startswith(("South ", "North ")):
        return []
    found = []
    if spelling.endswith("a"):
        found += [spelling + "n", spelling + "ns", spelling[:-1] + "ese"]
    elif spelling.endswith("n"):
        found.append(spelling + "ese")
    return found


class Vocabulary:
    """Everything the database can name, loaded once."""

    def __init__(self, people=None):
        """``people``: the people to know (a queryset; default: everyone)."""
        self.parties = {party.slug: party for party in Party.objects.prefetch_related("aliases")}
        self.party_spellings: list[tuple[str, str, bool]] = []  # (spelling, slug, is country)
        for party in self.parties.values():
            name_words = set(words(party.name).split())
            initials = "".join(word[0] for word in words(party.name).split())
            spellings = [(party.name, True), (party.code, True)]
            spellings += [(alias.name, None) for alias in party.aliases.all()]
            for spelling, country in spellings:
                if country is None:
                    key = words(spelling).replace(" ", "")
                    country = bool(set(words(spelling).split()) & name_words) or key == initials
                self.party_spellings.append((spelling, party.slug, country))
                for adjective in demonyms(spelling.removeprefix("the ")):
                    self.party_spellings.append((adjective, party.slug, False))
        self.organizations = {
            org.slug: org
            for org in Organization.objects.select_related("party").prefetch_related("aliases")
        }
        self.org_spellings: list[tuple[str, str]] = []
        for org in self.organizations.values():
            names = [org.name, org.acronym] + [alias.name for alias in org.aliases.all()]
            self.org_spellings += [(name, org.slug) for name in names if name]
        self.people: dict[str, KnownPerson] = {}
        for person in (
            (people if people is not None else Person.objects)
            .select_related("party")
            .prefetch_related("aliases", "roles__organization__party")
        ):
            known = KnownPerson(
                person.slug,
                person.name,
                person.party.slug if person.party else "",
                [person.name] + [alias.name for alias in person.aliases.all()],
                [
                    Role(role.title, role.organization.slug, role.organization.party.slug)
                    for role in person.roles.all()
                ],
            )
            self.people[person.slug] = known
        self.areas = AreaIndex()
        self.negotiations = {
            negotiation.slug: (negotiation, {party.slug for party in negotiation.parties.all()})
            for negotiation in Negotiation.objects.prefetch_related("parties")
        }
        self.rounds = [
            KnownRound(
                round_.slug,
                round_.negotiation.slug,
                round_.title,
                round_.start_date,
                round_.end_date or round_.start_date,
                round_.city,
                round_.country,
                {p.person.slug for p in round_.participants.all() if p.person_id},
                {p.party.slug for p in round_.participants.all()},
            )
            for round_ in Round.objects.select_related("negotiation").prefetch_related(
                "participants__person", "participants__party"
            )
        ]
        self.cities = {r.city.casefold(): (r.city, r.country) for r in self.rounds if r.city}
        self._compile()

    def _compile(self):
        def alternation(spellings):
            ordered = sorted(set(spellings), key=len, reverse=True)
            return re.compile("|".join(f"(?:{_flexible(s)})" for s in ordered)) if ordered else None

        self._party_re = alternation(s for s, _, _ in self.party_spellings)
        self._party_by_key = {}
        for spelling, slug, country in self.party_spellings:
            self._party_by_key.setdefault(label_key(spelling), (slug, country))
        self._org_re = alternation(s for s, _ in self.org_spellings)
        self._org_by_key = {}
        self._org_words = {w for s, _ in self.org_spellings for w in words(s).split()}
        for spelling, slug in self.org_spellings:
            self._org_by_key.setdefault(label_key(spelling), slug)
        person_spellings = [(s, p.slug) for p in self.people.values() for s in p.spellings]
        self._person_re = alternation(s for s, _ in person_spellings)
        self._person_by_key = {}
        for spelling, slug in person_spellings:
            self._person_by_key.setdefault(label_key(spelling), slug)
        self._family = {}
        for person in self.people.values():
            self._family.setdefault(person.family_name, set()).add(person.slug)
            for spelling in person.spellings:
                if " " not in spelling.strip():
                    self._family.setdefault(spelling.strip(), set()).add(person.slug)
        area_spellings = [area.name for area in self.areas.areas.values()]
        area_spellings += [s for c in self.areas.candidates.values() for s in c.spellings]
        self._area_re = (
            re.compile(
                "|".join(
                    f"(?:{_flexible(s)})"
                    for s in sorted(set(area_spellings), key=len, reverse=True)
                ),
                re.IGNORECASE,
            )
            if area_spellings
            else None
        )
        groups = "|".join(
            f"(?:{_flexible(s)})"
            for s in sorted({s for s, _, _ in self.party_spellings}, key=len, reverse=True)
        )
        self._group_re = (
            re.compile(rf"(?:\b[Tt]he\s+)?(?P<party>{groups})\s+(?P<noun>{_GROUP_NOUNS})\b")
            if groups
            else None
        )

    # --- Lookups ----------------------------------------------------------------------------

    def party_of(self, spelling: str) -> tuple[str, bool] | None:
        """(party slug, whether the spelling names the country itself) or None."""
        return self._party_by_key.get(label_key(spelling))

    def organization_for_title(self, title: str) -> str:
        """The organization a title names ("Finance Minister": the Finance Ministry)."""
        text = words(title)
        as_ministry = words(re.sub(r"(?i)\bminister\b", "Ministry", title))
        best = ("", 0)
        for spelling, slug in self.org_spellings:
            key = words(spelling)
            if not key:
                continue
            contained = re.search(rf"\b{re.escape(key)}\b", text) or re.search(
                rf"\b{re.escape(key)}\b", as_ministry
            )
            core = [w for w in text.split() if not TITLE_WORD.fullmatch(w) and w not in ("u", "s")]
            title_in_name = (
                TITLE_WORD.search(title)
                and core
                and all(w in key.split() for w in text.split() if w not in ("u", "s"))
            )
            if (contained or title_in_name) and len(key) > best[1]:
                best = (slug, len(key))
        return best[0]

    def role_matches(self, person: KnownPerson, title: str) -> bool:
        """Whether a title written before a name fits one of the person's roles."""
        title_words = {
            w for w in words(title).split() if len(w) > 2 and not TITLE_WORD.fullmatch(w)
        }
        if not title_words:
            return False
        for role in person.roles:
            org = self.organizations.get(role.organization)
            known = set(words(role.title).split())
            if org is not None:
                for spelling in [org.name, org.acronym] + [a.name for a in org.aliases.all()]:
                    known |= set(words(spelling).split())
            if title_words & known:
                return True
        return False

    def person_organization(self, person: KnownPerson, title: str = "") -> str:
        named = self.organization_for_title(title) if title else ""
        if named and self.organizations[named].party.slug == person.party:
            return named
        for role in person.roles:
            if not person.party or role.party == person.party:
                return role.organization
        return ""

    # --- Finding names in a text ------------------------------------------------------------

    def find_parties(self, text: str) -> list[Match]:
        if self._party_re is None:
            return []
        found = []
        for match in self._party_re.finditer(text):
            slug, _ = self._party_by_key.get(label_key(match.group(0)), ("", False))
            if slug:
                found.append(Match("party", match.group(0), match.start(), match.end(), slug, slug))
        return found

    def find_organizations(self, text: str) -> list[Match]:
        if self._org_re is None:
            return []
        found = []
        for match in self._org_re.finditer(text):
            written = match.group(0)
            slug = self._org_by_key.get(label_key(written))
            if slug is None:
                continue
            org = self.organizations[slug]
            found.append(
                Match(
                    "organization",
                    written,
                    match.start(),
                    match.end(),
                    slug,
                    org.party.slug,
                    organization=slug,
                )
            )
        return found

    def find_areas(self, text: str) -> list[Match]:
        if self._area_re is None:
            return []
        found = []
        for match in self._area_re.finditer(text):
            areas = tuple(area.slug for area in self.areas.resolve(match.group(0)))
            if areas:
                found.append(
                    Match("area", match.group(0), match.start(), match.end(), areas[0], areas=areas)
                )
        return found

    def find_groups(self, text: str) -> list[Match]:
        """People named as a group: "Japanese officials", "the U.S. government",
        "director-level officials from both sides", "a delegation from the ministry ..."."""
        found = []
        if self._group_re is not None:
            for match in self._group_re.finditer(text):
                slug, _ = self._party_by_key.get(label_key(match.group("party")), ("", False))
                if slug:
                    found.append(
                        Match("group", match.group(0), match.start(), match.end(), "", slug)
                    )
        for match in re.finditer(
            r"\b(?:the\s+)?(?:director|working|minister|vice-minister)-level officials"
            r"(?P<both>\s+from both sides)?",
            text,
            re.IGNORECASE,
        ):
            party = "*both*" if match.group("both") else ""
            found.append(Match("group", match.group(0), match.start(), match.end(), "", party))
        for match in re.finditer(
            r"\b[Aa] delegation (?:from|of) [^,.;“”\"]+?"
            r"(?=\s+(?:will|would|is|was|has|had|to)\b|[,.;])",
            text,
        ):
            found.append(Match("group", match.group(0), match.start(), match.end(), "", ""))
        return found

    def find_people(self, text: str, line_starts=(0,)) -> list[Match]:
        """Known people by any spelling, by family name alone, and misspelt; names a title
        introduces that match nobody, as new people (negotiations.intake.names)."""
        from negotiations.intake.names import find_people

        return find_people(self, text, line_starts)
