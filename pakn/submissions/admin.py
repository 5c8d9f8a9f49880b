from __future__ import annotations

from django.contrib import admin

from .models import Attachment, Submission


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["original_name", "content_type", "size", "purpose", "file"]
    readonly_fields = ["original_name", "content_type", "size", "purpose", "file"]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["tracking_code", "title", "kind", "field", "channel", "created_at"]
    list_filter = ["kind", "channel", "field", "is_anonymous"]
    search_fields = ["tracking_code", "title", "search_text", "submitter_phone", "submitter_email"]
    date_hierarchy = "created_at"
    list_select_related = ["field"]
    raw_id_fields = ["province", "commune", "account", "intermediary"]
    readonly_fields = ["tracking_code", "created_at"]
    inlines = [AttachmentInline]
