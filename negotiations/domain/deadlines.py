"""Deadline status relative to a chosen day ("as of"), honest about coarse dates.

A deadline known only to the week, month or season is stored as the window it falls in
(date .. end_date). Days remaining count to the first day of that window, the earliest
the deadline can fall; it is "due" while the day is inside the window and "passed" after.
"""

import datetime
from typing import TypedDict

UPCOMING, DUE_TODAY, PASSED = "upcoming", "due_today", "passed"
STATUSES = (UPCOMING, DUE_TODAY, PASSED)


class DeadlineStatus(TypedDict):
    days_remaining: int
    status: str


def deadline_status(
    date: datetime.date, end_date: datetime.date | None, as_of: datetime.date
) -> DeadlineStatus:
    last_day = end_date or date
    if as_of < date:
        status = UPCOMING
    elif as_of <= last_day:
        status = DUE_TODAY
    else:
        status = PASSED
    return {"days_remaining": (date - as_of).days, "status": status}
