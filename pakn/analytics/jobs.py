"""Periodic work: fold the case log into the rollups, and pick up forgotten exports."""

from __future__ import annotations

from datetime import timedelta

from pakn.ops.scheduler import periodic

from .rollups import rollups_refresh
from .services import export_jobs_sweep

periodic("analytics.refresh_rollups", every=timedelta(minutes=1))(rollups_refresh)
periodic("analytics.sweep_exports", every=timedelta(minutes=5))(export_jobs_sweep)
