"""How well intake reads the seed: each seed article proposed against a database holding
only the vocabulary (parties, organizations, people with their aliases and roles, agenda
areas with their aliases), compared with what the seed fixture records from that article.

What the fixture records from an article: the facts citing one of its citations. The
comparison reads the fixture (any version of it), never a copy of its numbers. Matching
rules, one proposal to one recorded fact:

* rounds: the date windows overlap and the places agree (the same city when both name one,
  the same country when both name one);
* dates: the same window (first and last day) — the publication day, and the dates of the
  rounds, deadlines, positions and measures citing the article whose quote from it holds a
  date expression;
* participants: at the matched round, the same person (or, for a group, the same side);
* agenda items: the same area at the matched round (an item covering two areas counts as
  two);
* deadlines: the same kind, and overlapping dates (an undated proposal: its sentence is
  one the deadline quotes);
* positions: the same side and kind, and the sentence is (part of) a quote of the article
  the position cites.
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import ProtectedError

from negotiations import registry
from negotiations.intake import proposals as kinds
from negotiations.intake.engine import propose
from negotiations.intake.expected import Article, read_fixture, window
from negotiations.intake.gazetteer import Vocabulary
from negotiations.models import (
    AgendaArea,
    AgendaAreaAlias,
    Organization,
    OrganizationAlias,
    Party,
    PartyAlias,
    Person,
    PersonAlias,
    Role,
    Source,
)

KINDS = ("rounds", "dates", "participants", "agenda items", "deadlines", "positions")
VOCABULARY = (
    Party,
    PartyAlias,
    Organization,
    OrganizationAlias,
    Person,
    PersonAlias,
    Role,
    AgendaArea,
    AgendaAreaAlias,
)
MODES = {
    "printed": "publication day as printed, else inferred within its year",
    "given": "publication day of undated articles given (the seed's)",
}


@dataclass
class Score:
    expected: int = 0
    found: int = 0  # expected facts a proposal matched
    proposed: int = 0
    correct: int = 0  # proposals that matched an expected fact

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.proposed if self.proposed else 1.0

    def add(self, other: "Score") -> None:
        self.expected += other.expected
        self.found += other.found
        self.proposed += other.proposed
        self.correct += other.correct


@dataclass
class Report:
    mode: str
    scores: dict[str, Score] = field(default_factory=lambda: {k: Score() for k in KINDS})
    by_article: dict[str, dict[str, Score]] = field(default_factory=dict)
    misses: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


# --- The fixture ---------------------------------------------------------------------------------


def strip_to_vocabulary() -> None:
    """Delete everything but the vocabulary, and the vocabulary's citations. Run it only
    in a transaction that is rolled back (the measurement command, a test): it writes
    around the write services."""
    for model in VOCABULARY:
        through = getattr(model, "citations", None)
        if through is not None:
            model.citations.through.objects.all().delete()
    others = [m for m in registry.data_models() if m not in VOCABULARY]
    for _ in range(len(others) + 1):
        left = [m for m in others if m._base_manager.exists()]
        if not left:
            return
        for model in left:
            try:
                model._base_manager.all().delete()
            except ProtectedError:
                continue
    raise RuntimeError("Could not strip the database to its vocabulary.")


# --- Matching ------------------------------------------------------------------------------------


def _same_place(a: dict, b: dict) -> bool:
    if a.get("city") and b.get("city") and a["city"].casefold() != b["city"].casefold():
        return False
    return not (a.get("country") and b.get("country") and a["country"] != b["country"])


def _quoted(sentence: str, quotes: list[str]) -> bool:
    def norm(text):
        return re.sub(r"\W+", " ", text).strip().casefold()

    sentence = norm(sentence)
    return any(sentence in norm(q) or norm(q) in sentence for q in quotes if q)


def _pair(proposed: list, expected: list, matches) -> tuple[Score, dict]:
    """Greedy one-to-one matching; returns the score and {proposed index: expected index}."""
    used, pairs = set(), {}
    for i, p in enumerate(proposed):
        for j, e in enumerate(expected):
            if j not in used and matches(p, e):
                used.add(j)
                pairs[i] = j
                break
    return Score(len(expected), len(used), len(proposed), len(pairs)), pairs


def score_article(article: Article, found, mode: str) -> tuple[dict[str, Score], list[str]]:
    scores, misses = {}, []
    rounds = list(found.of_kind(kinds.ROUND))
    proposed_rounds = [
        {
            "key": p.key,
            "window": window(
                str(p.values["start_date"]) if p.values["start_date"] else None,
                str(p.values["end_date"]) if p.values["end_date"] else None,
            ),
            "city": p.values["city"],
            "country": p.values["country"],
        }
        for p in rounds
    ]
    score, pairs = _pair(
        proposed_rounds,
        article.rounds,
        lambda p, e: (
            p["window"] and e["window"] and p["window"].overlaps(e["window"]) and _same_place(p, e)
        ),
    )
    scores["rounds"] = score
    round_of = {proposed_rounds[i]["key"]: article.rounds[j]["slug"] for i, j in pairs.items()}
    matched = set(pairs.values())
    misses += [f"round {e['slug']}" for j, e in enumerate(article.rounds) if j not in matched]

    windows = []
    for p in found.of_kind(kinds.DATE):
        if "start" in p.values:
            windows.append(
                (
                    datetime.date.fromisoformat(p.values["start"]),
                    datetime.date.fromisoformat(p.values["end"]),
                )
            )
    for p in found.of_kind(kinds.SOURCE):
        end = p.values["published_on_end"] or p.values["published_on"]
        windows.append((p.values["published_on"], end))
    expected_dates = list(article.dates)
    if mode == "given" and article.published and found.source["publication"]["how"] == "given":
        expected_dates = [
            d for d in expected_dates if d != (article.published.start, article.published.end)
        ]
    windows = list(dict.fromkeys(windows))
    scores["dates"], date_pairs = _pair(windows, expected_dates, lambda p, e: p == e)
    misses += [
        f"date {e[0]}..{e[1]}"
        for j, e in enumerate(expected_dates)
        if j not in set(date_pairs.values())
    ]

    participants = [p.values for p in found.of_kind(kinds.PARTICIPANT)]
    scores["participants"], part_pairs = _pair(
        participants,
        article.participants,
        lambda p, e: (
            round_of.get(p["round"]) == e["round"]
            and (
                (p["person"] or None) == e["person"]
                if e["person"]
                else (not p["person"] and p["party"] == e["party"])
            )
        ),
    )
    misses += [
        f"participant {e['name']} at {e['round']}"
        for j, e in enumerate(article.participants)
        if j not in set(part_pairs.values())
    ]

    items = [
        (p.values["round"], area)
        for p in found.of_kind(kinds.AGENDA_ITEM)
        for area in p.values["areas"]
    ]
    items += [
        (p.values["round"], f"unmapped:{p.key}")
        for p in found.of_kind(kinds.AGENDA_ITEM)
        if not p.values["areas"]
    ]
    scores["agenda items"], item_pairs = _pair(
        items, article.agenda, lambda p, e: round_of.get(p[0]) == e[0] and p[1] == e[1]
    )
    misses += [
        f"agenda {e[1]} at {e[0]}"
        for j, e in enumerate(article.agenda)
        if j not in set(item_pairs.values())
    ]

    deadlines = list(found.of_kind(kinds.DEADLINE))
    scores["deadlines"], dl_pairs = _pair(
        deadlines,
        article.deadlines,
        lambda p, e: (
            p.values["kind"] == e["kind"]
            and (
                (
                    p.values["date"]
                    and e["window"].overlaps(
                        window(
                            str(p.values["date"]),
                            str(p.values["end_date"]) if p.values["end_date"] else None,
                        )
                    )
                )
                or (not p.values["date"] and _quoted(p.sentence, e["quotes"]))
            )
        ),
    )
    misses += [
        f"deadline {e['kind']} {e['window']}"
        for j, e in enumerate(article.deadlines)
        if j not in set(dl_pairs.values())
    ]

    positions = list(found.of_kind(kinds.POSITION))
    scores["positions"], pos_pairs = _pair(
        positions,
        article.positions,
        lambda p, e: (
            p.values["party"] == e["party"]
            and p.values["kind"] == e["kind"]
            and _quoted(p.sentence, e["quotes"])
        ),
    )
    misses += [
        f"position {e['party']} {e['kind']}: {e['quotes'][0][:60]}"
        for j, e in enumerate(article.positions)
        if j not in set(pos_pairs.values())
    ]
    return scores, misses


def source_for(article: Article, text: str, mode: str) -> Source:
    source = Source(title=article.slug, text=text)
    if article.published is None:
        return source
    if mode == "given" and not text_prints_date(text):
        source.published_on = article.published.start
        if article.published.end != article.published.start:
            source.published_on_end = article.published.end
    else:
        # The editor knows the year the article is from, nothing more.
        year = article.published.start.year
        source.published_on = datetime.date(year, 1, 1)
        source.published_on_end = datetime.date(year, 12, 31)
        source.published_on_precision = "year"
    return source


def text_prints_date(text: str) -> bool:
    from negotiations.intake.publication import printed_day

    return printed_day(text) is not None


def measure(fixture: Path, seeds: Path, mode: str) -> Report:
    """Propose each seed article against the database as it is (strip it to the vocabulary
    first) and compare with the fixture."""
    vocabulary = Vocabulary()
    report = Report(mode)
    for article in read_fixture(fixture):
        text = (Path(seeds) / article.seed_file).read_text()
        found = propose(source_for(article, text, mode), vocabulary=vocabulary)
        scores, misses = score_article(article, found, mode)
        report.by_article[article.slug] = scores
        report.misses[article.slug] = misses
        for kind, score in scores.items():
            report.scores[kind].add(score)
    return report


def table(reports: list[Report]) -> str:
    lines = [
        "| kind | "
        + " | ".join(f"recall ({r.mode}) | precision ({r.mode})" for r in reports)
        + " |"
    ]
    lines.append("|---|" + "---:|---:|" * len(reports))
    for kind in KINDS:
        cells = []
        for report in reports:
            s = report.scores[kind]
            cells += [
                f"{s.recall:.2f} ({s.found}/{s.expected})",
                f"{s.precision:.2f} ({s.correct}/{s.proposed})",
            ]
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
