"""Pattern-based redaction of personal data for publication.

Phones, emails and identity numbers (CMND 9 digits, CCCD 12 digits) are replaced with a
bracketed label. Dates, amounts and short numbers are left alone.
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
    text = EMAIL.sub(LABEL_EMAIL, text)
    text = PHONE.sub(LABEL_PHONE, text)
    return ID_NUMBER.sub(LABEL_ID, text)
