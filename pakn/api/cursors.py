"""Opaque keyset cursors: a page continues strictly after the last row's (moment, id).

Keyset pagination costs the same on page 1 and page 1,000 and never skips or repeats a row
when new cases arrive between two requests, which offset pagination does."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime

from django.db.models import Model, Q, QuerySet
from django.utils.dateparse import parse_datetime

from .errors import invalid

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


def encode(moment: datetime, pk: int) -> str:
    raw = json.dumps([moment.isoformat(), pk], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str) -> tuple[datetime, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        moment_text, pk = json.loads(base64.urlsafe_b64decode(padded.encode()))
        moment = parse_datetime(moment_text)
        if moment is None or moment.tzinfo is None or type(pk) is not int:
            raise ValueError(cursor)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise invalid({"cursor": "Con trỏ trang không hợp lệ."}) from None
    return moment, pk


def page[M: Model](
    queryset: QuerySet[M], *, field: str, cursor: str | None, limit: int
) -> tuple[list[M], str | None]:
    """Rows of ``queryset`` newest first by (``field``, id), after ``cursor``; and the next
    cursor, or None on the last page. ``field`` must not be null on the paged rows."""
    if cursor:
        moment, pk = decode(cursor)
        queryset = queryset.filter(
            Q(**{f"{field}__lt": moment}) | Q(**{field: moment, "pk__lt": pk})
        )
    rows = list(queryset.order_by(f"-{field}", "-pk")[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, encode(getattr(last, field), last.pk)
