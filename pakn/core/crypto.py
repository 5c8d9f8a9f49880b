"""Encryption at rest for personal data columns (Fernet: AES-128-CBC + HMAC-SHA256)."""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

PREFIX = "enc1:"


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret: str) -> MultiFernet:
    material = list(keys) or [secret]
    fernets = [
        Fernet(base64.urlsafe_b64encode(hashlib.sha256(("pakn-field:" + k).encode()).digest()))
        for k in material
    ]
    return MultiFernet(fernets)


def cipher() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS), settings.SECRET_KEY)


def encrypt(value: str) -> str:
    return PREFIX + cipher().encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    if not value.startswith(PREFIX):
        return value  # written before encryption was enabled
    try:
        return cipher().decrypt(value[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        raise ValueError(
            "Không giải mã được dữ liệu: sai khoá mã hoá (PAKN_FIELD_ENCRYPTION_KEYS)."
        ) from None


class EncryptedCharField(models.TextField):
    """Stores ciphertext; Python code sees the plain value. Not searchable or indexable."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return decrypt(value) if value else value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value or value.startswith(PREFIX):
            return value  # already ciphertext (e.g. loaded from a backup)
        return encrypt(value)

    def value_to_string(self, obj: Any) -> str:
        """Serialised (dumpdata, backups) as ciphertext: backups hold no plain identity numbers."""
        value = self.value_from_object(obj)
        return encrypt(str(value)) if value else ""
