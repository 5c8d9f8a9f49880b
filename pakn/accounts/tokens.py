from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

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


TOUCH_EVERY = timedelta(minutes=5)


def api_token_touch(*, token: ApiToken) -> None:
    """Record that a token was used, at most one write per token every few minutes."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_EVERY:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOUCH_EVERY)
    ).update(last_used_at=now)
    token.last_used_at = now
