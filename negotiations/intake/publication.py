"""The publication day of an article: printed ("Published: 16 May. 2025, 20:02"), or
inferred from its text within the window the editor gives (at least the year): a day when
the text pins it, else the window of days it allows, with the reasoning."""

import calendar
import datetime
import re
from dataclasses import dataclass

import dateparser

from negotiations.intake.dates import _PARSER_SETTINGS, DAY, PATTERNS, Window, _resolve, find_dates
from negotiations.intake.text import Sentence

_PRINTED = re.compile(r"^\s*(?:Published|Posted|Date)\s*:?\s*(?P<when>.+?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class PublicationDay:
    """When the article was published: printed, given by the editor, or inferred (a day or
    a window of days, with the reasoning)."""

    window: Window | None
    how: str  # "printed", "given", "inferred", "unknown"
    note: str
    printed_line: str = ""
    printed_at: datetime.datetime | None = None

    @property
    def day(self) -> datetime.date | None:
        """The day to resolve relative dates against: only when known to the day."""
        if self.window is not None and self.window.start == self.window.end:
            return self.window.start
        return None


def printed_day(text: str) -> PublicationDay | None:
    """The publication date printed in the text ("Published: 16 May. 2025, 20:02")."""
    for match in _PRINTED.finditer(text):
        when = match.group("when")
        parsed = dateparser.parse(when, languages=["en"], settings=_PARSER_SETTINGS)
        if parsed is None:
            continue
        day = parsed.date()
        note = f"Printed: \u2018{match.group(0).strip()}\u2019 (no time zone printed)."
        return PublicationDay(
            Window(day, day, DAY), "printed", note, match.group(0).strip(), parsed
        )
    return None


def infer_day(text: str, sentences: list[Sentence], within: Window) -> PublicationDay:
    """The publication day as far as the text allows, within ``within`` (the editor's
    window, at least the year).

    Dates printed in full bound it: a past event is before it, an event to come after it.
    A weekday said of the past ("expressed optimism on Tuesday") and one said of what is to
    come ("is expected to depart on Wednesday") pin it to a day of the week: the latest such
    day within the bounds. Otherwise the window between the bounds is proposed."""
    lo, hi, reasons = within.start, within.end, []
    year_base = datetime.date(within.start.year, 7, 1) if within.days > 31 else within.start
    past_days, future_days = [], []
    for mention in find_dates(text, sentences, None):
        if mention.kind == "weekday":
            which = mention.as_reported.split()[0].casefold() if " " in mention.as_reported else ""
            if which in ("", "on"):
                target = future_days if mention.tense == "future" else past_days
                target.append(mention)
            continue
        if mention.kind not in ("month_day", "day_month", "day_range"):
            continue
        window = mention.window
        if window is None:
            # Printed without a year: read it in the editor's window.
            window, _ = _resolve(
                mention.kind,
                next(
                    pattern.search(mention.as_reported)
                    for kind, pattern in PATTERNS
                    if kind == mention.kind
                ),
                year_base,
                mention.tense,
                None,
            )
            if window is None:
                continue
        if mention.tense == "future" or mention.role == "deadline":
            if window.start <= hi:
                hi = window.start - datetime.timedelta(days=1)
                reasons.append(f"\u2018{mention.as_reported}\u2019 is still to come")
        elif lo <= window.end <= within.end:
            lo = window.end
            reasons.append(f"\u2018{mention.as_reported}\u2019 has happened")
    if lo > hi:
        return PublicationDay(None, "unknown", "The dates of the text contradict each other.")
    if past_days and future_days:
        past = list(calendar.day_name).index(past_days[0].as_reported.split()[-1])
        future = list(calendar.day_name).index(future_days[0].as_reported.split()[-1])
        day = hi
        while day >= lo:
            # The past weekday is on or before the day, the one to come after it, within a week.
            back = (day.weekday() - past) % 7
            ahead = (future - day.weekday()) % 7
            if ahead and back + ahead < 7:
                reasons.append(
                    f"\u2018{past_days[0].as_reported}\u2019 has happened and "
                    f"\u2018{future_days[0].as_reported}\u2019 is to come: the latest such day"
                )
                note = "No date printed. " + "; ".join(reasons) + f": {day.isoformat()}."
                return PublicationDay(Window(day, day, DAY), "inferred", note)
            day -= datetime.timedelta(days=1)
    note = (
        "No date printed. "
        + ("; ".join(reasons) + ": " if reasons else "Nothing in the text dates it: ")
        + f"between {lo.isoformat()} and {hi.isoformat()}."
    )
    return PublicationDay(Window(lo, hi, DAY), "inferred", note)
