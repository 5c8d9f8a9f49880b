from __future__ import annotations

import csv
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

KINDS = {
    "giao-thong": [
        "Ổ gà lớn trên đường {n}",
        "Đèn tín hiệu hỏng ở ngã tư {n}",
        "Xe tải chạy quá tốc độ qua phố {n}",
    ],
    "moi-truong": [
        "Rác thải tồn đọng ở ngõ {n}",
        "Nước thải chảy ra đường {n}",
        "Khói bụi từ xưởng gần số {n}",
    ],
}


def _write(path, rows):
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "label"])
        writer.writerows(rows)


def test_classifier_eval_prints_one_json_line_with_the_contract_keys(tmp_path, capsys):
    rows = [(t.format(n=n), label) for label, ts in KINDS.items() for t in ts for n in range(12)]
    _write(tmp_path / "train.csv", rows[::2])
    _write(tmp_path / "test.csv", rows[1::2])
    call_command(
        "classifier_eval",
        "--train",
        str(tmp_path / "train.csv"),
        "--test",
        str(tmp_path / "test.csv"),
        "--text-column",
        "text",
        "--label-column",
        "label",
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    figures = json.loads(lines[0])
    assert set(figures) == {
        "macro_f1",
        "weighted_f1",
        "accuracy",
        "train_seconds",
        "predict_per_second",
    }
    assert figures["macro_f1"] > 0.9


def test_missing_column_is_a_clear_error(tmp_path):
    _write(tmp_path / "a.csv", [("Rác thải", "moi-truong")])
    with pytest.raises(CommandError, match="Không đọc được"):
        call_command(
            "classifier_eval",
            "--train",
            str(tmp_path / "a.csv"),
            "--test",
            str(tmp_path / "a.csv"),
            "--label-column",
            "nhan",
        )
