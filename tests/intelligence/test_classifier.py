from __future__ import annotations

import csv
import itertools
import socket
from pathlib import Path

import joblib
import numpy as np
import pytest

from pakn.intelligence.classifier import (
    MODEL_VERSION,
    TextClassifier,
    build_pipeline,
    evaluate,
    load,
    load_csv,
    save,
)

# A tiny citizen-feedback data set: what is wrong, where, and how people put it.
PROBLEMS = {
    "giao_thong": [
        "đường bị hư hỏng nặng, nhiều ổ gà",
        "đèn tín hiệu giao thông ở ngã tư không hoạt động",
        "xe tải chạy quá tốc độ trong khu dân cư",
        "cầu yếu, xe quá tải vẫn đi qua",
        "vỉa hè bị lấn chiếm làm bãi giữ xe",
        "thường xuyên ùn tắc giao thông giờ cao điểm",
    ],
    "moi_truong": [
        "rác thải sinh hoạt không được thu gom",
        "nhà máy xả nước thải bốc mùi hôi thối ra kênh",
        "khói bụi từ lò gạch gây ô nhiễm không khí",
        "cây xanh bị chặt phá trái phép",
        "bãi rác tự phát gây ô nhiễm môi trường",
        "tiếng ồn từ xưởng cơ khí suốt đêm",
    ],
    "y_te": [
        "trạm y tế thiếu thuốc và bác sĩ",
        "bệnh viện quá tải, người bệnh phải nằm ghép",
        "thủ tục thanh toán bảo hiểm y tế rườm rà",
        "phòng khám tư nhân hoạt động không giấy phép",
        "dịch sốt xuất huyết bùng phát chưa được phun thuốc",
        "nhân viên y tế thái độ thiếu tôn trọng người bệnh",
    ],
    "giao_duc": [
        "trường học thu thêm nhiều khoản phí ngoài quy định",
        "phòng học xuống cấp, bàn ghế hỏng",
        "giáo viên ép học sinh đi học thêm",
        "thiếu giáo viên dạy tiếng Anh ở trường tiểu học",
        "sách giáo khoa đổi liên tục gây tốn kém cho phụ huynh",
        "nhà vệ sinh trường học mất vệ sinh",
    ],
}
PLACES = [
    "tại phường Bến Nghé",
    "ở xã Tân Phú",
    "trên địa bàn quận 3",
    "gần chợ Hòa Bình",
    "khu phố 5",
]
OPENINGS = ["Kính gửi UBND,", "Tôi xin phản ánh:", "Đề nghị cơ quan chức năng xem xét:", ""]


def _dataset() -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for label, problems in PROBLEMS.items():
        for problem, place, opening in itertools.product(problems, PLACES, OPENINGS[:2]):
            texts.append(f"{opening} {problem} {place}. Mong được giải quyết sớm.")
            labels.append(label)
    return texts, labels


UNSEEN = {
    "giao_thong": "Ổ gà khắp đường, ngã tư đèn tín hiệu hỏng mấy tuần nay",
    "moi_truong": "Rác thải bốc mùi, nước thải đen ngòm chảy ra kênh",
    "y_te": "Bệnh viện tuyến huyện thiếu bác sĩ, bệnh nhân nằm ghép",
    "giao_duc": "Nhà trường ép phụ huynh đóng phí học thêm cho giáo viên",
}
# The same complaints as many citizens type them: no diacritics, teencode.
UNSEEN_PLAIN = {
    "giao_thong": "duong nhieu o ga, den tin hieu giao thong ko hoat dong",
    "moi_truong": "rac thai ko dc thu gom, bai rac gay o nhiem moi truong",
    "y_te": "tram y te thieu thuoc, benh vien qua tai",
    "giao_duc": "truong hoc thu phi ngoai quy dinh, giao vien ep hoc them",
}


@pytest.fixture(scope="module")
def model() -> TextClassifier:
    return build_pipeline().fit(*_dataset())


def test_pipeline_learns_a_small_vietnamese_data_set(model: TextClassifier) -> None:
    texts, labels = _dataset()
    assert (model.predict(texts) == np.array(labels)).mean() > 0.95
    assert list(model.predict(list(UNSEEN.values()))) == list(UNSEEN)


def test_pipeline_understands_text_without_diacritics_and_teencode(model: TextClassifier) -> None:
    predicted = model.predict(list(UNSEEN_PLAIN.values()))
    assert (predicted == np.array(list(UNSEEN_PLAIN))).sum() >= 3


