"""The tone lexicon: insults, calls for punishment, contempt and profanity, counted per group and
read by the text classifier so that an insult it never saw in training still counts."""

from __future__ import annotations

import numpy as np

from pakn.intelligence import classifier
from pakn.intelligence.lexicon import TONE_GROUPS, PhraseIndex, tone_features


def group_counts(text: str) -> dict[str, float]:
    row = tone_features([text])[0]
    return {group: float(np.expm1(row[i])) for i, group in enumerate(TONE_GROUPS)}


def test_each_group_is_counted_with_every_occurrence() -> None:
    counts = group_counts("Bọn côn đồ khốn nạn, phải tử hình, đúng là lũ súc vật, khốn nạn thật.")
    # côn đồ, đồ, khốn nạn ×2, khốn ×2 (a shorter term inside a longer one counts too), súc vật
    assert round(counts["insult"]) == 7
    assert round(counts["condemnation"]) == 1
    assert round(counts["contempt"]) == 2  # bọn, lũ
    assert counts["profanity"] == 0


def test_presence_columns_say_whether_a_group_occurs() -> None:
    row = tone_features(["Đề nghị sửa đèn đường ở ngõ 5.", "Thằng cha đó đm"])
    presence = row[:, len(TONE_GROUPS) :]
    assert presence[0].sum() == 0
    assert dict(zip(TONE_GROUPS, presence[1], strict=True)) == {
        "profanity": 1.0,
        "insult": 0.0,
        "condemnation": 0.0,
        "contempt": 1.0,
    }


def test_text_typed_without_diacritics_matches_and_other_accents_do_not() -> None:
    assert group_counts("bon con do khon nan")["insult"] >= 2
    # "ngủ" (sleep) is not "ngu" (stupid); "ngu" typed without marks still is.
    assert group_counts("Tôi ngủ không được vì tiếng ồn")["insult"] == 0
    assert group_counts("ong ay qua ngu")["insult"] == 1


def test_matches_list_every_occurrence_and_hits_each_term_once() -> None:
    index = PhraseIndex({"x": {"lừa đảo": 0.5}, "y": ["xe"]})
    assert [e.term for e in index.matches("lừa đảo, lua dao")] == ["lừa đảo", "lừa đảo"]
    assert {
        label: [e.term for e in found] for label, found in index.hits("lừa đảo lừa đảo xe").items()
    } == {
        "x": ["lừa đảo"],
        "y": ["xe"],
    }


def test_the_classifier_recognises_an_insult_it_never_saw_through_its_group() -> None:
    places = ("phường Bến Nghé", "xã Tân Phú", "đường Lê Lợi", "thôn Đông")
    praise = ["nhiệt tình", "tận tụy", "đã sửa đèn", "rất chu đáo", "giải quyết nhanh"]
    insults = ["khốn nạn", "súc vật", "mất dạy", "vô liêm sỉ", "đồ cặn bã"]
    neutral = [f"Cán bộ {where} {word}" for word in praise for where in places]
    toxic = [f"Cán bộ {where} {word}" for word in insults for where in places]
    model = classifier.TextClassifier(cv=2).fit(
        neutral + toxic, ["ok"] * len(neutral) + ["toxic"] * len(toxic)
    )
    # None of these words is in the training texts; each is an insult of the lexicon.
    unseen = ["Cán bộ phường Bến Nghé đê tiện bỉ ổi", "Cán bộ xã Tân Phú lưu manh trơ trẽn"]
    assert list(model.predict(unseen)) == ["toxic", "toxic"]
    assert list(model.predict(["Cán bộ thôn Đông nhiệt tình"])) == ["ok"]
