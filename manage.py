#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from pakn.core.env import SettingsError

    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 - import the settings now to report errors cleanly
    except SettingsError as exc:
        sys.stderr.write(f"PAKN: cấu hình sai — {exc}\n")
        sys.exit(2)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
