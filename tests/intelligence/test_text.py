from __future__ import annotations

import socket
import unicodedata

import pytest

from pakn.intelligence.text import (
    PLACEHOLDER_EMAIL,
    PLACEHOLDER_NUMBER,
    PLACEHOLDER_PHONE,
    PLACEHOLDER_URL,
    expand_teencode,
    fold,
    normalize,
    normalize_tones,
    preprocess,
    replace_placeholders,
    segment,
    segment_lexicon,
    strip_diacritics,
    tokenize,
)


@pytest.mark.parametrize(
    ("old_style", "new_style"),
    [
        ("hoà", "hòa"),
        ("thuý", "thúy"),
        ("khoẻ", "khỏe"),
        ("Hoà Bình", "Hòa Bình"),
        ("thuỷ lợi", "thủy lợi"),
        ("loè loẹt", "lòe lọet"),
        ("uỷ ban", "ủy ban"),
    ],
)
def test_both_tone_placements_normalise_to_the_same_form(old_style: str, new_style: str) -> None:
    assert normalize(old_style) == normalize(new_style)
    assert normalize_tones(old_style) == normalize_tones(new_style)


def test_canonical_tone_placement_is_the_traditional_one() -> None:
    assert normalize("hoà thuý khoẻ") == "hòa thúy khỏe"


def test_tone_placement_keeps_case() -> None:
    assert normalize_tones("HOÀ BÌNH, Khoẻ") == "HÒA BÌNH, Khỏe"


@pytest.mark.parametrize(
    "word",
    ["hoàng", "thuyết", "người", "khuyến", "ngoài", "khuỷu", "quý", "giữa", "gìn", "rượu", "xoong"],
)
def test_correctly_toned_words_are_unchanged(word: str) -> None:
    assert normalize_tones(word) == word


def test_misplaced_tone_after_gi_and_qu_is_repaired() -> None:
    assert normalize("gìa qúa") == "già quá"


def test_decomposed_unicode_is_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Phản ánh hoà giải")
    assert decomposed != "Phản ánh hoà giải"
    assert normalize(decomposed) == "phản ánh hòa giải"


def test_non_vietnamese_words_are_left_alone() -> None:
    assert normalize_tones("café naïve résumé") == "café naïve résumé"


def test_strip_diacritics_removes_tones_shapes_and_d_bar() -> None:
    assert strip_diacritics("Đường Nguyễn Trãi ngập nước") == "Duong Nguyen Trai ngap nuoc"


def test_fold_matches_text_written_without_diacritics() -> None:
    assert (
        fold("Phản ánh về đường ngập") == fold("phan anh ve duong ngap") == "phan anh ve duong ngap"
    )
    assert fold("hoà") == fold("hòa") == fold("HOA")


@pytest.mark.parametrize(
    ("teencode", "expected"),
    [
        ("ko", "không"),
        ("k", "không"),
        ("hok", "không"),
        ("khong", "không"),
        ("dc", "được"),
        ("đc", "được"),
        ("j", "gì"),
        ("ntn", "như thế nào"),
        ("vs", "với"),
        ("tp", "thành phố"),
        ("ubnd", "ủy ban nhân dân"),
        ("UBND", "ủy ban nhân dân"),
        ("csgt", "cảnh sát giao thông"),
        ("bhyt", "bảo hiểm y tế"),
    ],
)
def test_teencode_and_abbreviations_are_expanded(teencode: str, expected: str) -> None:
    assert normalize(teencode) == expected


def test_teencode_in_a_sentence() -> None:
    assert (
        normalize("Sao UBND tp ko xử lý dc vậy, đã báo csgt r mà k thấy j")
        == "sao ủy ban nhân dân thành phố không xử lý được vậy, đã báo cảnh sát giao thông rồi mà "
        "không thấy gì"
    )


def test_teencode_only_replaces_whole_tokens() -> None:
    assert normalize("giá 50k, kẹt xe ở km 3") == "giá 50k, kẹt xe ở km xxnum"
    assert expand_teencode("không ko") == "không không"


def test_teencode_is_not_applied_when_case_is_kept() -> None:
    assert normalize("Ko dc", lowercase=False) == "Ko dc"


def test_personal_data_and_numbers_become_placeholders() -> None:
    text = "Liên hệ 0912 345 678 hoặc nguyen.van.a@gmail.com, xem https://dichvucong.gov.vn/p?id=1, số nhà 15"
    assert normalize(text) == (
        f"liên hệ {PLACEHOLDER_PHONE} hoặc {PLACEHOLDER_EMAIL} , xem {PLACEHOLDER_URL} , "
        f"số nhà {PLACEHOLDER_NUMBER}"
    )


def test_international_phone_format_is_recognised() -> None:
    assert PLACEHOLDER_PHONE in replace_placeholders("gọi +84 912.345.678 nhé")


def test_numbers_can_be_kept() -> None:
    assert normalize("năm 2025 có 34 tỉnh", numbers=False) == "năm 2025 có 34 tỉnh"


def test_elongated_letters_and_laughter_are_squeezed() -> None:
    assert normalize("Đẹppppp quáaaaa kkkk hahaha") == "đẹp quá haha haha"


def test_hostile_input_is_handled() -> None:
    assert normalize("") == ""
    assert normalize("   \u200b\ufeff ") == ""
    assert normalize("<script>alert('xss')</script> Hoà") == "<script>alert('xss')</script> hòa"
    long_text = "phản ánh ngập nước " * 5000
    assert normalize(long_text).count("phản ánh") == 5000


def test_segment_joins_multi_syllable_words() -> None:
    assert segment("ủy ban nhân dân thành phố phản ánh") == "ủy_ban nhân_dân thành_phố phản_ánh"
    assert segment("") == ""


def test_segment_lexicon_agrees_on_common_words() -> None:
    assert segment_lexicon("thành phố giải quyết phản ánh về ô nhiễm môi trường") == (
        "thành_phố giải_quyết phản_ánh về ô_nhiễm môi_trường"
    )


def test_tokenize_with_and_without_segmentation() -> None:
    assert tokenize("UBND thành phố, phản ánh!") == ["ủy_ban", "nhân_dân", "thành_phố", "phản_ánh"]
    assert tokenize("UBND thành phố, phản ánh!", segment_words=False) == [
        "ủy", "ban", "nhân", "dân", "thành", "phố", "phản", "ánh",
    ]  # fmt: skip
    assert preprocess("Hoà", segment_words=False) == "hòa"


def test_text_handling_works_without_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    assert segment("ủy ban nhân dân") == "ủy_ban nhân_dân"
    assert fold("Khoẻ") == "khoe"
