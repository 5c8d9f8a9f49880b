from __future__ import annotations

from datetime import datetime

from pakn.core.tracking import generate_access_token, hash_token

from .models import ApiToken, User


def api_token_issue(
    *, user: User, name: str = "CLI", scopes: str = "read write", expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a personal access token; the raw value is returned once and never stored."""
    raw = ApiToken.TOKEN_PREFIX + generate_access_token()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        token_hash=hash_token(raw),
        prefix=raw[: len(ApiToken.TOKEN_PREFIX) + 6],
        scopes=scopes,
        expires_at=expires_at,
    )
    return token, raw
