from __future__ import annotations

import itertools

import pytest

from pakn.core.tracking import (
    ALPHABET,
    InvalidTrackingCode,
    check_character,
    format_tracking_code,
    generate_tracking_code,
    hash_token,
    normalize_tracking_code,
    token_matches,
)


def test_alphabet_has_no_confusable_characters():
    assert not set("0O1IL") & set(ALPHABET)


def test_generated_codes_validate_and_are_distinct():
    codes = {generate_tracking_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in itertools.islice(codes, 200):
        assert normalize_tracking_code(code) == code


def test_typed_code_is_normalised():
    code = generate_tracking_code()
    typed = " " + format_tracking_code(code).lower() + " "
    assert normalize_tracking_code(typed) == code


def test_every_single_substitution_is_caught():
    code = generate_tracking_code()
    for i, ch in itertools.product(range(len(code)), ALPHABET):
        if code[i] == ch:
            continue
        mutated = code[:i] + ch + code[i + 1 :]
        with pytest.raises(InvalidTrackingCode):
            normalize_tracking_code(mutated)


def test_every_adjacent_swap_is_caught():
    for _ in range(200):
        code = generate_tracking_code()
        for i in range(len(code) - 1):
            if code[i] == code[i + 1]:
                continue
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
            with pytest.raises(InvalidTrackingCode):
                normalize_tracking_code(swapped)


def test_confusable_characters_get_a_clear_message():
    with pytest.raises(InvalidTrackingCode, match="không dùng 0, O, 1, I, L"):
        normalize_tracking_code("0OAB-CDEFG")


def test_wrong_length_message_in_vietnamese():
    with pytest.raises(InvalidTrackingCode, match="9 ký tự"):
        normalize_tracking_code("ABC")


def test_check_character_is_in_alphabet():
    assert check_character("23456789") in ALPHABET


def test_access_tokens_are_compared_by_hash():
    digest = hash_token("secret-token")
    assert token_matches("secret-token", digest)
    assert not token_matches("secret-tokeN", digest)
    assert "secret" not in digest