def test_probabilities_are_a_distribution(model: TextClassifier) -> None:
    proba = model.predict_proba(list(UNSEEN.values()))
    assert proba.shape == (4, 4)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert ((proba >= 0) & (proba <= 1)).all()


def test_top_three_suggestions_are_sorted_and_sum_to_at_most_one(model: TextClassifier) -> None:
    suggestions = model.top_k(list(UNSEEN.values()), k=3)
    for expected, top in zip(UNSEEN, suggestions, strict=True):
        assert len(top) == 3
        labels = [label for label, _ in top]
        probabilities = [p for _, p in top]
        assert len(set(labels)) == 3
        assert labels[0] == expected
        assert probabilities == sorted(probabilities, reverse=True)
        assert sum(probabilities) <= 1.0 + 1e-9
        assert all(isinstance(p, float) for p in probabilities)


def test_save_and_load_round_trip(model: TextClassifier, tmp_path: Path) -> None:
    path = tmp_path / "classifier.joblib"
    save(model, path)
    loaded = load(path)
    texts = list(UNSEEN.values()) + list(UNSEEN_PLAIN.values())
    assert list(loaded.predict(texts)) == list(model.predict(texts))
    assert np.allclose(loaded.predict_proba(texts), model.predict_proba(texts))


def test_load_refuses_a_model_from_another_version(model: TextClassifier, tmp_path: Path) -> None:
    path = tmp_path / "old.joblib"
    joblib.dump({"version": "pakn-textclf-0", "model": model}, path)
    assert MODEL_VERSION != "pakn-textclf-0"
    with pytest.raises(ValueError, match="retrain"):
        load(path)


def test_pipeline_trains_and_predicts_without_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    texts, labels = _dataset()
    fitted = build_pipeline(cv=3).fit(texts, labels)
    assert fitted.predict([UNSEEN["y_te"]])[0] == "y_te"


def test_binary_task_with_a_rare_class() -> None:
    texts, labels = _dataset()
    binary = ["y_te" if label == "y_te" else "khac" for label in labels]
    fitted = build_pipeline().fit(texts, binary)
    assert list(fitted.predict([UNSEEN["y_te"], UNSEEN["giao_duc"]])) == ["y_te", "khac"]
    assert fitted.predict_proba([UNSEEN["y_te"]]).shape == (1, 2)


def test_a_class_with_a_single_example_does_not_break_training() -> None:
    texts, labels = _dataset()
    fitted = build_pipeline().fit([*texts, "Cột điện nghiêng sắp đổ"], [*labels, "dien_luc"])
    assert "dien_luc" in fitted.classes_
    assert fitted.predict([UNSEEN["moi_truong"]])[0] == "moi_truong"


def test_training_needs_two_labels() -> None:
    with pytest.raises(ValueError, match="two distinct labels"):
        build_pipeline().fit(["một", "hai"], ["a", "a"])


def test_evaluate_reports_exactly_the_contract_figures() -> None:
    texts, labels = _dataset()
    figures = evaluate(texts, labels, list(UNSEEN.values()), list(UNSEEN))
    assert set(figures) == {
        "macro_f1", "weighted_f1", "accuracy", "train_seconds", "predict_per_second",
    }  # fmt: skip
    assert all(isinstance(value, float) for value in figures.values())
    assert figures["macro_f1"] == 1.0
    assert figures["accuracy"] == 1.0
    assert figures["train_seconds"] > 0
    assert figures["predict_per_second"] > 0


def test_load_csv_reads_vietnamese_and_skips_unlabelled_rows(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "noi_dung", "linh_vuc"])
        writer.writerow(["1", 'Đường ngập, "nước" lên tận nhà\nmỗi khi mưa', "giao_thong"])
        writer.writerow(["2", "Không có nhãn", ""])
        writer.writerow(["3", "<script>alert(1)</script>", "khac"])
    texts, labels = load_csv(path, "noi_dung", "linh_vuc")
    assert texts == ['Đường ngập, "nước" lên tận nhà\nmỗi khi mưa', "<script>alert(1)</script>"]
    assert labels == ["giao_thong", "khac"]


def test_load_csv_names_a_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("text,label\nxin chào,a\n", encoding="utf-8")
    with pytest.raises(KeyError, match="topic"):
        load_csv(path, "text", "topic")
