"""Vietnamese phone numbers in one canonical form (0 + 9–10 digits)."""

from __future__ import annotations

import re

_PHONE = re.compile(r"^0\d{9,10}$")


def normalize_phone(text: str) -> str | None:
    """Return ``0xxxxxxxxx`` for a plausible Vietnamese number, else ``None``."""
    digits = re.sub(r"[\s.()-]", "", text.strip())
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    return digits if _PHONE.match(digits) else None
