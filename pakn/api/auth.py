"""Officers authenticate with a personal access token: ``Authorization: Bearer pakn_…``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from pakn.accounts.models import ApiToken, User
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
    return token.user
