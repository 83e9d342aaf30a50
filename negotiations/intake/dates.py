"""Dates in an article: every date expression, resolved against the publication day, with
its precision kept as a window (a week is Monday to Friday, a month its days, a season its
months; "early summer" the first half of it), never a made-up exact day.

dateparser reads the absolute dates ("16 May. 2025", "the 8th of July"); the year of a date
printed without one, and every relative expression ("on Friday", "next week", "last month",
"between May 15-16", "early summer"), are resolved here, against the publication day and
the tense of the words around them (a weekday said of the past is the latest such day on or
before the publication day; of the future, the next one after it).
"""

import calendar
import datetime
import re
from dataclasses import dataclass

import dateparser

from negotiations.choices import DatePrecision
from negotiations.intake.text import Sentence, tense_at

DAY, WEEK, MONTH, SEASON, YEAR = (
    DatePrecision.DAY.value,
    DatePrecision.WEEK.value,
    DatePrecision.MONTH.value,
    DatePrecision.SEASON.value,
    DatePrecision.YEAR.value,
)
_PARSER_SETTINGS = {"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False}

MONTHS = [m.casefold() for m in calendar.month_name[1:]]
# A full month name takes a full stop only before a year ("16 May. 2025"); an abbreviation
# always may.
_MONTH_NAMES = (
    r"(?:(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)(?:\.(?=\s*\d))?|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?)"
)
_WEEKDAYS = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_ORDINAL = r"(?:st|nd|rd|th)?"
_SEASONS = {
    "spring": (3, 5),
    "summer": (6, 8),
    "autumn": (9, 11),
    "fall": (9, 11),
    "winter": (12, 2),
}
# Longest expressions first: each part of the text is read once.
PATTERNS = [
    (
        "day_range",
        re.compile(
            rf"(?:\bbetween\s+)?\b(?P<month>{_MONTH_NAMES})\s+(?P<d1>\d{{1,2}}){_ORDINAL}\s*"
            rf"(?:-|–|to|and)\s*(?P<d2>\d{{1,2}}){_ORDINAL}\b(?:,?\s*(?P<year>\d{{4}}))?"
        ),
    ),
    (
        "month_day",
        re.compile(
            rf"\b(?P<month>{_MONTH_NAMES})\s+(?P<day>\d{{1,2}}){_ORDINAL}\b(?!:)"
            rf"(?:,?\s*(?P<year>\d{{4}})\b)?"
        ),
    ),
    (
        "day_month",
        re.compile(
            rf"\b(?:the\s+)?(?P<day>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?(?P<month>{_MONTH_NAMES})"
            rf"(?:,?\s*(?P<year>\d{{4}})\b)?"
        ),
    ),
    (
        "part_season",
        re.compile(
            r"\b(?P<part>early|mid|late)[\s-]+(?P<season>spring|summer|autumn|fall|winter)"
            r"(?:\s+(?:of\s+)?(?P<year>\d{4}))?\b",
            re.IGNORECASE,
        ),
    ),
    (
        "part_month",
        re.compile(
            rf"\b(?P<part>early|mid|late)[\s-]+(?P<month>{_MONTH_NAMES})(?:\s+(?P<year>\d{{4}}))?\b",
            re.IGNORECASE,
        ),
    ),
    (
        "season",
        re.compile(
            r"\b(?:(?P<which>this|next|last|in(?: the)?)\s+)(?P<season>spring|summer|autumn|fall|"
            r"winter)(?:\s+(?:of\s+)?(?P<year>\d{4}))?\b",
            re.IGNORECASE,
        ),
    ),
    (
        "month",
        re.compile(
            r"\b(?:(?:in|of|since|until|by|before|after|from|during|this|next|last)\s+"
            r"(?:the\s+month\s+of\s+)?|the\s+month\s+of\s+)"
            r"(?P<month>January|February|March|April|May|June|July|August|September|October|"
            r"November|December)(?:\s+(?P<year>\d{4}))?\b"
        ),
    ),
    (
        "relative",
        re.compile(
            r"\b(?P<which>next|last|this|coming|the following|the previous|the coming|"
            r"earlier this|later this)\s+(?P<unit>week|month|year)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "weekday",
        re.compile(rf"\b(?:(?P<which>on|last|next|this)\s+)?(?P<weekday>{_WEEKDAYS})\b"),
    ),
    (
        "deictic",
        re.compile(
            r"\b(?P<word>today|yesterday|tomorrow|tonight|this morning|this afternoon|"
            r"the previous day|the day before|the next day|the following day)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "year_range",
        re.compile(r"\bbetween\s+(?P<y1>(?:19|20)\d{2})\s+and\s+(?P<y2>(?:19|20)\d{2})\b"),
    ),
    ("year", re.compile(r"\b(?:in|since|of|until|by|from|during)\s+(?P<year>(?:19|20)\d{2})\b")),
]
_DEADLINE_LEAD = re.compile(
    r"(?:\bby|\bbefore|\buntil|\bexpires? on|\bexpire|\bdeadline of|\bno later than)"
    r"\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_STATEMENT_LEAD = re.compile(
    r"\b(?:said|stated|told|noted|added|announced|expressed(?: \w+)?|reported|accusing|"
    r"accused|warned|indicated)\s*(?:on\s*)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Window:
    """A date as a window of days: one day, or the week, month, season or year it is in."""

    start: datetime.date
    end: datetime.date
    precision: str = DAY

    def overlaps(self, other: "Window") -> bool:
        return self.start <= other.end and other.start <= self.end

    def contains(self, other: "Window") -> bool:
        return self.start <= other.start and other.end <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def fields(self) -> dict:
        """The window as a round's or deadline's date fields (no end for a single day)."""
        single = self.precision == DAY and self.start == self.end
        return {
            "start_date": self.start,
            "end_date": None if single else self.end,
            "date_precision": self.precision,
        }

    def __str__(self):
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()}..{self.end.isoformat()} ({self.precision})"


@dataclass(frozen=True)
class DateMention:
    """A date expression found in the article, and what it resolves to.

    ``window`` is None when the expression is relative and the publication day is not known
    closely enough to resolve it. ``role``: "deadline" for a date introduced by "by",
    "before", "until" or "expires on"; "statement" for the day something was said; "" else.
    """

    as_reported: str
    start: int  # offset in the article
    end: int
    kind: str
    window: Window | None
    note: str
    tense: str
    role: str


# --- Calendar helpers --------------------------------------------------------------------------


def month_number(name: str) -> int:
    key = name.rstrip(".").casefold()
    return next(i for i, month in enumerate(MONTHS, 1) if month.startswith(key[:3]))


def month_window(year: int, month: int) -> Window:
    last = calendar.monthrange(year, month)[1]
    return Window(datetime.date(year, month, 1), datetime.date(year, month, last), MONTH)


def work_week(day: datetime.date) -> Window:
    """The working week (Monday to Friday) of a day."""
    monday = day - datetime.timedelta(days=day.weekday())
    return Window(monday, monday + datetime.timedelta(days=4), WEEK)


def season_window(year: int, season: str, part: str = "") -> Window:
    first, last = _SEASONS[season.casefold()]
    start = datetime.date(year, first, 1)
    end_year = year + 1 if last < first else year
    end = datetime.date(end_year, last, calendar.monthrange(end_year, last)[1])
    if part:
        # Halves by the calendar: early summer is 1 June to 15 July, late summer 16 July to
        # 31 August; mid-summer is its middle month.
        middle_month = datetime.date(start.year + (first + 1 > 12), (first % 12) + 1, 1)
        part = part.casefold()
        if part == "early":
            end = middle_month.replace(day=15)
        elif part == "late":
            start = middle_month.replace(day=16)
        else:
            last_day = calendar.monthrange(middle_month.year, middle_month.month)[1]
            start, end = middle_month, middle_month.replace(day=last_day)
    return Window(start, end, SEASON)


def nearest_year(month: int, day: int, base: datetime.date, tense: str) -> int:
    """The year that puts month/day nearest the publication day, on the side of its tense
    when two are as near."""
    options = []
    for year in (base.year - 1, base.year, base.year + 1):
        try:
            candidate = datetime.date(year, month, day)
        except ValueError:
            continue
        distance = abs((candidate - base).days)
        wrong_side = (candidate < base) if tense == "future" else (candidate > base)
        options.append((distance + (45 if wrong_side else 0), year))
    return min(options)[1]


def _parsed_day(text: str, year: int) -> datetime.date | None:
    """dateparser's reading of an absolute day ("8th of July", "16 May."), in ``year``."""
    parsed = dateparser.parse(
        f"{text} {year}", languages=["en"], settings=_PARSER_SETTINGS | {"STRICT_PARSING": True}
    )
    return parsed.date() if parsed else None


# --- Resolution ---------------------------------------------------------------------------------


def _resolve(kind: str, match: re.Match, base: datetime.date | None, tense: str, anchor):
    """(window, note) of one expression; window None if it cannot be resolved."""
    groups = match.groupdict()
    year = int(groups["year"]) if groups.get("year") else None
    if kind in ("month_day", "day_month", "day_range"):
        month = month_number(groups["month"])
        day = int(groups.get("day") or groups["d1"])
        if year is None:
            if base is None:
                return None, "No year is printed and the publication day is not known."
            year = nearest_year(month, day, base, tense)
            note = f"Year {year}: the nearest to the publication day ({base.isoformat()})."
        else:
            note = ""
        if kind == "day_range":
            try:
                start = datetime.date(year, month, day)
                end = datetime.date(year, month, int(groups["d2"]))
            except ValueError:
                return None, "Not a calendar day."
            return Window(start, max(start, end), DAY), note
        text = f"{day} {groups['month'].rstrip('.')}"
        parsed = _parsed_day(text, year)
        return (Window(parsed, parsed, DAY), note) if parsed else (None, "Not a calendar day.")
    if kind in ("month", "part_month"):
        month = month_number(groups["month"])
        if year is None:
            if base is None:
                return None, "No year is printed and the publication day is not known."
            year = nearest_year(month, 15, base, tense)
        window = month_window(year, month)
        part = (groups.get("part") or "").casefold()
        if part:
            third = {"early": (1, 10), "mid": (11, 20), "late": (21, window.end.day)}[part]
            window = Window(
                window.start.replace(day=third[0]), window.start.replace(day=third[1]), MONTH
            )
        return window, ""
    if kind in ("season", "part_season"):
        season = groups["season"]
        which = (groups.get("which") or "").casefold()
        if year is None:
            if base is None:
                return None, "The publication day is not known."
            year = base.year
            current = season_window(year, season)
            if which == "next" or (tense == "future" and current.end < base):
                year += 1
            elif which == "last" or (tense == "past" and current.start > base):
                year -= 1
        return season_window(year, season, groups.get("part") or ""), ""
    if kind == "year_range":
        start, end = int(groups["y1"]), int(groups["y2"])
        return Window(datetime.date(start, 1, 1), datetime.date(end, 12, 31), YEAR), ""
    if kind == "year":
        return Window(datetime.date(year, 1, 1), datetime.date(year, 12, 31), YEAR), ""
    if base is None:
        return None, "A relative date: the publication day is not known."
    if kind == "relative":
        which, unit = groups["which"].casefold(), groups["unit"].casefold()
        step = {"next": 1, "coming": 1, "the following": 1, "the coming": 1}.get(which, 0)
        step = -1 if which in ("last", "the previous") else step
        if unit == "week":
            return work_week(base + datetime.timedelta(weeks=step)), ""
        if unit == "month":
            month_index = base.year * 12 + base.month - 1 + step
            return month_window(month_index // 12, month_index % 12 + 1), ""
        year = base.year + step
        return Window(datetime.date(year, 1, 1), datetime.date(year, 12, 31), YEAR), ""
    if kind == "weekday":
        weekday = list(calendar.day_name).index(groups["weekday"])
        which = (groups.get("which") or "").casefold()
        offset = (weekday - base.weekday()) % 7
        if which == "next":
            day = base + datetime.timedelta(days=offset or 7)
        elif which != "last" and tense == "future":  # said of what is to come: today or after
            day = base + datetime.timedelta(days=offset)
        elif which == "this":
            day = base + datetime.timedelta(days=weekday - base.weekday())
        else:  # said of the past: the latest such day on or before the publication day
            back = (base.weekday() - weekday) % 7
            day = base - datetime.timedelta(days=back or (7 if which == "last" else 0))
        return Window(day, day, DAY), ""
    word = groups["word"].casefold()
    if word in ("the previous day", "the day before"):
        day = (anchor or base) - datetime.timedelta(days=1)
        note = "The day before the date mentioned before it." if anchor else ""
        return Window(day, day, DAY), note
    if word in ("the next day", "the following day"):
        day = (anchor or base) + datetime.timedelta(days=1)
        return Window(day, day, DAY), ""
    shift = {"yesterday": -1, "tomorrow": 1}.get(word, 0)
    day = base + datetime.timedelta(days=shift)
    return Window(day, day, DAY), ""


_STATEMENT_AFTER = re.compile(
    r"^\s*(?:accus|said|says|stated|told|warned|announced|expressed)", re.IGNORECASE
)


def _role(text: str, start: int, end: int, sentence: Sentence) -> str:
    before = text[max(sentence.start, start - 40) : start]
    if _DEADLINE_LEAD.search(before):
        return "deadline"
    # "before the reciprocal tariff pause is lifted in the month of July": still the clause
    # of a "before".
    clause = re.split(r"[,;]", text[sentence.start : start])[-1]
    if re.search(r"\b(?:before|until|by the time)\b", clause, re.IGNORECASE):
        return "deadline"
    if _STATEMENT_LEAD.search(before) or _STATEMENT_AFTER.match(text[end : end + 20]):
        return "statement"
    return ""


def find_dates(
    text: str,
    sentences: list[Sentence],
    base: datetime.date | None,
    year_base: datetime.date | None = None,
) -> list[DateMention]:
    """Every date expression of the article, in order, resolved against ``base`` (the
    publication day; None if it is not known to the day). ``year_base``: a day in the year
    the publication falls in, when only that is known: dates printed without a year (and
    seasons) are read in it; relative ones stay unresolved."""
    found: list[DateMention] = []
    for sentence in sentences:
        taken: list[tuple[int, int]] = []
        in_sentence: list[DateMention] = []
        for kind, pattern in PATTERNS:
            for match in pattern.finditer(sentence.text):
                if any(match.start() < end and start < match.end() for start, end in taken):
                    continue
                taken.append((match.start(), match.end()))
                tense = tense_at(sentence.text, match.start())
                start = sentence.start + match.start()
                anchor = (
                    in_sentence[-1].window.start if in_sentence and in_sentence[-1].window else None
                )
                window, note = _resolve(kind, match, base, tense, anchor)
                if (
                    window is None
                    and base is None
                    and year_base is not None
                    and kind
                    in (
                        "day_range",
                        "month_day",
                        "day_month",
                        "month",
                        "part_month",
                        "season",
                        "part_season",
                    )
                ):
                    window, _ = _resolve(kind, match, year_base, tense, anchor)
                    note = f"Read in {year_base.year}, the year of the publication window."
                in_sentence.append(
                    DateMention(
                        as_reported=match.group(0).strip(),
                        start=start,
                        end=sentence.start + match.end(),
                        kind=kind,
                        window=window,
                        note=note,
                        tense=tense,
                        role=_role(text, start, sentence.start + match.end(), sentence),
                    )
                )
                in_sentence.sort(key=lambda mention: mention.start)
        found.extend(in_sentence)
    return found


# --- The publication day ---------------------------------------------------------------------
