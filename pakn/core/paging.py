"""Counts that stop at COUNT_CAP.

An exact count over a national data set costs a scan of a million rows on every page view;
past ten thousand, "more than 10.000" tells a reader as much. Capping the count also bounds
the OFFSET of the last reachable page."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

COUNT_CAP = 10_000


def capped(rows: QuerySet[Any]) -> QuerySet[Any]:
    """The rows a capped count looks at: at most COUNT_CAP + 1 of them."""
    return rows.order_by().values("pk")[: COUNT_CAP + 1]


def capped_count(rows: QuerySet[Any]) -> int:
    """Exact up to COUNT_CAP; COUNT_CAP + 1 means "more than COUNT_CAP"."""
    return capped(rows).count()


def count_label(n: int) -> str:
    if n > COUNT_CAP:
        return _("hơn %(n)s") % {"n": f"{COUNT_CAP:,}".replace(",", ".")}
    return str(n)


class CappedPaginator(Paginator):
    """A paginator whose count is capped (pages past COUNT_CAP rows are not reachable)."""

    @cached_property
    def count(self) -> int:
        return capped_count(self.object_list)  # type: ignore[arg-type]

    @property
    def is_capped(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def count_label(self) -> str:
        return count_label(self.count)
