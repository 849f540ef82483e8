"""SQLite's single writer, taken in turns without SQLite's sleeps.

SQLite lets one connection write at a time. A connection that finds the lock taken waits in SQLite's
busy handler, which sleeps in growing steps (1, 2, 5, 10, 15, 20, 25 ... 100 ms) and looks again, so
under concurrent writes a request sleeps long after the lock was free: at 8 requests in flight a
/win's INSERT waited 89 ms at p99 and 345 ms at worst. Python's sqlite3 cannot replace the busy
handler, so writers take turns here before they write: a thread lock queues this process's writers
(each woken the moment the turn is free) and a file lock beside the database (filelock) orders the
processes, polled every millisecond by one thread per process. SQLite's own busy timeout stays as the
backstop for a program that writes to the file without passing here.

A connection takes its turn at its first write and gives it back when it returns to the pool, which a
unit of work does right after it commits: the turn lasts as long as SQLite's write lock would.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import ConnectionPoolEntry

TURN_TIMEOUT_SECONDS = 30.0  # as long as SQLite's own busy timeout (storage.db)
POLL_SECONDS = 0.001
_TURN = "trellis_writer_turn"
_READS = ("SELECT", "PRAGMA", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


class WriterTurns:
    """One writer at a time across this process's threads and every process on the same database."""

    def __init__(self, lock_path: str) -> None:
        self._path = lock_path
        self._thread = threading.Lock()  # a plain lock: a pool may give a turn back from another thread
        self._pid, self._fd = -1, -1

    def take(self) -> None:
        """Raises OperationalError, as SQLite would say it, when no turn came within the timeout."""
        deadline = time.monotonic() + TURN_TIMEOUT_SECONDS
        if not self._thread.acquire(timeout=TURN_TIMEOUT_SECONDS):
            raise _locked()
        try:
            fd = self._descriptor()
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise _locked() from None
                    time.sleep(POLL_SECONDS)
        except BaseException:
            self._thread.release()
            raise

    def give_back(self) -> None:
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._thread.release()

    def _descriptor(self) -> int:
        """This process's own descriptor: one inherited across a fork would share the parent's lock."""
        if self._pid != os.getpid():
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._pid = os.getpid()
        return self._fd


def take_turns(engine: Engine, lock_path: str) -> WriterTurns:
    """Make every connection of `engine` take a turn before its first write."""
    turns = WriterTurns(lock_path)

    @event.listens_for(engine, "before_cursor_execute")
    def before_writing(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if _TURN in conn.info or statement.lstrip()[:9].upper().startswith(_READS):
            return
        turns.take()
        conn.info[_TURN] = True

    def finished(_dbapi_connection: Any, record: ConnectionPoolEntry, *_: Any) -> None:
        if record.info.pop(_TURN, False):
            turns.give_back()

    event.listen(engine, "checkin", finished)
    event.listen(engine, "invalidate", finished)
    return turns


def _locked() -> OperationalError:
    return OperationalError("waiting for a turn to write", None, sqlite3.OperationalError("database is locked"))
