"""Federation with other PAKN systems (liên thông) and webhooks for partner systems.

A :class:`Peer` is another PAKN instance we forward cases to or receive cases from; a
:class:`Forwarding` links one of our cases to its copy there; :class:`Subscription` is a partner
system's webhook; every outgoing call is a :class:`Delivery` (the delivery log), and
:class:`ReceivedEvent` remembers incoming event ids so a replayed request is never applied twice.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pakn.core.crypto import EncryptedCharField


class Health(models.TextChoices):
    UNKNOWN = "unknown", _("Chưa liên lạc")
    OK = "ok", _("Bình thường")
    FAILING = "failing", _("Lỗi kết nối")


class Peer(models.Model):
    """Another PAKN system. ``code`` is the instance id it sends in ``X-PAKN-Peer``."""

    code = models.SlugField(_("mã hệ thống"), max_length=64, unique=True)
    name = models.CharField(_("tên hệ thống"), max_length=200)
    base_url = models.URLField(_("địa chỉ gốc"), help_text=_("Ví dụ https://pakn.gov.vn"))
    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("cơ quan đại diện"),
        help_text=_(
            "Cơ quan trong hệ thống này đứng tên cho hệ thống kia, ví dụ “Hệ thống PAKN quốc gia”."
        ),
        on_delete=models.PROTECT,
        related_name="+",
    )
    outgoing_secret = EncryptedCharField(
        _("khoá ký khi gửi đi"), help_text=_("Hệ thống kia dùng khoá này để kiểm tra chữ ký.")
    )
    incoming_secret = EncryptedCharField(
        _("khoá kiểm tra khi nhận"), help_text=_("Khoá hệ thống kia dùng để ký khi gửi tới đây.")
    )
    incoming_secret_previous = EncryptedCharField(
        _("khoá nhận cũ (đang đổi khoá)"),
        blank=True,
        help_text=_("Vẫn được chấp nhận cho tới khi xoá, để đổi khoá không làm gián đoạn."),
    )
    is_active = models.BooleanField(_("đang liên thông"), default=True)
    last_contact_at = models.DateTimeField(_("liên lạc gần nhất"), null=True, blank=True)
    health = models.CharField(
        _("tình trạng"), max_length=8, choices=Health.choices, default=Health.UNKNOWN
    )
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hệ thống liên thông")
        verbose_name_plural = _("hệ thống liên thông")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def incoming_secrets(self) -> list[str]:
        return [s for s in (self.incoming_secret, self.incoming_secret_previous) if s]


class Forwarding(models.Model):
    """One of our cases forwarded to a peer; the peer's tracking code once it answered."""

    # A foreign key, not one-to-one: a case reopened here (the submitter disputed) may go again.
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="forwardings")
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="forwardings")
    reason = models.TextField(_("lý do chuyển"))
    forwarded_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    forwarded_at = models.DateTimeField(default=timezone.now)
    remote_tracking_code = models.CharField(_("mã ở hệ thống nhận"), max_length=40, blank=True)
    accepted_at = models.DateTimeField(_("hệ thống nhận xác nhận lúc"), null=True, blank=True)
    remote_status = models.CharField(_("trạng thái ở hệ thống nhận"), max_length=16, blank=True)
    # The peer's log position of the last applied status, so a late retry cannot move us back.
    remote_seq = models.PositiveIntegerField(default=0)
    omitted_attachments = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("hồ sơ đã chuyển liên thông")
        verbose_name_plural = _("hồ sơ đã chuyển liên thông")

    def __str__(self) -> str:
        return f"{self.case_id} → {self.peer} {self.remote_tracking_code}"


class ReceivedEvent(models.Model):
    """An incoming event id, kept so a replayed request is recognised and not applied again."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="+")
    event_id = models.CharField(max_length=64)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sự kiện đã nhận")
        verbose_name_plural = _("sự kiện đã nhận")
        constraints = [
            models.UniqueConstraint(fields=["peer", "event_id"], name="federation_event_once"),
        ]

    def __str__(self) -> str:
        return self.event_id


class EventType(models.TextChoices):
    STATUS_CHANGED = "case.status_changed", _("Hồ sơ đổi trạng thái")
    ANSWER_PUBLISHED = "answer.published", _("Câu trả lời được công khai")


class Subscription(models.Model):
    """A partner system's webhook: published, redacted information only, never personal data."""

    name = models.CharField(_("tên đối tác"), max_length=200)
    url = models.URLField(_("địa chỉ nhận (URL)"))
    secret = EncryptedCharField(_("khoá ký"))
    events = models.JSONField(
        _("sự kiện"),
        default=list,
        help_text=_("Danh sách trong: case.status_changed, answer.published"),
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("chỉ cơ quan này và cấp dưới"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    is_active = models.BooleanField(_("đang dùng"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đăng ký webhook")
        verbose_name_plural = _("đăng ký webhook")

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    DELIVERED = "delivered", _("Đã gửi")
    FAILED = "failed", _("Lỗi, hết lượt thử")


class DeliveryKind(models.TextChoices):
    FORWARD = "forward", _("Chuyển hồ sơ")
    PEER_EVENT = "peer_event", _("Sự kiện cho hệ thống liên thông")
    WEBHOOK = "webhook", _("Webhook đối tác")


class Delivery(models.Model):
    """One outgoing signed request and every attempt at it (the delivery log)."""

    event_id = models.CharField(max_length=64, default="", unique=True, editable=False)
    kind = models.CharField(_("loại"), max_length=12, choices=DeliveryKind.choices)
    event = models.CharField(_("sự kiện"), max_length=32)
    peer = models.ForeignKey(
        Peer, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    subscription = models.ForeignKey(
        Subscription, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    forwarding = models.ForeignKey(
        Forwarding, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    url = models.URLField(_("địa chỉ"), max_length=500)
    body = models.TextField(_("nội dung gửi"))
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("số lần thử"), default=0)
    last_status_code = models.PositiveSmallIntegerField(
        _("mã HTTP gần nhất"), null=True, blank=True
    )
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    next_attempt_at = models.DateTimeField(_("lần thử tiếp theo"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("gửi được lúc"), null=True, blank=True)
    # Held while one worker sends, so a duplicate step or "retry now" cannot send it twice.
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("nhật ký gửi")
        verbose_name_plural = _("nhật ký gửi")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="federation_due")]

    def __str__(self) -> str:
        return f"{self.event} → {self.url} ({self.get_status_display()})"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.event_id:
            self.event_id = uuid.uuid4().hex
        super().save(*args, **kwargs)  # type: ignore[arg-type]
