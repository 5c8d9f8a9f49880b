"""The password policy (issue #9): Django's validators with Vietnamese messages.

Configured in ``AUTH_PASSWORD_VALIDATORS`` and applied wherever a password is chosen: citizen
registration, password reset (email link or SMS code) and password change.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation as django_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Vietnamese favourites the English-language list does not know; compared lowercased.
VIETNAMESE_COMMON = frozenset(
    {
        "matkhau",
        "matkhau123",
        "matkhau1234",
        "matkhau12345",
        "matkhaumoi",
        "anhyeuem",
        "anhyeuem123",
        "emyeuanh",
        "emyeuanh123",
        "vietnam",
        "vietnam123",
        "vietnam1234",
        "vietnamvodich",
        "hanoi123",
        "saigon123",
        "123456789a",
        "a123456789",
        "1234567890a",
        "0123456789",
        "qwertyuiop",
        "abc123456",
        "abcd123456",
    }
)


class MinimumLengthValidator(django_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return ngettext(
            "Mật khẩu quá ngắn: cần ít nhất %(n)d ký tự.",
            "Mật khẩu quá ngắn: cần ít nhất %(n)d ký tự.",
            self.min_length,
        ) % {"n": self.min_length}

    def get_help_text(self) -> str:
        return ngettext("Ít nhất %(n)d ký tự.", "Ít nhất %(n)d ký tự.", self.min_length) % {
            "n": self.min_length
        }


class UserAttributeSimilarityValidator(django_validation.UserAttributeSimilarityValidator):
    def get_error_message(self) -> str:
        return _("Mật khẩu quá giống %(verbose_name)s của bạn.")

    def get_help_text(self) -> str:
        return _("Không quá giống họ tên, email hay số điện thoại của bạn.")


class CommonPasswordValidator(django_validation.CommonPasswordValidator):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.passwords |= VIETNAMESE_COMMON

    def get_error_message(self) -> str:
        return _("Mật khẩu này quá phổ biến, dễ bị đoán ra. Vui lòng chọn mật khẩu khác.")

    def get_help_text(self) -> str:
        return _("Không dùng mật khẩu phổ biến như “matkhau123”.")

    def validate(self, password: str, user: Any = None) -> None:
        # "Matkhau 123" is as weak as "matkhau123": spaces do not make it less common.
        super().validate(password, user)
        if "".join(password.lower().split()) in self.passwords:
            raise ValidationError(self.get_error_message(), code="password_too_common")


class NumericPasswordValidator(django_validation.NumericPasswordValidator):
    def get_error_message(self) -> str:
        return _("Mật khẩu không được chỉ gồm chữ số.")

    def get_help_text(self) -> str:
        return _("Không chỉ gồm chữ số.")
