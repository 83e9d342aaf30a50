"""SQLite set up for concurrent writers (`make run`): WAL, write transactions that take the
write lock when they begin and queue for it in arrival order, a busy timeout that fits.

How 20 concurrent writers fare against `make run`'s server is measured, not asserted here:
reliability/sqlite_writers.py (its numbers are in reliability/REPORT.md).
"""

import threading
import time

import pytest
from django.conf import settings
from django.db import OperationalError
from django.db.utils import ConnectionHandler

from negotiations.api.exceptions import is_outage
from tracker.db.sqlite3.base import FairLock, writers_turn

SQLITE = settings.DATABASES["default"]["ENGINE"] == "tracker.db.sqlite3"
needs_sqlite = pytest.mark.skipif(not SQLITE, reason="the suite runs on PostgreSQL")


@pytest.fixture
def file_database(tmp_path, django_db_blocker):
    """The project's SQLite settings on a database file (the test database is in memory)."""
    name = str(tmp_path / "db.sqlite3")
    handler = ConnectionHandler({"default": {**settings.DATABASES["default"], "NAME": name}})
    with django_db_blocker.unblock():
        yield handler["default"]
        handler.close_all()


def begin(connection):
    """What transaction.atomic() does first on SQLite."""
    connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


@needs_sqlite
def test_a_database_file_is_in_wal_mode_with_a_busy_timeout(file_database):
    with file_database.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] == 20_000
    assert file_database.transaction_mode == "IMMEDIATE"


@needs_sqlite
@pytest.mark.parametrize("end", ["commit", "rollback", "close"])
def test_a_write_transaction_holds_the_writers_turn_until_it_ends(file_database, end):
    turn = writers_turn(file_database.settings_dict["NAME"])
    begin(file_database)
    assert file_database.holds_write_turn
    assert not turn.acquire(0)  # another writer of this process waits

    getattr(file_database, end)()

    assert not file_database.holds_write_turn
    assert turn.acquire(0)
    turn.release()


@needs_sqlite
def test_waiting_past_the_timeout_is_a_database_outage(file_database, monkeypatch):
    monkeypatch.setitem(file_database.settings_dict["OPTIONS"], "timeout", 0.01)
    turn = writers_turn(file_database.settings_dict["NAME"])
    assert turn.acquire(1)  # another writer of this process is writing
    try:
        with pytest.raises(OperationalError) as error:
            begin(file_database)
    finally:
        turn.release()
    assert is_outage(error.value)  # a 503 with Retry-After, as SQLite's own "locked"
    assert not file_database.holds_write_turn


def test_the_lock_goes_to_writers_in_the_order_they_came():
    lock = FairLock()
    assert lock.acquire(1)
    served = []

    def writer(number):
        assert lock.acquire(5)
        served.append(number)
        lock.release()

    threads = []
    for number in range(20):
        thread = threading.Thread(target=writer, args=(number,))
        thread.start()
        threads.append(thread)
        while len(lock._waiting) < number + 1:  # queued before the next one comes
            time.sleep(0.001)
    lock.release()
    for thread in threads:
        thread.join(5)

    assert served == list(range(20))


def test_a_writer_that_gives_up_leaves_the_queue():
    lock = FairLock()
    assert lock.acquire(1)

    assert not lock.acquire(0.01)  # timed out

    assert not lock._waiting
    lock.release()
    assert lock.acquire(0)
