"""One-statement rate-limit counter on the database (see :class:`pakn.ops.models.RateCounter`).

SQLite and PostgreSQL both run ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` atomically, so
concurrent requests from every process count together, each with one round trip."""

from __future__ import annotations

import time

from django.db import connections, router

from .models import RateCounter

# Every SET expression sees the row as it was, so both CASEs test the old window.
_UPSERT = """
INSERT INTO {table} ("key", "count", "expires") VALUES (%s, 1, %s)
ON CONFLICT ("key") DO UPDATE SET
    "count" = CASE WHEN {table}."expires" > %s THEN {table}."count" + 1 ELSE 1 END,
    "expires" = CASE WHEN {table}."expires" > %s THEN {table}."expires" ELSE excluded."expires" END
RETURNING "count"
"""


def hit(key: str, window: int) -> int:
    """Count one event under ``key`` in the current fixed window; the count so far."""
    now = int(time.time())
    window_end = (now // window + 1) * window
    using = router.db_for_write(RateCounter)
    connection = connections[using]
    sql = _UPSERT.format(table=connection.ops.quote_name(RateCounter._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, window_end, now, now])
        return int(cursor.fetchone()[0])


def purge() -> int:
    """Forget windows that have ended (the scheduler runs this)."""
    deleted, _ = RateCounter.objects.filter(expires__lte=int(time.time())).delete()
    return deleted
