"""Geometry of the timeline: dates to x positions, ticks, lanes and labels, as plain data.

Everything is computed here, in Python, so the template only writes SVG elements with the
numbers it is given. Coordinates are in the units of the SVG viewBox (WIDTH wide); the
browser scales the drawing to the page.

Dates keep their precision: a round known only to the week, month or season is drawn as a
span over its window (start_date .. end_date), never as a made-up exact day.
"""

import datetime
from dataclasses import dataclass

from negotiations.choices import DatePrecision, RoundLevel, RoundStatus

WIDTH = 1000
GUTTER = 150  # lane labels on the left
RIGHT = 28
TOP = 14
DEADLINE_LINE = 16  # height of one deadline label line
LANE_HEIGHT = 72
AXIS_HEIGHT = 34
MARKER_RADIUS = 7
MIN_SPAN_WIDTH = 10
BAR_HEIGHT = 16
CHAR_WIDTH = 6.4  # rough width of one character of a 12-unit label
MIN_PADDING_DAYS = 4
ONE_DAY = datetime.timedelta(days=1)
MAX_YEAR_LABELS = 12
YEAR_STEPS = (1, 2, 5, 10, 20, 25, 50, 100)

LEVEL_ORDER = [
    RoundLevel.LEADERS,
    RoundLevel.MINISTERIAL,
    RoundLevel.HIGH_LEVEL_2PLUS2,
    RoundLevel.WORKING,
    RoundLevel.DIRECTOR,
    RoundLevel.UNSPECIFIED,
]
SHORT_LEVEL_LABELS = {
    RoundLevel.LEADERS: "Leaders",
    RoundLevel.MINISTERIAL: "Ministerial",
    RoundLevel.HIGH_LEVEL_2PLUS2: "High-level 2+2",
    RoundLevel.WORKING: "Working level",
    RoundLevel.DIRECTOR: "Director level",
    RoundLevel.UNSPECIFIED: "Level not reported",
}
SEASONS = {3: "spring", 6: "summer", 9: "autumn", 12: "winter"}
CALLED_OFF = frozenset({RoundStatus.POSTPONED, RoundStatus.CANCELLED})


def season_label(start: datetime.date, end: datetime.date | None) -> str | None:
    """A season window's name: "summer", or "early summer" for the first part of it (the
    words of "early summer" kept); None if the window is not within one season."""
    season = SEASONS.get(start.month)
    if season is None or start.day != 1:
        return None
    year, month = divmod(start.month + 2, 12)  # the season's last month
    season_end = datetime.date(start.year + year, month + 1, 1) - ONE_DAY
    if end is None or end == season_end:
        return season
    return f"early {season}" if end < season_end else None


def date_label(start: datetime.date | None, end: datetime.date | None, precision: str) -> str:
    """A date as precisely as it is known: "16 May 2025", "week of 19 May 2025", "May 2025"."""
    if start is None:
        return "date not reported"
    if precision == DatePrecision.WEEK:
        return f"week of {start.day} {start:%b %Y}"
    if precision == DatePrecision.MONTH:
        return f"{start:%B %Y}"
    if precision == DatePrecision.SEASON:
        season = season_label(start, end)
        return f"{season} {start.year}" if season else f"{start:%b}–{end or start:%b %Y}"
    if precision == DatePrecision.YEAR:
        return str(start.year)
    if end and end != start:
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day}–{end.day} {end:%b %Y}"
        return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
    return f"{start.day} {start:%b %Y}"


def short_date_label(start: datetime.date, end: datetime.date | None, precision: str) -> str:
    """The same, without the year, for labels on the chart."""
    if precision == DatePrecision.WEEK:
        return f"week of {start.day} {start:%b}"
    if precision == DatePrecision.MONTH:
        return f"{start:%B}"
    if precision == DatePrecision.SEASON:
        return season_label(start, end) or f"{start:%b}–{end or start:%b}"
    if precision == DatePrecision.YEAR:
        return str(start.year)
    if end and end != start:
        return f"{start.day}–{end.day} {end:%b}"
    return f"{start.day} {start:%b}"


