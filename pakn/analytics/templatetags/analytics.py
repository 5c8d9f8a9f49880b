from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def pct(value: float | None) -> str:
    """0.6667 → "66,7%"; no data → "—"."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}%".replace(".", ",")


@register.filter
def num(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{value:.{int(digits)}f}".replace(".", ",")
