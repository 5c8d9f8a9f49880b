"""Map settings shared by every page that draws a Leaflet map (portal, back office, analytics)."""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def map_tile_url() -> str:
    """The tile server the Content-Security-Policy allows (``PAKN_MAP_TILE_URL``)."""
    return str(settings.PAKN_MAP_TILE_URL)
