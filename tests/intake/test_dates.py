"""Dates: every relative expression resolved against a given publication day, with its
precision kept as a window; the publication day printed or inferred."""

import datetime

import pytest

from negotiations.intake.dates import Window, find_dates
from negotiations.intake.publication import infer_day, printed_day
from negotiations.intake.text import sentences

FRIDAY = datetime.date(2025, 5, 16)  # a Friday
SATURDAY = datetime.date(2025, 4, 26)


def resolve(sentence: str, base=FRIDAY):
    mentions = find_dates(sentence, sentences(sentence), base)
    assert mentions, sentence
    return mentions[0]


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.mark.parametrize(
    ("sentence", "base", "start", "end", "precision"),
    [
        ("They met on Friday.", FRIDAY, "2025-05-16", "2025-05-16", "day"),
        ("On Thursday, Ahn and Greer joined them.", SATURDAY, "2025-04-24", "2025-04-24", "day"),
        ("Ahn will depart on Wednesday.", datetime.date(2025, 4, 22), "2025-04-23", "2025-04-23",
         "day"),
        ("They will meet next week.", FRIDAY, "2025-05-19", "2025-05-23", "week"),
        ("They met last week.", datetime.date(2025, 4, 24), "2025-04-14", "2025-04-18", "week"),
        ("Talks held in Washington last month.", FRIDAY, "2025-04-01", "2025-04-30", "month"),
        ("He will attend in Jeju next month.", SATURDAY, "2025-05-01", "2025-05-31", "month"),
        ("They will meet between May 15-16.", datetime.date(2025, 4, 24), "2025-05-15",
         "2025-05-16", "day"),
        ("A deal by July 8.", FRIDAY, "2025-07-08", "2025-07-08", "day"),
        ("A package by the 8th of July.", datetime.date(2025, 4, 24), "2025-07-08", "2025-07-08",
         "day"),
        ("They plan a summit in early summer.", datetime.date(2025, 4, 24), "2025-06-01",
         "2025-07-15", "season"),
        ("Martial law in December.", datetime.date(2025, 4, 24), "2024-12-01", "2024-12-31",
         "month"),
        ("I believe we had a good start today.", FRIDAY, "2025-05-16", "2025-05-16", "day"),
    ],
)  # fmt: skip
def test_relative_expressions_resolve_to_windows(sentence, base, start, end, precision):
    mention = resolve(sentence, base)
    assert mention.window == Window(day(start), day(end), precision)


def test_the_previous_day_is_the_day_before_the_date_mentioned_before_it():
    text = "The office said Friday that they met in Washington the previous day."
    friday, previous = find_dates(text, sentences(text), SATURDAY)
    assert friday.window.start == day("2025-04-25")
    assert friday.role == "statement"
    assert previous.window.start == day("2025-04-24")


def test_a_date_after_by_or_before_is_a_deadline_date():
    text = "They aim for an agreement by July 8, when the suspension is set to expire."
    (mention,) = find_dates(text, sentences(text), FRIDAY)
    assert mention.role == "deadline"


def test_relative_dates_stay_unresolved_without_a_publication_day():
    text = "They will meet next week, and between May 15-16."
    next_week, may = find_dates(text, sentences(text), None, datetime.date(2025, 7, 1))
    assert next_week.window is None
    assert may.window == Window(day("2025-05-15"), day("2025-05-16"), "day")


def test_a_printed_publication_day_is_read():
    printed = printed_day("Title\nPublished: 16 May. 2025, 20:02\nUpdated: 18 May. 2025, 17:55\n")
    assert printed.window == Window(FRIDAY, FRIDAY, "day")
    assert printed.how == "printed"
    assert printed.printed_line == "Published: 16 May. 2025, 20:02"


def test_a_past_and_a_coming_weekday_pin_an_unprinted_day():
    text = (
        "Han expressed optimism on Tuesday that the talks will go well. "
        "The meeting scheduled for April 24 will address cooperation. "
        "Ahn is expected to depart on Wednesday."
    )
    year = Window(day("2025-01-01"), day("2025-12-31"), "year")
    inferred = infer_day(text, sentences(text), year)
    assert inferred.window == Window(day("2025-04-22"), day("2025-04-22"), "day")
    assert inferred.how == "inferred"
    assert "Tuesday" in inferred.note


def test_an_unprinted_day_the_text_cannot_pin_is_a_window():
    text = "They agreed on Thursday. Tariffs were announced on April 2."
    year = Window(day("2025-01-01"), day("2025-12-31"), "year")
    inferred = infer_day(text, sentences(text), year)
    assert inferred.window == Window(day("2025-04-02"), day("2025-12-31"), "day")
    assert "April 2" in inferred.note
