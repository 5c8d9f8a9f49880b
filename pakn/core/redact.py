"""Redaction of personal data for publication: the labels, the plain patterns, and the entry
point the workflow calls (the full redactor with spans for previews is pakn.core.redaction).
Dates, amounts, law numbers and short numbers are left alone.
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Vietnamese mobiles and landlines: 0 or +84/84, then 9–10 digits, optional separators.
PHONE = re.compile(r"(?<![\w.,])(?:\+?84|0)(?:[\s.-]?\d){8,10}(?![\w]|[.,]\d)")
ID_NUMBER = re.compile(r"(?<![\w.,/-])(?:\d{12}|\d{9})(?![\w]|[.,/-]\d)")

LABEL_EMAIL = "[email đã ẩn]"
LABEL_PHONE = "[số điện thoại đã ẩn]"
LABEL_ID = "[số giấy tờ đã ẩn]"


def redact_personal_data(text: str) -> str:
    """What publication shows: every kind of personal data that pakn.core.redaction finds
    (phones, emails, identity numbers, plates, bank accounts, home addresses, names)."""
    from .redaction import redact

    return redact(text).text


def redact_patterns(text: str) -> str:
    """The plain pattern pass (phones, emails, identity numbers) on its own."""
    text = EMAIL.sub(LABEL_EMAIL, text)
    text = PHONE.sub(LABEL_PHONE, text)
    return ID_NUMBER.sub(LABEL_ID, text)
