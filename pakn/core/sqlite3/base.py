"""SQLite whose transactions queue on a file lock instead of SQLite's busy handler.

Under contention SQLite's busy handler sleeps 1, 2, 5, 10 … up to 100 ms between attempts, so
a writer that finds the database busy waits far longer than the holder needed: intake under
load spent most of its time asleep there. Every transaction here (BEGIN IMMEDIATE, see
settings) first takes an exclusive ``flock`` on ``<database>.writers``, retried every 50 µs
growing to 2 ms, so the next writer starts within a couple of milliseconds of the commit. The
wait is bounded by the same ``timeout`` option. Single statements in autocommit and in-memory
databases (tests) keep SQLite's own handling.
"""

from __future__ import annotations

import fcntl
import os
import time
from typing import Any

from django.db import OperationalError
from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    _turn_fd: int | None = None
    _has_turn = False

    def _take_turn(self) -> None:
        if self.is_in_memory_db():
            return
        if self._turn_fd is None:
            self._turn_fd = os.open(f"{self.settings_dict['NAME']}.writers", os.O_RDWR | os.O_CREAT)
        deadline = time.monotonic() + float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        pause = 0.00005
        while True:
            try:
                fcntl.flock(self._turn_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._has_turn = True
                return
            except BlockingIOError as busy:
                if time.monotonic() > deadline:
                    raise OperationalError(
                        "database is locked (waiting for the writers' turn)"
                    ) from busy
                time.sleep(pause)
                pause = min(pause * 2, 0.002)

    def _give_turn(self) -> None:
        if self._has_turn and self._turn_fd is not None:
            self._has_turn = False
            fcntl.flock(self._turn_fd, fcntl.LOCK_UN)

    def _start_transaction_under_autocommit(self) -> None:
        self._take_turn()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except Exception:
            self._give_turn()
            raise

    def _commit(self) -> Any:
        try:
            return super()._commit()  # type: ignore[misc]
        finally:
            self._give_turn()

    def _rollback(self) -> Any:
        try:
            return super()._rollback()  # type: ignore[misc]
        finally:
            self._give_turn()

    def _close(self) -> Any:
        try:
            return super()._close()  # type: ignore[misc]
        finally:
            self._give_turn()
            if self._turn_fd is not None:
                os.close(self._turn_fd)
                self._turn_fd = None
