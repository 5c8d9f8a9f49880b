from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from pakn.core.phones import normalize_phone

from . import lockout
from .models import User

LOCKED_MESSAGE = "Đăng nhập sai quá nhiều lần; tài khoản tạm khoá 15 phút."


class EmailPhoneUsernameBackend(ModelBackend):
    """Log in with a username, an email address or a phone number, and a password."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        identifier = username.strip()
        if lockout.is_locked(identifier):
            # Stops every backend: the login form says the account is locked for a while.
            raise PermissionDenied(LOCKED_MESSAGE)
        user = self._find(identifier)
        if user is None:
            User().set_password(password)  # same cost as a real check: no timing oracle
            lockout.record_failure(identifier)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            lockout.clear(identifier)
            return user
        lockout.record_failure(identifier)
        return None

    @staticmethod
    def _find(identifier: str) -> User | None:
        if "@" in identifier:
            return User.objects.filter(email__iexact=identifier).first()
        phone = normalize_phone(identifier)
        if phone:
            found = User.objects.filter(phone=phone).first()
            if found:
                return found
        return User.objects.filter(username=identifier).first()
