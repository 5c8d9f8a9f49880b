"""Tracking codes and access tokens.

A tracking code is eight random characters and a check character from an alphabet without the
characters people confuse on a phone keyboard (0/O, 1/I/L). The check character is a weighted
sum modulo 31 (the alphabet's size, a prime), so any single mistyped character and any swap of
two adjacent characters is caught before a database look-up. Displayed as ``XXXX-XXXXX``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
BODY_LENGTH = 8
CODE_LENGTH = BODY_LENGTH + 1
_INDEX = {ch: i for i, ch in enumerate(ALPHABET)}


class InvalidTrackingCode(ValueError):
    """The text is not a well-formed tracking code."""


def check_character(body: str) -> str:
    """The character c that makes sum(position * value) over all nine characters 0 mod 31.

    31 is prime and every weight is non-zero and distinct, so any single substitution changes
    the sum by weight × difference (never 0 mod 31), and an adjacent swap by the difference of
    the two values (never 0 unless they are equal)."""
    n = len(ALPHABET)
    total = sum((i + 1) * _INDEX[ch] for i, ch in enumerate(body))
    weight = len(body) + 1
    return ALPHABET[(-total * pow(weight, -1, n)) % n]


def generate_tracking_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return body + check_character(body)


def format_tracking_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def normalize_tracking_code(text: str) -> str:
    """Canonical form of what a person typed; raises :class:`InvalidTrackingCode`."""
    code = "".join(ch for ch in text.upper() if ch not in " -_.\t")
    if len(code) != CODE_LENGTH:
        raise InvalidTrackingCode("Mã tra cứu gồm 9 ký tự, ví dụ K7M3-9XQ2C.")
    bad = sorted({ch for ch in code if ch not in _INDEX})
    if bad:
        raise InvalidTrackingCode(
            "Mã tra cứu không có các ký tự " + ", ".join(bad) + " (không dùng 0, O, 1, I, L)."
        )
    if check_character(code[:-1]) != code[-1]:
        raise InvalidTrackingCode("Mã tra cứu không đúng: vui lòng kiểm tra lại từng ký tự.")
    return code


def generate_access_token() -> str:
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    """Tokens carry 192 random bits, so one SHA-256 pass is enough (no password stretching)."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str, token_hash: str) -> bool:
    return hmac.compare_digest(hash_token(token), token_hash)
