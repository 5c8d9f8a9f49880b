"""The language switch of every layout (portal, back office)."""

from __future__ import annotations

import unicodedata

from django import template
from django.conf import settings
from django.utils.translation import get_language_info

register = template.Library()


@register.simple_tag
def language_choices() -> list[tuple[str, str]]:
    """Each configured language in its own name ("Tiếng Việt", "English"): the names in
    settings.LANGUAGES are translated into the page's language, so a Vietnamese page would offer
    "Tiếng Anh" to a reader who does not read Vietnamese. Django stores the local names
    decomposed; NFC keeps them like every other text we show."""
    return [
        (code, unicodedata.normalize("NFC", get_language_info(code)["name_local"]))
        for code, _name in settings.LANGUAGES
    ]
