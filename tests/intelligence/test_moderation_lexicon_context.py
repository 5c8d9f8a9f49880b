"""Words typed without diacritics are matched against the lexicon only where the writer types
without diacritics: in a text written with them, "di" and "Du" are "di động" and "Nguyễn Du"."""

from __future__ import annotations

from pakn.intelligence.moderation import lexicon_hits


def terms(text: str) -> set[str]:
    return {entry.term for entries in lexicon_hits(text).values() for entry in entries}


def test_short_unmarked_words_in_a_text_with_diacritics_are_not_swear_words() -> None:
    text = "Sóng di động yếu trên đường Nguyễn Du, phường Đông Kinh, mất sóng cả ngày."
    assert terms(text) == set()


def test_the_same_words_with_their_marks_are_still_found() -> None:
    assert {"đĩ", "đụ"} <= terms("Cán bộ nói với dân là đồ đĩ, còn chửi đụ má.")


def test_a_text_typed_without_diacritics_is_still_moderated() -> None:
    assert {"du ma", "đĩ"} <= terms("can bo noi dan la do di, con chui du ma")


def test_teencode_spelled_without_marks_is_found_in_any_text() -> None:
    assert "dit" in terms("Cán bộ phường làm việc như dit, thật là bức xúc.")
