"""Periodic jobs of the submissions app."""

from __future__ import annotations

from datetime import timedelta

from pakn.ops.scheduler import periodic

from .holding import holding_purge


@periodic("submissions.purge_holding", every=timedelta(hours=1))
def purge_holding() -> int:
    """Files held for a preview that was never sent do not stay on disk."""
    return holding_purge()
