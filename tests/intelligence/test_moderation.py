from __future__ import annotations

import pytest

from pakn.cases import services as S
from pakn.intelligence import moderation as M
from pakn.intelligence.models import ModerationLabel

NORMAL = (
    "Đường Trần Hưng Đạo đoạn trước chợ Đông Kinh bị ngập sâu mỗi khi mưa lớn, đề nghị nạo vét "
    "cống thoát nước."
)


def labels(text: str, **kwargs: object) -> dict[str, M.Flag]:
    return {flag.label: flag for flag in M.moderate(text, use_model=False, **kwargs)}


def test_an_ordinary_report_raises_no_flag():
    assert labels(NORMAL) == {}


@pytest.mark.parametrize(
    "text",
    [
        "Cán bộ phường làm việc như vậy thì đúng là ngu như bò.",
        "can bo phuong lam viec nhu vay thi dung la ngu nhu bo",  # no diacritics
        "CÁN BỘ PHƯỜNG LÀM ĂN NHƯ CỨT, ĐỒ CHÓ MÁ",  # upper case
        "đm cái phường này, để rác cả tháng không ai dọn",  # teencode
        "dm phuong nay de rac ca thang khong ai don",
        "vcl, đường hỏng cả năm không sửa",
        "dit me bon can bo phuong",
        "Thằng chủ tịch xã đúng là óc chó",
    ],
)
def test_offensive_language_is_flagged_with_or_without_diacritics(text):
    flag = labels(text)[M.OFFENSIVE]
    assert flag.score >= M.FLAG_THRESHOLD
    assert flag.terms


def test_an_accented_word_matches_only_itself():
    # "ngủ" (sleep) folds to "ngu" (stupid); only an unaccented "ngu" is ambiguous.
    assert M.OFFENSIVE not in labels("Karaoke hát đến 2 giờ sáng, trẻ con không ngủ được.")
    assert M.OFFENSIVE in labels("Cán bộ gì mà ngu thế, hỏi gì cũng không biết.")


def test_tone_placement_does_not_hide_a_term():
    assert M.INCITING in labels("Kêu gọi mọi người xuống đường biểu tình lật đổ chính quyền")
    assert M.INCITING in labels("keu goi moi nguoi xuong duong bieu tinh lat do chinh quyen")


def test_spam_markers_and_repeated_links_are_flagged():
    flags = labels("Kiếm tiền online tại nhà, việc nhẹ lương cao, inbox ngay!")
    assert M.SPAM in flags and "kiếm tiền online" in flags[M.SPAM].terms
    links = "Xem tại http://vay-nhanh.xyz và http://vay-nhanh.xyz hoặc http://lo-de.vip ngay"
    assert "3 liên kết" in labels(links)[M.SPAM].terms


def test_off_topic_chatter_and_empty_messages_are_flagged():
    assert M.OFF_TOPIC in labels("alo test")
    assert M.OFF_TOPIC in labels("Admin ơi cho em làm quen, tỏ tình với crush giúp em với")


def test_personal_data_is_flagged_with_its_kinds():
    flag = labels(NORMAL + " Liên hệ tôi: 0912 345 678, CCCD 001085012345.")[M.PERSONAL_DATA]
    assert flag.terms == ["id_number", "phone"]


def test_legitimate_words_close_to_the_lexicon_are_not_flagged():
    for text in [
        "Đề nghị kiểm tra cơ sở giết mổ gia súc không phép gây ô nhiễm ở thôn Bản Chu.",
        "Lực lượng vũ trang địa phương hỗ trợ dân chống lũ rất kịp thời, xin cảm ơn.",
        "Tôi bị lừa đảo qua mạng mất 5 triệu, đề nghị công an vào cuộc.",
        "Thuốc cho trẻ 5 ml mỗi lần, trạm y tế hết thuốc hạ sốt từ tuần trước.",
    ]:
        assert labels(text) == {}, text


@pytest.mark.django_db
def test_a_moderator_decision_is_stored_as_a_training_label():
    M.moderation_label_record(text="Nhận làm hồ sơ giá rẻ", label="spam")
    assert ModerationLabel.objects.get().label == "spam"
    with pytest.raises(ValueError):
        M.moderation_label_record(text="x", label="rude")


def _decisions(n: int) -> list[ModerationLabel]:
    spam = [
        "Nhận làm hồ sơ nhanh, giá rẻ, liên hệ ngay để được hỗ trợ dịch vụ trọn gói",
        "Dịch vụ làm giấy tờ nhanh giá rẻ bao đậu, liên hệ ngay",
        "Nhận chạy hồ sơ nhanh gọn, trọn gói giá rẻ",
    ]
    ok = [
        "Đèn đường khu phố 3 bị hỏng đã lâu, đề nghị sửa chữa",
        "Rác thải ven sông chưa được thu gom, gây ô nhiễm",
        "Trường học thiếu giáo viên tiếng Anh, đề nghị bổ sung",
    ]
    rows = []
    for i in range(n):
        rows.append(ModerationLabel(text=f"{spam[i % 3]} {i}", label="spam"))
        rows.append(ModerationLabel(text=f"{ok[i % 3]} {i}", label="ok"))
    return ModerationLabel.objects.bulk_create(rows)


@pytest.mark.django_db
def test_cold_start_uses_the_lexicon_alone():
    assert M.current_model(force=True) is None
    assert M.moderate("dm phuong nay")[0].label == M.OFFENSIVE


@pytest.mark.django_db
def test_the_model_learns_from_moderators_decisions():
    _decisions(15)
    model = M.current_model(force=True)
    assert model is not None and set(model.classes) == {"spam", "ok"}
    text = "Nhận làm hồ sơ nhanh gọn giá rẻ trọn gói"
    assert M.SPAM not in labels(text)  # no lexicon term strong enough
    flags = {f.label: f for f in M.moderate(text, model=model)}
    assert flags[M.SPAM].score >= M.FLAG_THRESHOLD
    assert {f.label for f in M.moderate(NORMAL, model=model)} == set()


def test_moderation_suggestions_are_written_at_intake(root_agency):
    case = S.submission_intake(
        data=S.IntakeData(
            kind="report",
            title="Phường làm ăn như cứt",
            body="dm cán bộ phường, rác cả tháng không dọn. Gọi tôi 0912 345 678.",
            submitter_name="Nguyễn Văn An",
            phone="0912345678",
            consent=True,
        )
    ).case
    S.run_post_intake_hooks(case.pk)
    case.refresh_from_db()
    found = {f["label"]: f for f in case.suggestions["moderation"]}
    assert set(found) >= {M.OFFENSIVE, M.PERSONAL_DATA}
    assert set(found[M.OFFENSIVE]) == {"label", "score", "terms"}


@pytest.mark.django_db
def test_moderation_works_with_the_network_disabled(monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket, "socket", refuse)
    _decisions(15)
    model = M.current_model(force=True)
    assert model is not None
    assert M.moderate("vcl that su", model=model)[0].label == M.OFFENSIVE
