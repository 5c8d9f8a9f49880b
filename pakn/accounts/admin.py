from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Agency, ApiToken, Membership, PartnerKey, PartnerScope, TOTPDevice, User
from .partner_keys import partner_key_issue, partner_key_revoke


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "email", "phone", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active", "is_intermediary"]
    search_fields = ["username", "full_name", "email", "phone"]
    ordering = ["username"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cá nhân"), {"fields": ("full_name", "email", "phone", "language")}),
        (
            _("Thông báo"),
            {"fields": ("notify_email", "notify_sms", "notify_in_app", "email_verified_at")},
        ),
        (
            # Granting "gửi hộ" is an admin decision: the intermediary vouches for people's consent.
            _("Tài khoản người dân, gửi hộ"),
            {
                "fields": (
                    "phone_verified_at",
                    "data_consent_at",
                    "is_intermediary",
                    "intermediary_organisation",
                )
            },
        ),
        (
            _("Quyền"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Thời điểm"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "email", "phone", "password1", "password2"),
            },
        ),
    )


class ChildAgencyInline(admin.TabularInline):
    model = Agency
    fk_name = "parent"
    fields = ["code", "name", "level", "is_active"]
    extra = 0
    show_change_link = True


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["indented_name", "code", "level", "unit", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["name", "short_name", "code"]
    autocomplete_fields = ["parent", "unit", "areas"]
    filter_horizontal = ["fields"]
    list_select_related = ["unit"]
    inlines = [ChildAgencyInline]

    @admin.display(description=_("tên"), ordering="path")
    def indented_name(self, obj: Agency) -> str:
        return "— " * (obj.depth - 1) + obj.name


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "role", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__full_name", "agency__name"]
    autocomplete_fields = ["user", "agency"]
    list_select_related = ["user", "agency"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "scopes", "created_at", "expires_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__username", "name", "prefix"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    autocomplete_fields = ["user"]


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "confirmed_at"]
    search_fields = ["user__username"]
    readonly_fields = ["user", "confirmed_at"]

    def has_add_permission(self, request: Any) -> bool:
        return False  # enrolled by the officer, who scans the secret in their own app


class PartnerKeyForm(forms.ModelForm):
    """Scopes as check boxes; on creation a validity in days instead of a date."""

    scope_list = forms.MultipleChoiceField(
        label=_("phạm vi"),
        choices=PartnerScope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[PartnerScope.OPEN311_WRITE],
    )
    days = forms.IntegerField(
        label=_("hiệu lực (ngày)"),
        min_value=0,
        initial=365,
        required=False,
        help_text=_("0 hoặc để trống: không hết hạn."),
    )

    class Meta:
        model = PartnerKey
        fields = ["name", "agency", "expires_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["scope_list"].initial = self.instance.scopes.split()


@admin.register(PartnerKey)
class PartnerKeyAdmin(admin.ModelAdmin):
    """Issuing shows the raw key once, on the page that answers the form, never again; a key
    is revoked rather than deleted so the submissions it brought keep a known source."""

    form = PartnerKeyForm
    list_display = [
        "name",
        "prefix",
        "scopes",
        "agency",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix"]
    readonly_fields = ["prefix", "created_at", "revoked_at", "last_used_at"]
    autocomplete_fields = ["agency"]
    actions = ["revoke"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["name", "scope_list", "agency", "days"]
        return ["name", "prefix", "scope_list", "agency", "expires_at", *self.readonly_fields[1:]]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: PartnerKey, form: Any, change: bool) -> None:
        scopes = form.cleaned_data["scope_list"]
        if change:
            obj.scopes = " ".join(scopes)
            obj.save()
            return
        days = form.cleaned_data.get("days") or 0
        expires = timezone.now() + timedelta(days=days) if days > 0 else None
        key, raw = partner_key_issue(
            name=obj.name, scopes=scopes, agency=obj.agency, expires_at=expires
        )
        # The admin goes on with ``obj`` (change log, redirect): make it the issued key.
        for field in PartnerKey._meta.concrete_fields:
            setattr(obj, field.attname, getattr(key, field.attname))
        request._partner_key_raw = raw  # type: ignore[attr-defined]

    def response_add(
        self, request: HttpRequest, obj: PartnerKey, post_url_continue: str | None = None
    ) -> HttpResponse:
        raw = getattr(request, "_partner_key_raw", None)
        if raw is None:
            return super().response_add(request, obj, post_url_continue)
        key = PartnerKey.objects.get(pk=obj.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "key": key,
            "raw_key": raw,
            "title": _("Khóa API mới"),
        }
        # Admin views are never_cache (no-store): the page with the key is not kept anywhere.
        return TemplateResponse(request, "admin/accounts/partnerkey/issued.html", context)

    @admin.action(description=_("Thu hồi các khóa đã chọn"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[PartnerKey]) -> None:
        keys = list(queryset.filter(revoked_at__isnull=True))
        for key in keys:
            partner_key_revoke(key=key)
        self.message_user(request, _("Đã thu hồi %(n)d khóa.") % {"n": len(keys)}, messages.SUCCESS)
