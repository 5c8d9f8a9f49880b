"""Model → JSON-ready dicts shared by the public and officer endpoints."""

from __future__ import annotations

from typing import Any

from pakn.accounts.models import Agency, User
from pakn.cases.models import Answer
from pakn.taxonomy.models import Field

# What the submitter reads in their timeline for each public event.
TIMELINE_LABELS = {
    "submitted": "Đã gửi thành công",
    "accept": "Cơ quan đã tiếp nhận",
    "assign": "Đã giao cán bộ xử lý",
    "return": "Trả lại, có hướng dẫn",
    "reject": "Từ chối tiếp nhận",
    "request_info": "Cơ quan đề nghị bổ sung thông tin",
    "info_provided": "Đã bổ sung thông tin",
    "info_expired": "Hết hạn bổ sung thông tin",
    "transfer": "Chuyển cơ quan có thẩm quyền",
    "merge": "Gộp với phản ánh trùng",
    "progress": "Cập nhật tiến độ",
    "extend": "Gia hạn xử lý",
    "approve_answer": "Đã có câu trả lời",
    "publish": "Đã công khai câu trả lời",
    "close": "Đã kết thúc",
    "reopen": "Xử lý lại",
    "dispute": "Người gửi chưa đồng ý với kết quả",
    "rate": "Người gửi đã đánh giá",
}


def timeline_label(action: str) -> str:
    return TIMELINE_LABELS.get(action, "Cập nhật")


def agency_ref(agency: Agency) -> dict[str, Any]:
    return {"id": agency.pk, "code": agency.code, "name": agency.name}


def field_ref(field: Field | None) -> dict[str, Any] | None:
    if field is None:
        return None
    return {"id": field.pk, "code": field.code, "name": field.name}


def person_ref(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name()}


def answer_out(answer: Answer, *, public: bool) -> dict[str, Any]:
    """``public`` hides personal data (Answer.public_text); False is for the submitter and
    officers only."""
    return {
        "outcome": answer.outcome,
        "outcome_label": answer.get_outcome_display(),
        "text": answer.public_text if public else answer.text,
        "signer_name": answer.signer_name,
        "approved_at": answer.approved_at,
    }
