"""People in an article: known people by any spelling (exact, as the labels rule compares
words), by family name alone ("Ahn said"), misspelt (rapidfuzz: "Scott Bescent", "Jamie Son
Greer"; a name introduced by a title that fits one of the person's roles, "Industry Minister
Anne Duk Gae-woon", needs a lower score), and names the database does not know that a title
introduces ("Deputy Trade Minister Ilse Vandermeer"), as new people."""

import re

from rapidfuzz import fuzz

from negotiations.domain.labels import label_key, words
from negotiations.intake.gazetteer import TITLE_WORD, TITLE_WORDS, Match

# A bare name this similar to a known spelling is that person misspelt; one introduced by a
# title matching one of the person's roles needs less.
FUZZY_SCORE = 85.0
FUZZY_SCORE_WITH_ROLE = 60.0
FUZZY_MARGIN = 5.0

_TITLE_LEAD_WORDS = (
    r"(?:[A-Z][\w.'’&-]*|\([A-Z]+\)|of|the|and|for|acting|former|trade|industry|finance|"
    r"foreign|economy|energy|commerce|treasury|deputy|vice|chief|prime)"
)
_TITLE_BEFORE = re.compile(
    rf"(?P<title>(?:{_TITLE_LEAD_WORDS}\s+){{0,5}}?(?i:{TITLE_WORDS})(?:\s+\([A-Z]+\))?)\s+$"
)
_TITLE_AFTER = re.compile(
    rf"^,\s+(?P<title>(?:the\s+|a\s+)?(?:[\w.'’]+\s+){{0,3}}?(?i:{TITLE_WORDS})"
    rf"(?:\s+of\s+[\w .'’]+?)?)\s*(?=,|;|\.|$)"
)
_NAME_TOKEN = r"[A-Z][a-z]+(?:-[A-Za-z][a-z]+)?"
_NOT_NAMES = re.compile(
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|"
    r"April|May|June|July|August|September|October|November|December|On|In|At|The)\b"
)
_NAME_SPAN = re.compile(rf"\b{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{1,5}}\b")
# Words that qualify a title ("Deputy Trade Minister"), never part of a name.
_TITLE_QUALIFIERS = {
    "Deputy",
    "Vice",
    "Acting",
    "Former",
    "Chief",
    "Senior",
    "Trade",
    "Industry",
    "Finance",
    "Foreign",
    "Commerce",
    "Economy",
    "Energy",
    "Treasury",
    "Prime",
    "The",
}
_CAPITALISED = re.compile(rf"\b{_NAME_TOKEN}\b")


def leads_name(vocabulary, token: str) -> bool:
    """Whether a capitalised word before a name is a title or names a party or an
    organization ("Finance", "Treasury", "Seoul's"), not part of the name."""
    bare = token.removesuffix("'s").removesuffix("’s")
    return bool(
        TITLE_WORD.fullmatch(bare)
        or vocabulary.party_of(bare)
        or (words(bare) in vocabulary._org_words and bare not in vocabulary._family)
        or bare in _TITLE_QUALIFIERS
    )


def title_around(vocabulary, text: str, start: int, end: int, line_start: int) -> str:
    before = _TITLE_BEFORE.search(text[line_start:start])
    if before:
        title = re.sub(r"^(?:and|the)\s+", "", before.group("title").strip())
        title = re.sub(r"^[\w.]+['’]s\s+", "", title)  # "Seoul's Finance Minister"
        # "Bessent and Trade Rep": the title is the last one before the name.
        pieces = re.split(r"\s+and\s+", title)
        if len(pieces) > 1 and TITLE_WORD.search(pieces[-1]):
            title = pieces[-1]
        return title
    after = _TITLE_AFTER.match(text[end : end + 120])
    return after.group("title").strip() if after else ""


