"""Vietnamese text normalisation for matching, search keys and classification.

Citizens type Vietnamese in many ways: precomposed or combining Unicode, the tone mark of
``oa``/``oe``/``uy`` on the second vowel (``hoà``, ``thuý``, the "new" style) or on the first
(``hòa``, ``thúy``, the traditional style), with or without diacritics, and with
teencode (``ko``, ``dc``, ``j``) and administrative abbreviations (``ubnd``, ``csgt``). Everything
here maps those variants onto one canonical form so that the same words compare equal.

All of it is pure Python and works offline; word segmentation uses the model bundled with
``pyvi`` (imported lazily, because loading it takes a moment).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

__all__ = [
    "PLACEHOLDER_EMAIL",
    "PLACEHOLDER_NUMBER",
    "PLACEHOLDER_PHONE",
    "PLACEHOLDER_URL",
    "TEENCODE",
    "expand_teencode",
    "fold",
    "normalize",
    "normalize_tones",
    "preprocess",
    "replace_placeholders",
    "segment",
    "segment_lexicon",
    "strip_diacritics",
    "tokenize",
]

# Placeholders are plain lower-case letters so that every tokenizer (pyvi, scikit-learn's
# token pattern, char n-grams) keeps them as one word.
PLACEHOLDER_URL = "xxurl"
PLACEHOLDER_EMAIL = "xxemail"
PLACEHOLDER_PHONE = "xxphone"
PLACEHOLDER_NUMBER = "xxnum"
PLACEHOLDER_LAUGH = "haha"

# The five Vietnamese tones as combining marks (after NFD): huyền, sắc, hỏi, ngã, nặng.
_TONE_MARKS = frozenset("\u0300\u0301\u0309\u0303\u0323")
# U+0340/U+0341 are deprecated aliases of grave/acute; NFC maps them onto the above.

_VOWELS = frozenset("aăâeêioôơuưy")
# Vowels carrying a shape mark take the tone whenever the nucleus has one.
_SHAPED_VOWELS = frozenset("ăâêôơư")
_INITIALS = (
    "ngh", "ng", "gh", "gi", "kh", "nh", "ph", "th", "tr", "ch", "qu",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "q", "r", "s", "t", "v", "x",
)  # fmt: skip
_FINALS = frozenset({"", "c", "ch", "m", "n", "ng", "nh", "p", "t"})
_VIETNAMESE_LETTERS = _VOWELS | frozenset("bcdđghklmnpqrstvx")

_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff]")
_WORD = re.compile(r"[^\W\d_]+")
_ALNUM_TOKEN = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r"\w+")  # pyvi joins the syllables of one word with "_"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Punctuation that ends a sentence right after a URL is not part of it.
_URL = re.compile(
    r"(?:(?:https?://|www\.)\S+?"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|gov|edu|info|io|vn)(?:\.vn)?\b(?:/\S*?)?)"
    r"(?=[.,;:!?)\]]*(?:\s|$))",
    re.IGNORECASE,
)
# Vietnamese phone numbers: 0 or +84 followed by 8–10 digits, grouped by spaces, dots or dashes.
_PHONE = re.compile(r"(?<![\w+])(?:\+84|84|0)(?:[\s.\-]?\d){8,10}(?!\w)")
# Only free-standing numbers: "50k", "covid19" and "4.0" inside words keep their digits.
_NUMBER = re.compile(r"(?<![^\W_])\d+(?:[.,:/]\d+)*(?![^\W_])")
_URL_HINT = re.compile(r"://|www\.|\.(?:com|net|org|gov|edu|info|io|vn)\b", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
# Laughter in its many spellings ("kkk", "hahaha", "hihi", "keke") is one token.
_LAUGH = re.compile(r"k{3,}|(?:h[aeiô]){2,}h?|(?:k[ae]){2,}k?")
_TOKEN_SPLIT = re.compile(r"([^\W_]+)")


def _tone_of(char: str) -> str:
    return "".join(mark for mark in unicodedata.normalize("NFD", char) if mark in _TONE_MARKS)


def _without_tone(char: str) -> str:
    decomposed = unicodedata.normalize("NFD", char)
    return unicodedata.normalize("NFC", "".join(m for m in decomposed if m not in _TONE_MARKS))


def _with_tone(char: str, tone: str) -> str:
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", char) + tone)


def _tone_position(base: str) -> int | None:
    """Index in ``base`` (a lower-case syllable without tone) that carries the tone, or None.

    Traditional placement, the one most keyboards produce: a shaped vowel wins (``người``,
    ``khuyến``); otherwise the last vowel if a final consonant follows (``hoàng``); the middle of
    three vowels (``ngoài``); the first of two (``hòa``, ``thúy``, ``mùa``). ``gi`` and ``qu`` are
    consonants when a vowel follows them, which also repairs ``gìa`` → ``già`` and ``qúa`` → ``quá``.
    """
    if not set(base) <= _VIETNAMESE_LETTERS:
        return None
    start = 0
    for initial in _INITIALS:
        if base.startswith(initial):
            start = len(initial)
            break
    if base[:start] in {"gi", "qu"} and (start == len(base) or base[start] not in _VOWELS):
        start = 1
    end = start
    while end < len(base) and base[end] in _VOWELS:
        end += 1
    nucleus, final = base[start:end], base[end:]
    if not nucleus or final not in _FINALS or len(nucleus) > 3:
        return None
    shaped = [i for i, ch in enumerate(nucleus) if ch in _SHAPED_VOWELS]
    if shaped:
        offset = shaped[-1]
    elif final:
        offset = len(nucleus) - 1
    elif len(nucleus) == 3:
        offset = 1
    else:
        offset = 0
    return start + offset


def _retone_word(word: str) -> str:
    lower = word.lower()
    tones = [(i, tone) for i, ch in enumerate(lower) if (tone := _tone_of(ch))]
    if len(tones) != 1:
        return word
    tone_index, tone = tones[0]
    base = "".join(_without_tone(ch) for ch in lower)
    target = _tone_position(base)
    if target is None or target == tone_index:
        return word
    chars = [_without_tone(ch) for ch in word]
    chars[target] = _with_tone(chars[target], tone)
    if word[target].isupper():
        chars[target] = chars[target].upper()
    return "".join(chars)


_cached_retone_word = lru_cache(maxsize=65536)(_retone_word)


def normalize_tones(text: str) -> str:
    """Put every tone mark where the traditional placement wants it (``hoà`` → ``hòa``).

    Case is preserved; words that are not Vietnamese syllables are left alone.
    """
    return _WORD.sub(lambda m: _cached_retone_word(m.group()), unicodedata.normalize("NFC", text))


def strip_diacritics(text: str) -> str:
    """Remove every diacritic, tones and shape marks alike, and map ``đ`` to ``d``."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    )


