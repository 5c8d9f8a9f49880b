"""What the submitter may see of a case: public log lines in plain words, never internal notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pakn.cases.models import Answer, AnswerStatus, Case, CaseEvent, Status

ACTION_LABELS: dict[str, Promise] = {
    "submitted": _("Đã nhận phản ánh"),
    "accept": _("Cơ quan đã tiếp nhận"),
    "return": _("Trả lại và hướng dẫn nơi gửi phù hợp"),
    "reject": _("Từ chối tiếp nhận"),
    "merge": _("Gộp với phản ánh cùng nội dung"),
    "merged_in": _("Phản ánh cùng nội dung được gộp vào"),
    "transfer": _("Chuyển tới cơ quan có thẩm quyền"),
    "forward": _("Chuyển tới hệ thống PAKN có thẩm quyền (liên thông)"),
    "remote_status": _("Cập nhật từ hệ thống PAKN đang xử lý"),
    "remote_answer": _("Cơ quan có thẩm quyền đã trả lời"),
    "remote_returned": _("Hệ thống PAKN nhận chuyển trả lại; cơ quan tiếp tục xem xét"),
    "remote_publish": _("Câu trả lời được công khai"),
    "request_info": _("Cơ quan đề nghị bạn bổ sung thông tin"),
    "info_provided": _("Bạn đã bổ sung thông tin"),
    "info_expired": _("Trả lại vì chưa bổ sung thông tin đúng hạn"),
    "assign": _("Đã giao cán bộ xử lý"),
    "coordinate": _("Lấy ý kiến cơ quan phối hợp"),
    "coordination_response": _("Cơ quan phối hợp đã có ý kiến"),
    "progress": _("Cập nhật tiến độ xử lý"),
    "extend": _("Gia hạn thời hạn xử lý"),
    "approve_answer": _("Cơ quan đã trả lời"),
    "publish": _("Câu trả lời được công khai"),
    "close": _("Kết thúc xử lý"),
    "reopen": _("Mở lại để xử lý tiếp"),
    "dispute": _("Bạn phản hồi chưa đồng ý với kết quả"),
    "rate": _("Bạn đã đánh giá câu trả lời"),
    "auto_route": _("Chuyển tới cơ quan có thẩm quyền"),
    # Internal steps: not public today, named in plain words should one ever be shown.
    "note": _("Cơ quan cập nhật hồ sơ"),
    "save_draft": _("Cơ quan đang soạn câu trả lời"),
    "draft_answer": _("Câu trả lời đang chờ lãnh đạo duyệt"),
    "return_answer": _("Câu trả lời đang được hoàn thiện"),
    "classify": _("Cơ quan phân loại phản ánh"),
    "agency_review": _("Cơ quan xác nhận nơi có thẩm quyền giải quyết"),
    "duplicate_dismissed": _("Cơ quan xem xét phản ánh có nội dung gần giống"),
}

# Only these actions carry a reason written for the submitter (or by the submitter); any other
# text on a log line may be an officer's working note and is not shown.
REASON_SHOWN = {
    "return",
    "reject",
    "request_info",
    "info_expired",
    "transfer",
    "forward",
    "remote_status",
    "remote_returned",
    "extend",
    "progress",
    "merge",
    "info_provided",
    "dispute",
}

ANSWER_VISIBLE = (Status.ANSWERED, Status.PUBLISHED, Status.CLOSED)
RATEABLE = ANSWER_VISIBLE
DISPUTABLE = (Status.ANSWERED, Status.PUBLISHED)


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    label: str
    reason: str
    agency: str


def public_timeline(case: Case) -> list[TimelineEntry]:
    events = (
        CaseEvent.objects.filter(case=case, is_public=True).select_related("agency").order_by("seq")
    )
    return [_entry(event) for event in events]


def _entry(event: CaseEvent) -> TimelineEntry:
    label = ACTION_LABELS.get(event.action, _("Cập nhật hồ sơ"))
    return TimelineEntry(
        at=event.created_at,
        label=str(label),
        reason=event.reason if event.action in REASON_SHOWN else "",
        agency=event.agency.name if event.agency else "",
    )


def approved_answer(case: Case) -> Answer | None:
    if case.status not in ANSWER_VISIBLE:
        return None
    return (
        Answer.objects.filter(case=case, status=AnswerStatus.APPROVED)
        .order_by("-approved_at")
        .first()
    )
