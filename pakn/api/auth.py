"""Officers authenticate with a personal access token: ``Authorization: Bearer pakn_…``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from pakn.accounts.models import ApiToken, User
from pakn.accounts.roles import role_map
from pakn.accounts.tokens import api_token_touch

from .errors import ApiError


class OfficerToken(HttpBearer):
    """A usable (not revoked, not expired) token of an active user holding ``scope``."""

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = ApiToken.lookup(token.strip())
        if api_token is None or not api_token.user.is_active:
            return None
        api_token_touch(token=api_token)
        if self.scope not in api_token.scopes.split():
            raise ApiError(
                403,
                "forbidden",
                f"Mã truy cập API này không có quyền “{self.scope}”.",
            )
        return api_token


read_scope = OfficerToken("read")
write_scope = OfficerToken("write")


def officer(request: HttpRequest) -> User:
    """The user behind the token that authenticated this request."""
    token: Any = getattr(request, "auth", None)
    if not isinstance(token, ApiToken):
        raise ApiError(401, "unauthorized", "Cần mã truy cập API.")
    # A token of someone who holds no role in any agency opens no officer endpoint (the role map
    # is cached on the user, so the case queries that follow reuse it).
    if not role_map(token.user).is_officer:
        raise ApiError(403, "not_an_officer", "Tài khoản này không phải cán bộ của cơ quan nào.")
    return token.user
