"""Officer-facing names for log actions, statuses and roles."""

from __future__ import annotations

import re

from django import template
from django.forms import BoundField
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pakn.accounts.models import Role
from pakn.cases.models import Status
from pakn.core import paging
from pakn.core.text import fold
from pakn.submissions.models import Submission

register = template.Library()

EVENT_LABELS: dict[str, Promise] = {
    "submitted": _("Tiếp nhận tự động"),
    "accept": _("Tiếp nhận"),
    "return": _("Trả lại, hướng dẫn"),
    "reject": _("Từ chối"),
    "merge": _("Gộp vào hồ sơ khác"),
    "merged_in": _("Hồ sơ trùng được gộp vào"),
    "transfer": _("Chuyển cơ quan"),
    "forward": _("Chuyển liên thông"),
    "remote_status": _("Trạng thái ở hệ thống nhận chuyển"),
    "remote_answer": _("Hệ thống nhận chuyển đã trả lời"),
    "remote_publish": _("Hệ thống nhận chuyển đã công khai"),
    "remote_returned": _("Hệ thống nhận chuyển trả lại"),
    "request_info": _("Yêu cầu bổ sung"),
    "info_provided": _("Người gửi bổ sung thông tin"),
    "info_expired": _("Trả lại vì hết hạn bổ sung"),
    "assign": _("Giao xử lý"),
    "coordinate": _("Đề nghị phối hợp"),
    "coordination_response": _("Ý kiến phối hợp"),
    "note": _("Ghi chú nội bộ"),
    "progress": _("Cập nhật tiến độ"),
    "extend": _("Gia hạn"),
    "save_draft": _("Lưu dự thảo trả lời"),
    "draft_answer": _("Trình dự thảo trả lời"),
    "return_answer": _("Lãnh đạo trả lại dự thảo"),
    "approve_answer": _("Lãnh đạo duyệt, gửi trả lời"),
    "publish": _("Công khai"),
    "close": _("Đóng hồ sơ"),
    "reopen": _("Mở lại"),
    "dispute": _("Người gửi chưa đồng ý kết quả"),
    "rate": _("Người gửi đánh giá"),
    "classify": _("Phân loại"),
    "auto_route": _("AI tự động chuyển cơ quan có thẩm quyền"),
    "agency_review": _("Cán bộ xác nhận cơ quan có thẩm quyền (gợi ý của AI)"),
    "duplicate_dismissed": _("Cán bộ đánh giá: không trùng lặp"),
}


@register.filter
def capped_count(n: int) -> str:
    """A count from a capped query: past the cap only "more than" is known."""
    return paging.count_label(n)


@register.filter
def place_line(submission: Submission) -> str:
    """The place as one line: the address, then its commune and province, leaving out a unit
    the person already wrote in the address ("…, Phường Đông Kinh" is not said twice)."""
    address = submission.address.strip()
    folded = fold(address)
    parts = [address] if address else []
    for unit in (submission.commune, submission.province):
        if unit is not None and not re.search(
            rf"(?<!\w){re.escape(fold(unit.name))}(?!\w)", folded
        ):
            parts.append(unit.name)
    return ", ".join(parts)


@register.filter
def event_label(action: str) -> str:
    return str(EVENT_LABELS.get(action, action))


@register.filter
def status_label(value: str) -> str:
    return str(Status(value).label) if value in Status.values else value


@register.filter
def role_labels(roles: list[str]) -> str:
    return ", ".join(str(Role(r).label) for r in roles if r in Role.values)


MODERATION_LABELS: dict[str, Promise] = {
    "offensive": _("Xúc phạm, thô tục"),
    "inciting": _("Kích động"),
    "spam": _("Quảng cáo, rác"),
    "off_topic": _("Không đúng chủ đề"),
    "personal_data": _("Lộ dữ liệu cá nhân"),
}


@register.filter
def moderation_label(value: str) -> str:
    return str(MODERATION_LABELS.get(value, value))


@register.filter
def widget(field: BoundField) -> str:
    """The field's widget, tied to its error message for screen readers when it has one."""
    if not field.errors:
        return field.as_widget()
    return field.as_widget(
        attrs={"aria-invalid": "true", "aria-describedby": f"{field.auto_id}-error"}
    )
