"""Map rectangles as the drill-down links and the map views pass them in a query string."""

from __future__ import annotations

import math

Bbox = tuple[float, float, float, float]  # min longitude, min latitude, max longitude, max latitude


def parse_bbox(text: str) -> Bbox:
    """``minLng,minLat,maxLng,maxLat`` (the order of GeoJSON and most map servers).

    Raises ValueError on anything else, including an inverted or out-of-range rectangle.
    """
    parts = tuple(float(p) for p in text.split(","))
    if len(parts) != 4 or not all(math.isfinite(p) for p in parts):
        raise ValueError(text)
    min_lng, min_lat, max_lng, max_lat = parts
    if not (-180 <= min_lng <= max_lng <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise ValueError(text)
    return min_lng, min_lat, max_lng, max_lat
