"""The dashboard's timeline drawing (negotiations.dashboard.timeline): ticks that suit the
span, dates written as precisely as they are known, deadline labels that do not overlap, a
coarse deadline drawn over its window."""

import datetime

import pytest

from negotiations.dashboard import timeline


@pytest.mark.parametrize(
    ("first", "last", "labels"),
    [
        (datetime.date(2025, 4, 10), datetime.date(2025, 4, 28), ["14 Apr", "21 Apr", "28 Apr"]),
        (datetime.date(2025, 4, 20), datetime.date(2025, 7, 12), ["May 2025", "Jun", "Jul"]),
        (
            datetime.date(2024, 11, 1),
            datetime.date(2025, 12, 31),
            ["Jan 2025", "Apr", "Jul", "Oct"],
        ),
        (datetime.date(2022, 6, 1), datetime.date(2025, 6, 1), ["2023", "2024", "2025"]),
    ],
)
def test_ticks_suit_the_span(first, last, labels):
    major, _ = timeline.ticks(timeline.Scale(first, last))
    assert [tick["label"] for tick in major] == labels
    xs = [tick["x"] for tick in major]
    assert xs == sorted(xs) and xs[0] >= timeline.GUTTER and xs[-1] <= timeline.WIDTH


@pytest.mark.parametrize(
    ("start", "end", "precision", "text"),
    [
        (datetime.date(2025, 5, 16), None, "day", "16 May 2025"),
        (datetime.date(2025, 5, 19), datetime.date(2025, 5, 23), "week", "week of 19 May 2025"),
        (datetime.date(2025, 6, 1), datetime.date(2025, 8, 31), "season", "summer 2025"),
        (datetime.date(2025, 6, 1), datetime.date(2025, 6, 30), "month", "June 2025"),
        (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31), "year", "2025"),
        (datetime.date(2025, 5, 15), datetime.date(2025, 5, 16), "day", "15–16 May 2025"),
        (None, None, "day", "date not reported"),
    ],
)
def test_dates_are_written_as_precisely_as_they_are_known(start, end, precision, text):
    assert timeline.date_label(start, end, precision) == text


def test_deadline_labels_do_not_overlap():
    as_of = datetime.date(2025, 5, 16)
    deadlines = [
        {
            "slug": slug,
            "date": day,
            "end_date": None,
            "short_title": title,
            "days_label": "53 days to go",
            "status": "upcoming",
        }
        for slug, day, title in [
            ("a", datetime.date(2025, 6, 3), "South Korean snap presidential election"),
            ("b", datetime.date(2025, 7, 8), "End of the US reciprocal tariff pause"),
            ("c", datetime.date(2025, 7, 8), "July package target"),
        ]
    ]
    tl = timeline.build_timeline([], deadlines, as_of)
    lines = [line for mark in tl["deadlines"] for line in mark["lines"]]
    for one in lines:
        for other in lines:
            if one is not other and one["title_y"] == other["title_y"]:
                widths = timeline.CHAR_WIDTH * (len(one["text"]) + len(other["text"]))
                assert abs(one["label_x"] - other["label_x"]) > widths / 2
    assert len({line["title_y"] for line in lines if line["date"].month == 7}) == 2


def test_a_coarse_deadline_is_drawn_over_its_window():
    deadline = {
        "slug": "july",
        "date": datetime.date(2025, 7, 1),
        "end_date": datetime.date(2025, 7, 31),
        "short_title": "Sometime in July",
        "days_label": "46 days to go",
        "status": "upcoming",
    }
    tl = timeline.build_timeline([], [deadline], datetime.date(2025, 5, 16))
    (mark,) = tl["deadlines"]
    scale = timeline.Scale(tl["first"], tl["last"])
    assert mark["window"]["x"] == pytest.approx(scale.x(datetime.date(2025, 7, 1)), abs=0.1)
    assert mark["window"]["x"] + mark["window"]["width"] == pytest.approx(
        scale.x(datetime.date(2025, 8, 1)), abs=0.2
    )
