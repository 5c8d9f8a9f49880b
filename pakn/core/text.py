"""Text keys shared by every layer: NFC, case and diacritic folding for search and matching."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese tone and vowel marks: "Phản ánh đường" → "Phan anh duong"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def fold(text: str) -> str:
    """A search key: lower case, no diacritics, single spaces ("Phản  Ánh" → "phan anh")."""
    return _SPACES.sub(" ", strip_diacritics(nfc(text)).lower()).strip()