# Written for PAKN from everyday Vietnamese online writing and administrative usage. Keys are
# lower-case and tone-normalised, values canonical. Ambiguous short forms are left out on purpose
# ("a", "b", "m", "t", "đk" = được/đăng ký/điều kiện, "gđ" = gia đình/giám đốc), and so are vulgar
# abbreviations, which moderation needs to see as written.
TEENCODE: dict[str, str] = {
    # không
    "k": "không", "ko": "không", "kh": "không", "khg": "không", "hok": "không", "hông": "không",
    "hem": "không", "khum": "không", "khong": "không", "kô": "không", "khôg": "không",
    "kp": "không phải",
    # được, rồi, gì, với, vậy, cũng…
    "dc": "được", "đc": "được", "duoc": "được", "đươc": "được",
    "r": "rồi", "rùi": "rồi", "ròi": "rồi",
    "j": "gì", "gi": "gì", "ji": "gì", "dzì": "gì", "zì": "gì",
    "vs": "với", "z": "vậy", "zậy": "vậy", "dzậy": "vậy", "vại": "vậy",
    "cx": "cũng", "cg": "cũng", "cũg": "cũng", "ntn": "như thế nào",
    "ms": "mới", "mk": "mình", "mik": "mình", "mh": "mình", "mn": "mọi người", "mng": "mọi người",
    "ng": "người", "ngta": "người ta", "nc": "nước", "ae": "anh em", "bjo": "bây giờ",
    "bây h": "bây giờ", "trc": "trước", "nhìu": "nhiều", "thui": "thôi", "lun": "luôn",
    "wá": "quá", "qá": "quá", "wa": "qua", "bít": "biết", "bik": "biết", "bjt": "biết",
    "ns": "nói", "thik": "thích", "iu": "yêu", "ck": "chồng", "vk": "vợ",
    "đt": "điện thoại", "sđt": "số điện thoại", "sdt": "số điện thoại", "tl": "trả lời",
    "ib": "nhắn tin", "sr": "xin lỗi", "tks": "cảm ơn", "thanks": "cảm ơn",
    "oke": "ok", "okie": "ok", "oki": "ok", "uh": "ừ", "ừm": "ừ",
    "hnay": "hôm nay", "hqua": "hôm qua", "bùn": "buồn", "zui": "vui", "kiu": "kêu",
    "nhma": "nhưng mà", "nma": "nhưng mà",
    # places, bodies and administrative terms
    "vn": "việt nam", "tq": "trung quốc", "hn": "hà nội", "sg": "sài gòn",
    "hcm": "hồ chí minh", "tphcm": "thành phố hồ chí minh", "tp": "thành phố",
    "ubnd": "ủy ban nhân dân", "hđnd": "hội đồng nhân dân", "hdnd": "hội đồng nhân dân",
    "ubmttq": "ủy ban mặt trận tổ quốc", "qh": "quốc hội", "đbqh": "đại biểu quốc hội",
    "ttg": "thủ tướng", "cq": "cơ quan", "csgt": "cảnh sát giao thông",
    "cand": "công an nhân dân", "pccc": "phòng cháy chữa cháy", "atgt": "an toàn giao thông",
    "gtvt": "giao thông vận tải", "bv": "bệnh viện", "bs": "bác sĩ", "bhyt": "bảo hiểm y tế",
    "bhxh": "bảo hiểm xã hội", "bhtn": "bảo hiểm thất nghiệp",
    "cmnd": "chứng minh nhân dân", "cccd": "căn cước công dân", "gplx": "giấy phép lái xe",
    "gcn": "giấy chứng nhận", "qsdđ": "quyền sử dụng đất", "thpt": "trung học phổ thông",
    "thcs": "trung học cơ sở", "đh": "đại học", "gv": "giáo viên", "hs": "học sinh",
    "sv": "sinh viên", "dn": "doanh nghiệp", "dnnn": "doanh nghiệp nhà nước", "htx": "hợp tác xã",
    "qđ": "quyết định", "nđ": "nghị định", "tthc": "thủ tục hành chính", "dvc": "dịch vụ công",
    "cđs": "chuyển đổi số", "khcn": "khoa học công nghệ", "cntt": "công nghệ thông tin",
    "tnmt": "tài nguyên môi trường", "xh": "xã hội", "ktxh": "kinh tế xã hội", "lđ": "lao động",
}  # fmt: skip

