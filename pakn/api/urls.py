"""Mounted at /api/v1/ by config/urls.py."""

from __future__ import annotations

from django.urls import path, re_path

from .errors import not_found_view
from .v1 import api

urlpatterns = [
    path("", api.urls),
    re_path(r"^(?P<path>.*)$", not_found_view),
]
