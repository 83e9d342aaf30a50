import datetime

from negotiations.domain.deadlines import deadline_status

JULY_8 = datetime.date(2025, 7, 8)


def test_upcoming_counts_days_remaining():
    assert deadline_status(JULY_8, None, datetime.date(2025, 5, 16)) == {
        "days_remaining": 53,
        "status": "upcoming",
    }


def test_due_today():
    assert deadline_status(JULY_8, None, JULY_8) == {"days_remaining": 0, "status": "due_today"}


def test_passed_has_negative_days():
    assert deadline_status(JULY_8, None, datetime.date(2025, 7, 10)) == {
        "days_remaining": -2,
        "status": "passed",
    }


def test_coarse_deadline_is_due_while_inside_its_window():
    june_start, june_end = datetime.date(2025, 6, 1), datetime.date(2025, 6, 30)

    assert (
        deadline_status(june_start, june_end, datetime.date(2025, 6, 15))["status"] == "due_today"
    )
    assert deadline_status(june_start, june_end, datetime.date(2025, 7, 1))["status"] == "passed"
    assert deadline_status(june_start, june_end, datetime.date(2025, 5, 31)) == {
        "days_remaining": 1,
        "status": "upcoming",
    }