def find_people(vocabulary, text: str, line_starts=(0,)) -> list[Match]:
    """Known people by any spelling, by family name alone, and misspelt; names a title
    introduces that match nobody, as new people."""

    def line_start(offset):
        return max((s for s in line_starts if s <= offset), default=0)

    found: list[Match] = []
    taken: list[tuple[int, int]] = []

    def free(start, end):
        return not any(start < e and s < end for s, e in taken)

    def add(match: Match):
        found.append(match)
        taken.append((match.start, match.end))

    if vocabulary._person_re is not None:
        for match in vocabulary._person_re.finditer(text):
            slug = vocabulary._person_by_key.get(label_key(match.group(0)))
            if slug is None:
                continue
            person = vocabulary.people[slug]
            title = title_around(
                vocabulary, text, match.start(), match.end(), line_start(match.start())
            )
            exact = match.group(0) in person.spellings
            add(
                Match(
                    "person",
                    match.group(0),
                    match.start(),
                    match.end(),
                    slug,
                    person.party,
                    100.0 if exact else 99.0,
                    match.group(0),
                    title,
                    vocabulary.person_organization(person, title),
                    possessive=text[match.end() : match.end() + 2] in ("'s", "’s"),
                )
            )
    organizations = {m.start for m in vocabulary.find_organizations(text)}
    for span in _NAME_SPAN.finditer(text):
        tokens = list(re.finditer(r"\S+", span.group(0)))
        # Leading capitalised words of a title or of a party's or an organization's name
        # are not part of the person's name.
        while tokens and leads_name(vocabulary, tokens[0].group(0)):
            tokens = tokens[1:]
        if len(tokens) < 2:
            continue
        start, end = span.start() + tokens[0].start(), span.end()
        if not free(start, end) or start in organizations or _NOT_NAMES.search(text[start:end]):
            continue
        name = text[start:end]
        if vocabulary.party_of(name) or label_key(name) in vocabulary._org_by_key:
            continue
        title = title_around(vocabulary, text, start, end, line_start(start))
        scored = sorted(
            (
                (max(fuzz.WRatio(words(name), words(s)) for s in person.spellings), person)
                for person in vocabulary.people.values()
            ),
            key=lambda pair: -pair[0],
        )
        if scored:
            best, person = scored[0]
            runner_up = scored[1][0] if len(scored) > 1 else 0.0
            needed = (
                FUZZY_SCORE_WITH_ROLE
                if title and vocabulary.role_matches(person, title)
                else FUZZY_SCORE
            )
            if best >= needed and best - runner_up >= FUZZY_MARGIN:
                matched = max(person.spellings, key=lambda s: fuzz.WRatio(words(name), words(s)))
                add(
                    Match(
                        "person",
                        name,
                        start,
                        end,
                        person.slug,
                        person.party,
                        round(best, 1),
                        matched,
                        title,
                        vocabulary.person_organization(person, title),
                    )
                )
                continue
        if title:  # a name the database does not know, introduced by a title
            # The side named in the title as written ("Freedonia's Deputy Minister").
            lead = text[max(line_start(start), start - len(title) - 20) : start]
            party = next((m.party for m in reversed(vocabulary.find_parties(lead))), "")
            organization = vocabulary.organization_for_title(title)
            if not party and organization:
                party = vocabulary.organizations[organization].party.slug
            add(Match("person", name, start, end, "", party, 0.0, "", title, organization))
    for token in _CAPITALISED.finditer(text):
        word = token.group(0).removesuffix("'s").removesuffix("’s")
        candidates = vocabulary._family.get(word, set())
        if not candidates or not free(token.start(), token.start() + len(word)):
            continue
        if re.match(r"\s+(?:administration|government|team|era)\b", text[token.end() :]):
            continue  # "the Trump administration": the government, not the person
        mentioned = {m.slug for m in found if m.slug in candidates}
        choice = mentioned if len(mentioned) == 1 else candidates
        if len(choice) != 1:
            continue
        slug = next(iter(choice))
        person = vocabulary.people[slug]
        end = token.start() + len(word)
        title = title_around(vocabulary, text, token.start(), end, line_start(token.start()))
        add(
            Match(
                "person",
                word,
                token.start(),
                end,
                slug,
                person.party,
                100.0,
                word,
                title,
                vocabulary.person_organization(person, title),
                possessive=token.group(0) != word,
            )
        )
    found.sort(key=lambda m: m.start)
    return found
