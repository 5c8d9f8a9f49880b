from __future__ import annotations

# Kept for the test modules that import the shared fixtures from here.
from tests.world import PASSWORD, World, drive, world  # noqa: F401
