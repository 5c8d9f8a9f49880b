"""The production static storage (hashed manifest, compressed) must build from a fresh clone:
it follows every url() and sourceMappingURL in the shipped files, so a vendored file that names
a map we do not ship stops ``collectstatic`` and with it ``make run`` and the deploy."""

from __future__ import annotations

from io import StringIO

from django.conf import settings as django_settings
from django.core.management import call_command

import config.settings as production


def test_collectstatic_succeeds_with_the_production_storage(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **django_settings.STORAGES,
        "staticfiles": production.STORAGES["staticfiles"],
    }

    call_command("collectstatic", interactive=False, verbosity=0, stdout=StringIO())

    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    assert "vendor/leaflet/leaflet.js" in manifest
    assert "analytics/vendor/chartjs/chart.umd.min.js" in manifest