_MULTIWORD_TEENCODE = {k: v for k, v in TEENCODE.items() if " " in k}
_SINGLE_TEENCODE = {k: v for k, v in TEENCODE.items() if " " not in k and k != v}
_MULTIWORD_PATTERN = (
    re.compile(r"\b(?:" + "|".join(re.escape(k) for k in _MULTIWORD_TEENCODE) + r")\b")
    if _MULTIWORD_TEENCODE
    else None
)


def expand_teencode(text: str) -> str:
    """Replace teencode, misspellings and abbreviations in lower-case, tone-normalised text."""
    if _MULTIWORD_PATTERN is not None:
        text = _MULTIWORD_PATTERN.sub(lambda m: _MULTIWORD_TEENCODE[m.group()], text)
    return _ALNUM_TOKEN.sub(lambda m: _SINGLE_TEENCODE.get(m.group(), m.group()), text)


def replace_placeholders(text: str, *, numbers: bool = True) -> str:
    """Replace e-mail addresses, URLs, phone numbers and (optionally) numbers by placeholders.

    This keeps personal data and one-off strings out of features and search keys.
    """
    # The cheap checks skip most texts, which contain none of these.
    if "@" in text:
        text = _EMAIL.sub(f" {PLACEHOLDER_EMAIL} ", text)
    if _URL_HINT.search(text):
        text = _URL.sub(f" {PLACEHOLDER_URL} ", text)
    if _DIGIT.search(text):
        text = _PHONE.sub(f" {PLACEHOLDER_PHONE} ", text)
        if numbers:
            text = _NUMBER.sub(f" {PLACEHOLDER_NUMBER} ", text)
    return text


def _squeeze_elongations(word: str) -> str:
    """Shorten letters stretched for emphasis: ``quáaaa`` → ``quá``, ``đẹppp`` → ``đẹp``.

    Three or more letters with the same base become one, keeping the one that has marks.
    Vietnamese never writes a letter three times, so no real word is touched.
    """
    out: list[str] = []
    i = 0
    while i < len(word):
        key = strip_diacritics(word[i]).lower()
        j = i + 1
        while j < len(word) and strip_diacritics(word[j]).lower() == key:
            j += 1
        run = word[i:j]
        if len(run) >= 3:
            marked = [ch for ch in run if strip_diacritics(ch) != ch]
            run = marked[0] if marked else run[0]
        out.append(run)
        i = j
    return "".join(out)


