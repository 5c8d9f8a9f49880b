"""The SQLite backend's writers' turn (pakn.core.sqlite3): a waiting transaction starts right
after the holder commits, and gives up after the timeout like SQLite's busy handler."""

from __future__ import annotations

import fcntl
import threading
import time

import pytest
from django.db import OperationalError, connections

from pakn.core.sqlite3.base import DatabaseWrapper

pytestmark = pytest.mark.skipif(
    connections["default"].vendor != "sqlite", reason="the SQLite backend only"
)


@pytest.fixture(autouse=True)
def _own_connections(django_db_blocker):
    # These connections are to throw-away files, not to the test database.
    with django_db_blocker.unblock():
        yield


def _connection(path, timeout=5.0):
    settings = {
        **connections.settings["default"],
        "NAME": str(path),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": timeout},
    }
    connection = DatabaseWrapper(settings, alias=f"writers-{id(settings)}")
    connection.ensure_connection()
    return connection


def _hold(path, seconds, started):
    connection = _connection(path)  # connections belong to their thread
    connection._start_transaction_under_autocommit()
    started.set()
    time.sleep(seconds)
    connection.commit()
    connection.close()


def test_a_waiting_writer_starts_as_soon_as_the_holder_commits(tmp_path):
    path = tmp_path / "db.sqlite3"
    waiter = _connection(path)
    with waiter.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n INTEGER)")
    started = threading.Event()
    thread = threading.Thread(target=_hold, args=(path, 0.15, started))
    thread.start()
    started.wait(5)
    began = time.monotonic()
    waiter._start_transaction_under_autocommit()
    waited = time.monotonic() - began
    with waiter.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (1)")
    waiter.commit()
    thread.join()
    assert 0.1 < waited < 0.3
    assert waiter._has_turn is False
    waiter.close()


def test_a_writer_gives_up_after_the_timeout(tmp_path):
    holder = _connection(tmp_path / "db.sqlite3")
    waiter = _connection(tmp_path / "db.sqlite3", timeout=0.2)
    holder._start_transaction_under_autocommit()
    # The open transaction holds the writers' turn.
    with open(f"{tmp_path / 'db.sqlite3'}.writers", "rb") as turn, pytest.raises(BlockingIOError):
        fcntl.flock(turn, fcntl.LOCK_EX | fcntl.LOCK_NB)
    try:
        began = time.monotonic()
        with pytest.raises(OperationalError, match="locked"):
            waiter._start_transaction_under_autocommit()
        assert 0.2 <= time.monotonic() - began < 1
    finally:
        holder.rollback()
    waiter._start_transaction_under_autocommit()  # free again after the rollback
    waiter.rollback()
    holder.close()
    waiter.close()
