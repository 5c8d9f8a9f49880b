"""What a citizen can switch on and off: each channel as a whole (``User.notify_*``) and, per
channel, each event of their case (``User.notify_muted``). Account messages (verification,
password reset) are not listed: they always go to the contact being proved."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import NotificationChannel

CITIZEN_EVENTS: tuple[tuple[str, Promise], ...] = (
    ("submission_received", _("Đã tiếp nhận phản ánh")),
    ("info_requested", _("Cơ quan đề nghị bổ sung thông tin")),
    ("transferred", _("Chuyển tới cơ quan có thẩm quyền")),
    ("merged", _("Gộp với phản ánh trùng nội dung")),
    ("answered", _("Có câu trả lời")),
    ("published", _("Câu trả lời được công khai")),
    ("returned", _("Trả lại, hướng dẫn nơi gửi")),
    ("rejected", _("Từ chối tiếp nhận")),
    ("reopened", _("Mở lại để xử lý tiếp")),
)
CHANNELS: tuple[tuple[str, Promise], ...] = (
    (NotificationChannel.EMAIL, _("Email")),
    (NotificationChannel.SMS, _("SMS")),
    (NotificationChannel.IN_APP, _("Trong trang")),
)


def key(template: str, channel: str) -> str:
    return f"{template}:{channel}"
