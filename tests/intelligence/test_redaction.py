from __future__ import annotations

import pytest

from pakn.core.redact import redact_personal_data
from pakn.core.redaction import LABELS, find_personal_data, redact


@pytest.mark.parametrize(
    ("text", "kind", "secret"),
    [
        ("Liên hệ tôi qua số 0912 345 678 nhé.", "phone", "0912 345 678"),
        ("Gọi +84 912.345.678 để biết thêm.", "phone", "+84 912.345.678"),
        ("Số máy bàn (024) 3825 1234 không ai nghe.", "phone", "(024) 3825 1234"),
        ("SĐT: 0987-654-321.", "phone", "0987-654-321"),
        (
            "Email nguyen.van.an+pakn@gmail.com xin phản hồi.",
            "email",
            "nguyen.van.an+pakn@gmail.com",
        ),
        ("Số CCCD 001085012345 cấp tại Hà Nội.", "id_number", "001085012345"),
        ("CMND số 012345678 đã hết hạn.", "id_number", "012345678"),
        ("Căn cước công dân: 038 090 001 234.", "id_number", "038 090 001 234"),
        ("Xe ô tô biển số 12A-345.67 đỗ chắn cổng.", "plate", "12A-345.67"),
        ("Xe máy 29H1-123.45 chạy lấn làn.", "plate", "29H1-123.45"),
        ("Xe tải 30A-12345 chở quá tải.", "plate", "30A-12345"),
        ("Chuyển vào STK 0123456789 ngân hàng Vietcombank.", "bank_account", "0123456789"),
        ("Số tài khoản: 1903 5555 1234 567 Techcombank.", "bank_account", "1903 5555 1234 567"),
        (
            "Nhà tôi ở số nhà 12, ngõ 34 đường Láng, hay ngập.",
            "address",
            "số nhà 12, ngõ 34 đường Láng",
        ),
        (
            "Cống vỡ trước số 45 ngõ 3 đường Trần Duy Hưng.",
            "address",
            "số 45 ngõ 3 đường Trần Duy Hưng",
        ),
        ("Tôi là Nguyễn Văn An, ở phường Đông Kinh.", "name", "Nguyễn Văn An"),
        ("Ông Trần Văn Bình tổ trưởng đã biết.", "name", "Trần Văn Bình"),
        ("Hôm qua bà Lê Thị Hoa bị ngã ở đây.", "name", "Lê Thị Hoa"),
        ("Tôi đã báo anh Hùng và chị Mai từ tuần trước.", "name", "Hùng"),
        ("Tên là Phạm Minh Tuấn, sinh năm 1980.", "name", "Phạm Minh Tuấn"),
    ],
)
def test_each_kind_of_personal_data_is_redacted(text, kind, secret):
    result = redact(text)
    assert secret not in result.text
    assert LABELS[kind] in result.text
    span = next(s for s in result.spans if s.kind == kind)
    assert span.original == secret
    assert text[span.start : span.end] == secret


@pytest.mark.parametrize(
    "text",
    [
        "Ngày 12/03/2026 phường đã thu 2.000.000 đồng mỗi hộ.",
        "Dự án 1,5 tỷ đồng khởi công năm 2025, tăng 15% so với năm 2024.",
        "Theo Nghị định 13/2023/NĐ-CP và Luật số 91/2015/QH13, Thông tư 01/2024/TT-BKHCN.",
        "Quyết định số 1234/QĐ-UBND ngày 05/01/2026 của UBND tỉnh.",
        "Số tiền 150000000 đồng đã nộp; tờ bản đồ số 12, thửa đất số 345, diện tích 120,5 m2.",
        "Khoảng 300 hộ dân, quãng đường 20 km, lúc 7h30 sáng, tầng 3, phòng họp số 2.",
        "Đường Bà Triệu và đường Ông Ích Khiêm ở tỉnh Bà Rịa - Vũng Tàu, huyện Anh Sơn.",
        "Giá điện tăng 4,8% từ 01/10/2025; hotline tổng đài 1900 1234 của cơ quan.",
    ],
)
def test_ordinary_numbers_and_places_are_not_redacted(text):
    result = redact(text)
    assert result.spans == []
    assert result.text == text


def test_spans_describe_the_original_text_for_the_officer_preview():
    text = "Tôi là Nguyễn Văn An, SĐT 0912 345 678, email an@example.vn, CCCD 001085012345."
    result = redact(text)
    assert [s.kind for s in result.spans] == ["name", "phone", "email", "id_number"]
    rebuilt = text
    for span in reversed(result.spans):
        assert text[span.start : span.end] == span.original
        rebuilt = rebuilt[: span.start] + span.replacement + rebuilt[span.end :]
    assert rebuilt == result.text
    assert result.kinds == ["email", "id_number", "name", "phone"]


def test_an_identity_number_introduced_as_such_is_not_called_a_phone():
    (span,) = find_personal_data("CMND: 012345678")
    assert span.kind == "id_number"


def test_superset_of_the_core_redactor():
    text = "Gọi 0912345678 hoặc mail a.b@example.vn, CMND 123456789, CCCD 001085012345."
    assert redact(text).text == redact_personal_data(text)


def test_redaction_works_with_the_network_disabled(monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket, "socket", refuse)
    assert redact("SĐT 0912345678").text == "SĐT [số điện thoại đã ẩn]"