@lru_cache(maxsize=131072)
def _canonical_token(token: str, expand: bool) -> str:
    """One token (letters and digits) in canonical form; ``expand`` applies teencode."""
    if _LAUGH.fullmatch(token.lower()):
        return PLACEHOLDER_LAUGH
    word = _retone_word(_squeeze_elongations(token))
    return _SINGLE_TEENCODE.get(word, word) if expand else word


def normalize(
    text: str,
    *,
    lowercase: bool = True,
    teencode: bool = True,
    placeholders: bool = True,
    numbers: bool = True,
) -> str:
    """Canonical form of ``text``: NFC, one tone placement, lower case, teencode expanded.

    ``placeholders`` replaces URLs, e-mails and phone numbers (and free-standing numbers unless
    ``numbers`` is false) by the ``PLACEHOLDER_*`` tokens. Teencode expansion needs lower case.
    """
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    if placeholders:
        text = replace_placeholders(text, numbers=numbers)
    if lowercase:
        text = text.lower()
    expand = lowercase and teencode
    # Odd items are the tokens, even items what separates them.
    parts = _TOKEN_SPLIT.split(text)
    parts[1::2] = [_canonical_token(token, expand) for token in parts[1::2]]
    text = "".join(parts)
    if expand and _MULTIWORD_PATTERN is not None:
        text = _MULTIWORD_PATTERN.sub(lambda m: _MULTIWORD_TEENCODE[m.group()], text)
    return " ".join(text.split())


def fold(text: str) -> str:
    """Diacritic-insensitive key: ``fold("Phản ánh")`` == ``fold("phan anh")`` == ``"phan anh"``."""
    return strip_diacritics(normalize(text))


def segment(text: str) -> str:
    """Join the syllables of multi-syllable words with ``_`` using pyvi's bundled CRF model.

    ``"ủy ban nhân dân"`` → ``"ủy_ban nhân_dân"``. Works offline; punctuation is split off.
    About 0.4 ms per sentence: use ``segment_lexicon`` where throughput matters.
    """
    if not text.strip():
        return ""
    from pyvi import ViTokenizer  # loading the CRF model is slow: only on first use

    return str(ViTokenizer.tokenize(text))


@lru_cache(maxsize=1)
def _lexicon() -> frozenset[tuple[str, ...]]:
    """Multi-syllable words (2–4 syllables) of the dictionary shipped with pyvi."""
    import pyvi

    path = Path(pyvi.__file__).parent / "models" / "words.txt"
    entries = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        syllables = tuple(normalize_tones(line.lower()).split())
        if 2 <= len(syllables) <= _LEXICON_MAX_SYLLABLES:
            entries.add(syllables)
    return frozenset(entries)


_LEXICON_MAX_SYLLABLES = 4
_SEGMENT_TOKEN = re.compile(r"\w+|[^\w\s]")


def segment_lexicon(text: str) -> str:
    """Fast word segmentation: greedy longest match against pyvi's dictionary.

    Same output format as ``segment`` and more than ten times faster; less accurate on
    ambiguous boundaries (``lái xe hơi``), which barely matters for bag-of-words features.
    """
    lexicon = _lexicon()
    tokens = _SEGMENT_TOKEN.findall(text)
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for n in range(_LEXICON_MAX_SYLLABLES, 1, -1):
            if i + n <= len(tokens) and tuple(tokens[i : i + n]) in lexicon:
                out.append("_".join(tokens[i : i + n]))
                i += n
                break
        else:
            out.append(tokens[i])
            i += 1
    return " ".join(out)


def preprocess(text: str, *, segment_words: bool = True) -> str:
    """``normalize`` then, unless ``segment_words`` is false, ``segment``."""
    normalized = normalize(text)
    return segment(normalized) if segment_words else normalized


def tokenize(text: str, *, segment_words: bool = True) -> list[str]:
    """Words of ``text`` after normalisation, punctuation dropped.

    With ``segment_words`` a multi-syllable word is one token (``"ủy_ban"``); without it every
    syllable is a token, which is faster and good enough for most matching.
    """
    return _TOKEN.findall(preprocess(text, segment_words=segment_words))