@dataclass(frozen=True)
class Scale:
    """Maps days to x: the first day starts at x0, the day after the last ends at x1."""

    first: datetime.date
    last: datetime.date
    x0: float = GUTTER
    x1: float = WIDTH - RIGHT

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def x(self, day: datetime.date) -> float:
        """Left edge of a day."""
        return self.x0 + (day - self.first).days * (self.x1 - self.x0) / self.days

    def mid(self, day: datetime.date) -> float:
        """Middle of a day: where a point event on that day is drawn."""
        return self.x(day) + (self.x1 - self.x0) / self.days / 2

    def contains(self, day: datetime.date) -> bool:
        return self.first <= day <= self.last


def domain(dates: list[datetime.date]) -> tuple[datetime.date, datetime.date]:
    """The days the axis covers: every date given, with a margin on both sides."""
    low, high = min(dates), max(dates)
    padding = datetime.timedelta(days=max(MIN_PADDING_DAYS, round((high - low).days * 0.06)))
    return low - padding, high + padding


def month_starts(first: datetime.date, last: datetime.date, step: int = 1):
    year, month = first.year, first.month
    while True:
        day = datetime.date(year, month, 1)
        if day > last:
            return
        if day >= first and (month - 1) % step == 0:
            yield day
        month += 1
        if month > 12:
            year, month = year + 1, 1


