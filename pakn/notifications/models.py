from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    IN_APP = "in_app", _("Trong ứng dụng")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi lỗi")
    SKIPPED = "skipped", _("Bỏ qua")


class Notification(models.Model):
    """One message to one recipient over one channel: the outbox and the delivery log."""

    channel = models.CharField(max_length=8, choices=NotificationChannel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    address = models.CharField(_("địa chỉ nhận"), max_length=254, blank=True)
    template = models.CharField(max_length=60)
    subject = models.CharField(max_length=250, blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    case_ref = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    status = models.CharField(
        max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # Held while one worker talks to the gateway, so no other sends the same message meanwhile.
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["recipient", "channel", "read_at"], name="notif_inbox"),
            models.Index(fields=["recipient", "channel", "-created_at"], name="notif_inbox_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.template} → {self.address or self.recipient}"
