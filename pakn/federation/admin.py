from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from pakn.core.errors import DomainError

from .models import Delivery, Forwarding, Peer, ReceivedEvent, Subscription
from .services import delivery_retry_now


@admin.register(Peer)
class PeerAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "base_url", "agency", "is_active", "health", "last_contact_at")
    list_filter = ("is_active", "health")
    search_fields = ("name", "code", "base_url")
    readonly_fields = ("health", "last_contact_at", "last_error", "created_at")
    autocomplete_fields = ("agency",)
    fieldsets = (
        (None, {"fields": ("name", "code", "base_url", "agency", "is_active")}),
        (
            _("Khoá ký (HMAC-SHA256)"),
            {
                "fields": ("outgoing_secret", "incoming_secret", "incoming_secret_previous"),
                "description": _(
                    "Đổi khoá: chuyển khoá nhận hiện tại sang ô “khoá nhận cũ”, nhập khoá mới, "
                    "rồi xoá khoá cũ khi hệ thống kia đã dùng khoá mới."
                ),
            },
        ),
        (_("Tình trạng"), {"fields": ("health", "last_contact_at", "last_error", "created_at")}),
    )


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("name", "url", "events", "agency", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "url")
    autocomplete_fields = ("agency",)


@admin.register(Forwarding)
class ForwardingAdmin(admin.ModelAdmin):
    list_display = ("case", "peer", "remote_tracking_code", "remote_status", "forwarded_at")
    list_filter = ("peer", "remote_status")
    search_fields = ("remote_tracking_code", "case__submission__tracking_code")
    raw_id_fields = ("case", "forwarded_by")
    readonly_fields = ("accepted_at", "remote_seq", "omitted_attachments")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "kind",
        "event",
        "url",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "delivered_at",
    )
    list_filter = ("status", "kind", "event", "peer", "subscription")
    search_fields = ("url", "event_id", "last_error")
    readonly_fields = [f.name for f in Delivery._meta.fields]
    actions = ["retry_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Gửi lại ngay"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        done = 0
        for delivery in queryset:
            try:
                delivery_retry_now(delivery=delivery)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{delivery}: {exc.message}", messages.WARNING)
        if done:
            self.message_user(request, _("Đã xếp lịch gửi lại %(n)d yêu cầu.") % {"n": done})


@admin.register(ReceivedEvent)
class ReceivedEventAdmin(admin.ModelAdmin):
    list_display = ("event_id", "peer", "received_at")
    list_filter = ("peer",)
    search_fields = ("event_id",)
    readonly_fields = ("peer", "event_id", "received_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
