"""Redaction of personal data for publication, with the spans an officer previews.

A superset of :mod:`pakn.core.redact`: phones, e-mails and identity numbers as there, plus vehicle
plates, bank account numbers (after "STK", "số tài khoản"), exact home addresses ("số nhà 12",
"số 45 ngõ 3 đường …") and people's names after a form of address ("ông", "bà", "anh", "chị",
"tôi là", "tên là" + capitalised words). Ordinary numbers stay: dates, amounts, years,
percentages and legal document numbers ("Nghị định 13/2023/NĐ-CP").

Every detector runs on the original text; overlapping findings are resolved by priority (a
number introduced by "CCCD" is an identity number even if it looks like a phone), then the text
is rebuilt once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pakn.core.redact import LABEL_EMAIL, LABEL_ID, LABEL_PHONE

__all__ = ["LABELS", "Redaction", "Span", "find_personal_data", "redact"]

LABELS: dict[str, str] = {
    "email": LABEL_EMAIL,
    "phone": LABEL_PHONE,
    "id_number": LABEL_ID,
    "plate": "[biển số xe đã ẩn]",
    "bank_account": "[số tài khoản đã ẩn]",
    "address": "[địa chỉ đã ẩn]",
    "name": "[họ tên đã ẩn]",
}
# Lower wins when two findings overlap.
_PRIORITY = {
    "email": 0,
    "bank_account": 1,
    "id_number": 2,
    "phone": 3,
    "plate": 4,
    "address": 5,
    "name": 6,
}


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str
    original: str
    replacement: str


@dataclass(frozen=True)
class Redaction:
    text: str
    spans: list[Span]

    @property
    def kinds(self) -> list[str]:
        return sorted({span.kind for span in self.spans})


_I = re.IGNORECASE
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# 0 or +84/84, then 8–10 digits grouped by spaces, dots or dashes; "(024) 3825 1234" too.
_PHONE = re.compile(
    r"(?<![\w.,/])(?:\(?(?:\+84[\s.\-]?|84|0)\d{1,3}\)?)(?:[\s.\-]?\d){6,9}(?!\w|[.,/]\d)"
)
_DIGITS = re.compile(r"\d")
_BARE_ID = re.compile(r"(?<![\w.,/-])(?:\d{12}|\d{9})(?!\w|[.,/-]\d)")
# An amount written without separators is not an identity number.
_AMOUNT_AFTER = re.compile(r"\s*(?:đồng|đ\b|vnđ|vnd|triệu|tỷ|nghìn|ngàn|usd)", _I)
_AMOUNT_BEFORE = re.compile(r"(?:số tiền|giá|phí|tổng cộng|tổng|thu)\s*:?\s*$", _I)
_ID_CONTEXT = re.compile(
    r"(?:cmnd|cccd|cmt|căn cước(?: công dân)?|chứng minh(?: nhân dân| thư)?|số định danh"
    r"(?: cá nhân)?|hộ chiếu|passport)(?:\s+số)?\s*[:.\-]?\s*((?:[A-Z]\s?)?\d(?:[\s.]?\d){7,11})(?!\d)",
    _I,
)
_PHONE_CONTEXT = re.compile(
    r"(?:sđt|sdt|số điện thoại|điện thoại|đt|hotline|zalo|liên hệ)\s*[:.\-]?\s*"
    r"(\+?\d(?:[\s.\-]?\d){7,11})(?!\d)",
    _I,
)
_BANK = re.compile(
    r"(?:stk|số tk|số tài khoản|tài khoản số|tài khoản ngân hàng|tài khoản|account)"
    r"(?:\s+(?:số|ngân hàng\s+[\w]+))?\s*[:.\-]?\s*(\d(?:[\s.\-]?\d){5,18})(?!\d)",
    _I,
)
# Car plates "12A-345.67", "30A-12345", "51F 123.45"; motorbike plates "29H1-123.45", "29-H1 123.45".
_PLATE = re.compile(
    r"(?<![\w.])\d{2}\s?-?\s?[A-Z]{1,2}\d?\s?[-.]?\s?\d{3}\.?\d{1,2}(?![\w]|[.,]\d)"
)
_ADDRESS_PART = (
    r"(?:ngõ|ngách|hẻm|kiệt|hẻm số|ngõ số|tổ|tổ dân phố|khu phố|thôn|xóm|ấp|tòa|toà|phòng|căn hộ)"
)
# Street names are capitalised words or a number, whatever the case of "đường".
_STREET = r"(?:đường|phố)\s+(?-i:[A-ZĐÀ-Ỹ0-9][^\W_]*(?:\s+[A-ZĐÀ-Ỹ0-9][^\W_]*){0,4})"
_HOUSE = (
    r"(?:(?:số nhà|nhà số)\s*\d+[A-Za-z]?(?:/\d+[A-Za-z]?)*"
    r"|số\s*\d+[A-Za-z]?(?:/\d+[A-Za-z]?)*(?=,?\s+" + _ADDRESS_PART + r"\s|,?\s+(?:đường|phố)\s)"
    r"|(?<=\s)\d+[A-Za-z]?(?:/\d+[A-Za-z]?)*(?=,?\s+(?:ngõ|ngách|hẻm|kiệt)\s))"
)
_ADDRESS = re.compile(
    _HOUSE + r"(?:,?\s+" + _ADDRESS_PART + r"\s*\d+[A-Za-z]?(?:/\d+)*)*(?:,?\s+" + _STREET + r")?",
    _I,
)
_NAME_INTRO = re.compile(
    r"(?<![\w])(?:tôi là|tôi tên là|tôi tên|tên là|tên tôi là|họ và tên|họ tên|người gửi"
    r"|ông|bà|anh|chị|cô|chú|bác|cháu|em)\s*:?\s+",
    _I,
)
_CAP_WORD = re.compile(r"[^\W\d_]+")
_PLACE_BEFORE = re.compile(
    r"(?:đường|phố|tỉnh|thành phố|huyện|quận|xã|phường|thị xã|thị trấn|cầu|chợ|sông|núi|khu)\s*$",
    _I,
)


def _is_name_word(word: str) -> bool:
    """ "Nguyễn", "Thị", and a lone initial ("A") are; "UBND" and "nguyễn" are not."""
    if len(word) == 1:
        return word.isupper()
    return word[0].isupper() and word[1:].islower()


def _names(text: str) -> list[tuple[int, int]]:
    found = []
    for intro in _NAME_INTRO.finditer(text):
        before = text[: intro.start()]
        if _PLACE_BEFORE.search(before):
            continue  # "đường Bà Triệu", "huyện Anh Sơn": a place, not a person
        honorific = intro.group()
        # A capitalised form of address in mid-sentence is part of a proper noun ("Bà Rịa").
        mid_sentence = before.rstrip() and before.rstrip()[-1] not in '.!?:;\n"“('
        if honorific[0].isupper() and mid_sentence:
            continue
        pos = intro.end()
        end = None
        count = 0
        while count < 5:
            match = _CAP_WORD.match(text, pos)
            if match is None or not _is_name_word(match.group()):
                break
            end = match.end()
            count += 1
            gap = re.match(r"[ \t]+", text[end:])
            if gap is None:
                break
            pos = end + gap.end()
        if end is not None:
            found.append((intro.end(), end))
    return found


def find_personal_data(text: str) -> list[Span]:
    """Every piece of personal data in ``text``, non-overlapping, in order."""
    text = unicodedata.normalize("NFC", text)
    raw: list[tuple[int, int, str]] = []

    def add(kind: str, start: int, end: int) -> None:
        original = text[start:end]
        stripped = original.rstrip(" .,;:-")
        if stripped:
            raw.append((start, start + len(stripped), kind))

    for m in _EMAIL.finditer(text):
        add("email", m.start(), m.end())
    for m in _BANK.finditer(text):
        add("bank_account", m.start(1), m.end(1))
    for m in _ID_CONTEXT.finditer(text):
        add("id_number", m.start(1), m.end(1))
    for m in _PHONE_CONTEXT.finditer(text):
        add("phone", m.start(1), m.end(1))
    for m in _PHONE.finditer(text):
        if 9 <= len(_DIGITS.findall(m.group())) <= 12:
            add("phone", m.start(), m.end())
    for m in _BARE_ID.finditer(text):
        if _AMOUNT_AFTER.match(text, m.end()) or _AMOUNT_BEFORE.search(text[: m.start()]):
            continue
        add("id_number", m.start(), m.end())
    for m in _PLATE.finditer(text):
        add("plate", m.start(), m.end())
    for m in _ADDRESS.finditer(text):
        add("address", m.start(), m.end())
    for start, end in _names(text):
        add("name", start, end)

    # Highest priority first, then longest; keep whatever does not overlap what is kept.
    raw.sort(key=lambda r: (_PRIORITY[r[2]], -(r[1] - r[0]), r[0]))
    kept: list[tuple[int, int, str]] = []
    for start, end, kind in raw:
        if all(end <= s or start >= e for s, e, _ in kept):
            kept.append((start, end, kind))
    kept.sort()
    return [Span(s, e, k, text[s:e], LABELS[k]) for s, e, k in kept]


def redact(text: str) -> Redaction:
    """The text with personal data replaced by labels, and what was replaced where.

    Span offsets refer to the NFC form of the input, which is what an officer's preview shows.
    """
    text = unicodedata.normalize("NFC", text)
    spans = find_personal_data(text)
    parts = []
    last = 0
    for span in spans:
        parts.append(text[last : span.start])
        parts.append(span.replacement)
        last = span.end
    parts.append(text[last:])
    return Redaction("".join(parts), spans)
