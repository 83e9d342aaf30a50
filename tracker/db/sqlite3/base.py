"""Django's SQLite backend, with the writers of one process served in arrival order.

SQLite lets one transaction write at a time. A writer that finds the lock taken sleeps and
retries (its busy timeout), up to 100 ms between tries, so under steady writes a newcomer
often takes the lock before writers that have waited for seconds: with 20 concurrent
writers some waited past the timeout (a 503) while others went straight through. Here the
write transactions of a process (``BEGIN IMMEDIATE``: every atomic block) queue for a lock
that is handed to the longest waiter when the holder commits or rolls back; SQLite's own
lock still arbitrates between processes (gunicorn workers). Waiting longer than the
``timeout`` option is SQLite's "database is locked" (a 503), as before.
"""

import collections
import sqlite3
import threading

from django.db.backends.sqlite3 import base


class FairLock:
    """A lock handed over in the order it was asked for (first come, first served)."""

    def __init__(self):
        self._mutex = threading.Lock()
        self._held = False
        self._waiting: collections.deque[threading.Event] = collections.deque()

    def acquire(self, timeout: float) -> bool:
        with self._mutex:
            if not self._held and not self._waiting:
                self._held = True
                return True
            turn = threading.Event()
            self._waiting.append(turn)
        if turn.wait(timeout):
            return True
        with self._mutex:
            if turn in self._waiting:  # gave up before its turn came
                self._waiting.remove(turn)
                return False
        return True  # its turn came as it gave up: it holds the lock

    def release(self) -> None:
        with self._mutex:
            if self._waiting:
                self._waiting.popleft().set()  # handed over: still held
            else:
                self._held = False


_turns: dict[str, FairLock] = {}
_turns_mutex = threading.Lock()


def writers_turn(name: str) -> FairLock:
    """The queue of the writers of one database file (SQLite locks a file)."""
    with _turns_mutex:
        return _turns.setdefault(str(name), FairLock())


class DatabaseWrapper(base.DatabaseWrapper):
    holds_write_turn = False

    def _start_transaction_under_autocommit(self):
        timeout = self.settings_dict["OPTIONS"].get("timeout", 5)
        if not writers_turn(self.settings_dict["NAME"]).acquire(timeout):
            with self.wrap_database_errors:
                raise sqlite3.OperationalError("database is locked")
        self.holds_write_turn = True
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self.end_write_turn()
            raise

    def end_write_turn(self):
        if self.holds_write_turn:
            self.holds_write_turn = False
            writers_turn(self.settings_dict["NAME"]).release()

    def _commit(self):
        try:
            super()._commit()
        finally:
            self.end_write_turn()

    def _rollback(self):
        try:
            super()._rollback()
        finally:
            self.end_write_turn()

    def _close(self):
        try:
            super()._close()
        finally:
            self.end_write_turn()
