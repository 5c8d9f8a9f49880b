"""The audit log: who did what to the platform's configuration and accounts, append-only.

Case work has its own hash-chained log (``cases.CaseEvent``); this one keeps what happens
around it: every write made through the admin site (including bulk actions, which Django's own
``LogEntry`` does not record), logins, failed logins and logouts. The actor is kept as an id and
a name rather than a foreign key, so the record outlives the account it names.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditLogImmutable(Exception):
    pass


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditLogImmutable("Nhật ký kiểm toán chỉ được ghi thêm, không được sửa.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogImmutable("Nhật ký kiểm toán chỉ được ghi thêm, không được xoá.")


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Đăng nhập")
    LOGIN_FAILED = "login_failed", _("Đăng nhập không thành công")
    LOGOUT = "logout", _("Đăng xuất")
    ADMIN_ADD = "admin_add", _("Quản trị: thêm")
    ADMIN_CHANGE = "admin_change", _("Quản trị: sửa")
    ADMIN_DELETE = "admin_delete", _("Quản trị: xoá")
    ADMIN_ACTION = "admin_action", _("Quản trị: thao tác hàng loạt")
    ADMIN_REQUEST = "admin_request", _("Quản trị: yêu cầu ghi")


class AuditEvent(models.Model):
    action = models.CharField(_("thao tác"), max_length=16, choices=AuditAction.choices)
    actor_id = models.BigIntegerField(_("mã người thực hiện"), null=True, blank=True)
    actor_label = models.CharField(_("người thực hiện"), max_length=200, blank=True)
    object_type = models.CharField(_("loại đối tượng"), max_length=100, blank=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=100, blank=True)
    object_repr = models.CharField(_("đối tượng"), max_length=300, blank=True)
    detail = models.JSONField(_("chi tiết"), default=dict, blank=True)
    path = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("sự kiện kiểm toán")
        verbose_name_plural = _("nhật ký kiểm toán")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["actor_id", "created_at"], name="audit_actor_time")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditLogImmutable("Nhật ký kiểm toán chỉ được ghi thêm, không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditLogImmutable("Nhật ký kiểm toán chỉ được ghi thêm, không được xoá.")
