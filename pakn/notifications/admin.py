from __future__ import annotations

from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "template",
        "channel",
        "address",
        "recipient",
        "status",
        "attempts",
        "created_at",
    ]
    list_filter = ["channel", "status", "template"]
    search_fields = ["address", "subject"]
    raw_id_fields = ["recipient"]
