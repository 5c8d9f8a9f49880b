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
# A text search reads every row holding a common word before it can count them (the word is
# not in any index order); a lower cap keeps that bounded, and nobody pages through more.
SEARCH_COUNT_CAP = 1_000


def capped(rows: QuerySet[Any], cap: int | None = None) -> QuerySet[Any]:
    """The rows a capped count looks at: at most ``cap`` (default COUNT_CAP) + 1 of them."""
    return rows.order_by().values("pk")[: _cap(cap) + 1]


def capped_count(rows: QuerySet[Any], cap: int | None = None) -> int:
    """Exact up to ``cap``; ``cap`` + 1 means "more than ``cap``"."""
    return capped(rows, cap).count()


def count_label(n: int, cap: int | None = None) -> str:
    cap = _cap(cap)
    if n > cap:
        return _("hơn %(n)s") % {"n": f"{cap:,}".replace(",", ".")}
    return str(n)


def _cap(cap: int | None) -> int:
    return COUNT_CAP if cap is None else cap  # read at call time: settings and tests may move it


class CappedPaginator(Paginator):
    """A paginator whose count is capped (pages past ``cap`` rows are not reachable)."""

    def __init__(self, object_list: Any, per_page: int, *, cap: int | None = None) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        return capped_count(self.object_list, self.cap)  # type: ignore[arg-type]

    @property
    def is_capped(self) -> bool:
        return self.count > _cap(self.cap)

    @property
    def count_label(self) -> str:
        return count_label(self.count, self.cap)
