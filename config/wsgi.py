"""WSGI entry point (granian or gunicorn)."""

from __future__ import annotations

import os
import sys

from pakn.core.env import SettingsError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

try:
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
except SettingsError as exc:
    sys.stderr.write(f"PAKN: cấu hình sai — {exc}\n")
    sys.exit(2)
