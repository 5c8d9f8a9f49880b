"""Forms of the citizen account pages. They parse and render; ``pakn.accounts.citizens``
decides what is valid and its Vietnamese messages are attached back to the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from pakn.accounts import lockout
from pakn.accounts.backends import LOCKED_MESSAGE
from pakn.accounts.models import User
from pakn.notifications import preferences

from .forms import PortalForm

PASSWORD_HELP = _(
    "Ít nhất 10 ký tự; không chỉ gồm chữ số, không quá giống tên, email hay số điện thoại, "
    "không dùng mật khẩu phổ biến. Một câu ngắn dễ nhớ là mật khẩu tốt."
)


def _password(label: Any, autocomplete: str, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        required=False,
        help_text=help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class RegisterForm(PortalForm):
    short_labels = {"consent": _("Đồng ý xử lý dữ liệu cá nhân")}

    full_name = forms.CharField(
        label=_("Họ và tên"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.CharField(
        label=_("Email"),
        max_length=254,
        required=False,
        help_text=_("Cần email hoặc số điện thoại (ít nhất một) để đăng nhập và nhận thông báo."),
        widget=forms.TextInput(
            attrs={"type": "email", "autocomplete": "email", "inputmode": "email"}
        ),
    )
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    password = _password(_("Mật khẩu"), "new-password", PASSWORD_HELP)
    password2 = _password(_("Nhập lại mật khẩu"), "new-password")
    consent = forms.BooleanField(
        label=_(
            "Tôi đồng ý để hệ thống xử lý dữ liệu cá nhân của tôi (họ tên, email, số điện thoại) "
            "nhằm quản lý tài khoản và giải quyết phản ánh, kiến nghị, theo Nghị định "
            "13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân."
        ),
        required=False,
    )
    website = forms.CharField(
        label=_("Để trống ô này"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    @property
    def honeypot_filled(self) -> bool:
        return bool(str(self.data.get("website", "")).strip())

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("Hai lần nhập mật khẩu không khớp."))
        return data


class LoginForm(PortalForm):
    identifier = forms.CharField(
        label=_("Email hoặc số điện thoại"),
        max_length=254,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = _password(_("Mật khẩu"), "current-password")
    remember = forms.BooleanField(
        label=_("Ghi nhớ đăng nhập trên thiết bị này (2 tuần)"),
        required=False,
        help_text=_("Không chọn nếu đây là máy dùng chung."),
    )

    def __init__(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.user: User | None = None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        identifier = (data.get("identifier") or "").strip()
        password = data.get("password") or ""
        if not identifier:
            self.add_error("identifier", _("Vui lòng nhập email hoặc số điện thoại."))
        if not password:
            self.add_error("password", _("Vui lòng nhập mật khẩu."))
        if self.errors:
            return data
        if lockout.is_locked(identifier):
            raise forms.ValidationError(LOCKED_MESSAGE, code="locked")
        user = authenticate(self.request, username=identifier, password=password)
        if not isinstance(user, User):
            raise forms.ValidationError(
                _(
                    "Email, số điện thoại hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt "
                    "chữ hoa, chữ thường."
                ),
                code="invalid_login",
            )
        self.user = user
        return data


class CodeForm(PortalForm):
    code = forms.CharField(
        label=_("Mã 6 chữ số trong tin nhắn"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class ResetRequestForm(PortalForm):
    identifier = forms.CharField(
        label=_("Email hoặc số điện thoại của tài khoản"),
        max_length=254,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )


class NewPasswordForm(PortalForm):
    password = _password(_("Mật khẩu mới"), "new-password", PASSWORD_HELP)
    password2 = _password(_("Nhập lại mật khẩu mới"), "new-password")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("password"):
            self.add_error("password", _("Vui lòng nhập mật khẩu mới."))
        elif data.get("password") != data.get("password2"):
            self.add_error("password2", _("Hai lần nhập mật khẩu không khớp."))
        return data


class ResetByCodeForm(NewPasswordForm):
    code = forms.CharField(
        label=_("Mã 6 chữ số trong tin nhắn"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    field_order = ["code", "password", "password2"]


class ChangePasswordForm(NewPasswordForm):
    old_password = _password(_("Mật khẩu hiện tại"), "current-password")
    field_order = ["old_password", "password", "password2"]


class PreferencesForm(PortalForm):
    """Each channel on or off, then each event per channel (a table of checkboxes)."""

    notify_email = forms.BooleanField(label=_("Email"), required=False)
    notify_sms = forms.BooleanField(label=_("Tin nhắn SMS"), required=False)
    notify_in_app = forms.BooleanField(label=_("Trong trang “Phản ánh của tôi”"), required=False)

    def __init__(self, *args: Any, muted: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        off = set(muted or ())
        for event, event_label in preferences.CITIZEN_EVENTS:
            for channel, channel_label in preferences.CHANNELS:
                name = f"ev__{event}__{channel}"
                self.fields[name] = forms.BooleanField(
                    label=f"{event_label} — {channel_label}",
                    required=False,
                    initial=preferences.key(event, channel) not in off,
                )

    def event_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "label": label,
                "fields": [
                    self[f"ev__{event}__{channel}"] for channel, _label in preferences.CHANNELS
                ],
            }
            for event, label in preferences.CITIZEN_EVENTS
        ]

    def muted(self) -> list[str]:
        return [
            preferences.key(event, channel)
            for event, _label in preferences.CITIZEN_EVENTS
            for channel, _label in preferences.CHANNELS
            if not self.cleaned_data.get(f"ev__{event}__{channel}")
        ]
