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
    "merged_in": "Phản ánh cùng nội dung được gộp vào",
    "forward": "Chuyển tới hệ thống PAKN có thẩm quyền (liên thông)",
    "remote_status": "Cập nhật từ hệ thống PAKN đang xử lý",
    "remote_answer": "Cơ quan có thẩm quyền đã trả lời",
    "remote_returned": "Hệ thống PAKN nhận chuyển trả lại; cơ quan tiếp tục xem xét",
    "remote_publish": "Đã công khai câu trả lời",
    "coordinate": "Lấy ý kiến cơ quan phối hợp",
    "coordination_response": "Cơ quan phối hợp đã có ý kiến",
    "auto_route": "Chuyển cơ quan có thẩm quyền",
    # Internal steps: not public today, named in plain words should one ever be shown.
    "note": "Cơ quan cập nhật hồ sơ",
    "save_draft": "Cơ quan đang soạn câu trả lời",
    "draft_answer": "Câu trả lời đang chờ lãnh đạo duyệt",
    "return_answer": "Câu trả lời đang được hoàn thiện",
    "classify": "Cơ quan phân loại phản ánh",
    "agency_review": "Cơ quan xác nhận nơi có thẩm quyền giải quyết",
    "duplicate_dismissed": "Cơ quan xem xét phản ánh có nội dung gần giống",
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
