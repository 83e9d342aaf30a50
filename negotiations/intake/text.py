"""An article's text as intake reads it: sentences with their offsets, and tense cues.

Every sentence is a slice of the text, verbatim (quotes are checked against the stored text:
negotiations.domain.review), so a proposal's sentence is always found in the article.
"""

import re
from dataclasses import dataclass

# Words after which a full stop does not end a sentence.
ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "jr",
    "sr",
    "no",
    "vs",
    "gov",
    "sen",
    "rep",
    "gen",
    "inc",
    "corp",
    "co",
    "ltd",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "approx",
    "etc",
}
# A full stop, question or exclamation mark (and closing quotes or brackets), spaces, then
# the capital letter or opening quote that starts the next sentence.
_BOUNDARY = re.compile(r"(?<=[.!?])([\"”’)\]]*)\s+(?=[\"“‘(\[]?[A-Z0-9])")
_INITIALISM = re.compile(r"(?:\b[A-Za-z]\.)+$")
# Lines that are not prose: markdown images, bylines, e-mail lines, separators.
_NOT_PROSE = re.compile(r"^\s*(?:!\[|-\s*$|-\s+[A-Z .'-]+$|\S+@\S+|\(source:)", re.IGNORECASE)

FUTURE_CUES = re.compile(
    r"\b(?:will|would|'ll|’ll|shall|scheduled|upcoming|impending|expected|expects|plans?|"
    r"planning|planned|set to|to be held|intends?|aims?|aiming|hopes?|going to|to hold|"
    r"to launch|to meet|to visit|to host|next)\b",
    re.IGNORECASE,
)
PAST_CUES = re.compile(
    r"\b(?:met|held|was|were|had|did|agreed|said|announced|expressed|noted|stated|joined|"
    r"discussed|concurred|accused|accusing|told|reached|established|allowed|saw|signed|"
    r"visited|involved|took place|previous|previously|earlier|ago|last|yesterday|"
    r"accused|reiterated|requested|offered|ousted|revised)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Sentence:
    """A sentence of the article: its text (verbatim) and where it starts and ends."""

    text: str
    start: int
    end: int
    index: int

    def contains(self, offset: int) -> bool:
        return self.start <= offset < self.end


def _ends_with_abbreviation(text: str) -> bool:
    last = text.rstrip('"”’)]').rsplit(None, 1)[-1] if text.strip() else ""
    if _INITIALISM.search(last):  # U.S., D.C.
        return True
    return last.rstrip(".").casefold() in ABBREVIATIONS


def sentences(text: str) -> list[Sentence]:
    """The article's sentences, in order, each a verbatim slice of ``text``."""
    found: list[Sentence] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        line_start, offset = offset, offset + len(line)
        content = line.rstrip("\r\n")
        if not content.strip() or _NOT_PROSE.match(content):
            continue
        start = 0
        pieces = []
        for boundary in _BOUNDARY.finditer(content):
            candidate = content[start : boundary.start() + len(boundary.group(1))]
            if _ends_with_abbreviation(candidate):
                continue
            pieces.append((start, boundary.start() + len(boundary.group(1))))
            start = boundary.end()
        pieces.append((start, len(content)))
        for piece_start, piece_end in pieces:
            piece = content[piece_start:piece_end]
            stripped = piece.strip()
            if not stripped:
                continue
            lead = len(piece) - len(piece.lstrip())
            begin = line_start + piece_start + lead
            found.append(Sentence(stripped, begin, begin + len(stripped), len(found)))
    return found


def tense_at(sentence: str, position: int) -> str:
    """ "future" or "past": the tense cue nearest to ``position`` in the sentence (past when
    there is none: news reports what happened)."""
    best = ("past", 10**6)
    for pattern, tense in ((FUTURE_CUES, "future"), (PAST_CUES, "past")):
        for match in pattern.finditer(sentence):
            distance = min(abs(match.start() - position), abs(match.end() - position))
            if distance < best[1]:
                best = (tense, distance)
    return best[0]


def is_future(sentence: str) -> bool:
    """Whether the sentence speaks of what is to come (any future cue)."""
    return bool(FUTURE_CUES.search(sentence))