def ticks(scale: Scale) -> tuple[list[dict], list[float]]:
    """Labelled ticks (weeks, months or years, by the span) and unlabelled gridlines."""
    days = scale.days
    monday = scale.first + datetime.timedelta(days=(7 - scale.first.weekday()) % 7)
    mondays = [
        monday + datetime.timedelta(weeks=n) for n in range((scale.last - monday).days // 7 + 1)
    ]
    if days <= 70:
        major, minor = mondays, []
        labels = [f"{day.day} {day:%b}" for day in major]
    elif days <= 200:
        major, minor = list(month_starts(scale.first, scale.last)), mondays
        labels = [
            f"{day:%b %Y}" if index == 0 or day.month == 1 else f"{day:%b}"
            for index, day in enumerate(major)
        ]
    elif days <= 800:
        major = list(month_starts(scale.first, scale.last, step=3))
        minor = list(month_starts(scale.first, scale.last))
        labels = [
            f"{day:%b %Y}" if index == 0 or day.month == 1 else f"{day:%b}"
            for index, day in enumerate(major)
        ]
    else:
        years = [day for day in month_starts(scale.first, scale.last) if day.month == 1]
        # A label every 1, 2, 5, 10... years: at most MAX_YEAR_LABELS, whatever the span (a
        # round in 1900 and another in 2100 drew two hundred labels over each other).
        step = next(
            (step for step in YEAR_STEPS if len(years) <= MAX_YEAR_LABELS * step), YEAR_STEPS[-1]
        )
        major = [day for day in years if day.year % step == 0]
        minor = list(month_starts(scale.first, scale.last, step=3)) if step == 1 else years
        labels = [str(day.year) for day in major]
    labelled = [
        {"x": round(scale.x(day), 1), "label": label, "date": day.isoformat()}
        for day, label in zip(major, labels, strict=True)
    ]
    majors = set(major)
    grid = [round(scale.x(day), 1) for day in minor if day not in majors]
    return labelled, grid


def round_mark(row: dict, scale: Scale, y: float) -> dict:
    """A round on the axis: a dot on its day, or a span over the window it is known to."""
    start, end, precision = row["start_date"], row["end_date"], row["date_precision"]
    is_span = precision != DatePrecision.DAY or (end is not None and end != start)
    mark = {
        "slug": row["slug"],
        "y": y,
        "span": is_span,
        "planned": row["status"] == RoundStatus.PLANNED,
        # Postponed or cancelled: not planned any more, drawn hollow and struck through.
        "called_off": row["status"] in CALLED_OFF,
        "precision": precision,
        "status": row["status"],
        "label_date": short_date_label(start, end, precision),
    }
    if is_span:
        x = scale.x(start)
        width = max(scale.x((end or start) + datetime.timedelta(days=1)) - x, MIN_SPAN_WIDTH)
        mark.update(
            x=round(x, 1),
            width=round(width, 1),
            cx=round(x + width / 2, 1),
            halo={
                "x": round(x - 5, 1),
                "y": round(y - BAR_HEIGHT / 2 - 5, 1),
                "width": round(width + 10, 1),
                "height": BAR_HEIGHT + 10,
            },
            bar_y=round(y - BAR_HEIGHT / 2, 1),
            bar_height=BAR_HEIGHT,
        )
    else:
        mark.update(cx=round(scale.mid(start), 1))
    if mark["called_off"]:
        half = (mark["width"] / 2 if is_span else 0) + MARKER_RADIUS + 2
        mark["strike"] = {
            "x1": round(mark["cx"] - half, 1),
            "x2": round(mark["cx"] + half, 1),
            "y1": round(y + MARKER_RADIUS + 2, 1),
            "y2": round(y - MARKER_RADIUS - 2, 1),
        }
    return mark


def place_labels(marks: list[dict], lane_y: float) -> None:
    """Labels above the marks; one that would overlap its neighbour's goes below it."""
    previous_right: dict[str, float] = {"above": -1e9, "below": -1e9}
    for mark in sorted(marks, key=lambda m: m["cx"]):
        width = CHAR_WIDTH * max(len(mark["label"]), len(mark["label_date"]))
        left = mark["cx"] - width / 2
        side = "above" if left > previous_right["above"] + 6 else "below"
        if side == "below" and left <= previous_right["below"] + 6:
            side = "above"
        previous_right[side] = mark["cx"] + width / 2
        anchor_x = min(max(mark["cx"], GUTTER + width / 2), WIDTH - 4 - width / 2)
        mark["label_x"] = round(anchor_x, 1)
        mark["label_side"] = side
        if side == "above":
            mark["label_y"] = round(lane_y - 29, 1)
            mark["date_y"] = round(lane_y - 16, 1)
        else:
            mark["label_y"] = round(lane_y + 27, 1)
            mark["date_y"] = round(lane_y + 40, 1)


def build_timeline(rounds: list[dict], deadlines: list[dict], as_of: datetime.date) -> dict:
    """Everything the SVG needs. rounds and deadlines are dicts prepared by the selector:
    rounds with slug, level, status, start_date, end_date, date_precision, label;
    deadlines with slug, date, end_date, short_title, days_label, status."""
    dated = [row for row in rounds if row["start_date"]]
    anchors = [row["start_date"] for row in dated] + [
        row["end_date"] for row in dated if row["end_date"]
    ]
    anchors += [d["date"] for d in deadlines] + [d["end_date"] for d in deadlines if d["end_date"]]
    if not anchors:
        return {"empty": True, "width": WIDTH, "height": 0}
    low, high = domain(anchors)
    natural = (high - low).days
    near = (
        low - datetime.timedelta(days=natural // 2)
        <= as_of
        <= high + datetime.timedelta(days=natural // 2)
    )
    if near:
        low, high = domain([*anchors, as_of])
    scale = Scale(low, high)

    # Deadlines on top: each label in the first row where it overlaps no other label.
    labels, rows_right = [], []
    for deadline in sorted(deadlines, key=lambda d: (d["date"], d["short_title"])):
        x = scale.mid(deadline["date"])
        text = f"{deadline['short_title']} · {deadline['date'].day} {deadline['date']:%b}"
        width = CHAR_WIDTH * max(len(text), len(deadline["days_label"]))
        centre = min(max(x, GUTTER + width / 2), WIDTH - 4 - width / 2)
        row = next(
            (i for i, right in enumerate(rows_right) if centre - width / 2 > right + 12),
            len(rows_right),
        )
        if row == len(rows_right):
            rows_right.append(0)
        rows_right[row] = centre + width / 2
        y = TOP + 12 + row * 2 * DEADLINE_LINE
        labels.append(
            {**deadline, "text": text, "label_x": round(centre, 1), "title_y": y, "days_y": y + 14}
        )
    deadline_band = len(rows_right) * 2 * DEADLINE_LINE + 8 if labels else 0
    lanes_top = TOP + deadline_band + 24

    levels = [level for level in LEVEL_ORDER if any(row["level"] == level for row in dated)]
    levels += sorted({row["level"] for row in dated} - set(levels), key=str)
    lanes = []
    for index, level in enumerate(levels):
        y = lanes_top + index * LANE_HEIGHT + LANE_HEIGHT / 2
        marks = [
            {**round_mark(row, scale, y), "label": row["label"], "row": row}
            for row in dated
            if row["level"] == level
        ]
        place_labels(marks, y)
        lanes.append(
            {
                "level": level,
                # A level no source had stated by the day asked for: a lane of its own.
                "label": SHORT_LEVEL_LABELS.get(level, level) or "Level not reported",
                "y": y,
                "top": y - LANE_HEIGHT / 2,
                "height": LANE_HEIGHT,
                "label_y": y + 4,
                "marks": marks,
            }
        )

    axis_y = lanes_top + len(lanes) * LANE_HEIGHT + 6
    height = axis_y + AXIS_HEIGHT + 22

    deadline_marks = []
    marker_y = lanes_top - 12
    for day in sorted({label["date"] for label in labels}):
        x = round(scale.mid(day), 1)
        lines = [label for label in labels if label["date"] == day]
        # A deadline known only to a week or a month is the window it falls in.
        last = max((line["end_date"] or day) for line in lines)
        window = None
        if last > day:
            left = scale.x(day)
            window = {
                "x": round(left, 1),
                "y": marker_y,
                "width": round(scale.x(last + ONE_DAY) - left, 1),
                "height": axis_y - marker_y,
            }
        deadline_marks.append(
            {
                "x": x,
                "window": window,
                "date": day,
                "lines": lines,
                "marker_y": marker_y,
                "leader_y": max(line["days_y"] for line in lines) + 5,
                "diamond": f"{x},{marker_y - 7} {x + 7},{marker_y} {x},{marker_y + 7} "
                f"{x - 7},{marker_y}",
            }
        )

    major, grid = ticks(scale)
    visible = scale.contains(as_of)
    as_of_x = scale.mid(as_of) if visible else (GUTTER if as_of < scale.first else WIDTH - RIGHT)
    as_of_mark = {
        "date": as_of,
        "visible": visible,
        "side": "before" if as_of < scale.first else "after" if as_of > scale.last else "",
        "x": round(as_of_x, 1),
        "label_x": round(min(max(as_of_x, GUTTER + 60), WIDTH - RIGHT - 60), 1),
        "label_y": axis_y + AXIS_HEIGHT + 12,
        "anchor": "middle",
    }
    if not visible:
        as_of_mark["anchor"] = "start" if as_of < scale.first else "end"
        as_of_mark["label_x"] = round(as_of_x, 1)
    return {
        "empty": False,
        "width": WIDTH,
        "height": round(height),
        "gutter": GUTTER,
        "right": WIDTH - RIGHT,
        "lanes_top": lanes_top,
        "lanes_bottom": axis_y,
        "axis_y": axis_y,
        "tick_label_y": axis_y + 20,
        "lanes": lanes,
        "deadlines": deadline_marks,
        "ticks": major,
        "grid": grid,
        "as_of": as_of_mark,
        "first": scale.first,
        "last": scale.last,
        "radius": MARKER_RADIUS,
    }
