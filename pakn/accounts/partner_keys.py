"""Partner API keys: issue (raw key returned once), authenticate with a scope, revoke."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pakn.core.errors import PermissionDenied, ValidationFailed
from pakn.core.tracking import hash_token

from .models import Agency, PartnerKey, PartnerScope

TOUCH_EVERY = timedelta(minutes=5)


class KeyRefused(PermissionDenied):
    """The key is missing, unknown, revoked, expired or lacks the scope (always 403)."""


def partner_key_issue(
    *,
    name: str,
    scopes: Iterable[str] = (PartnerScope.OPEN311_WRITE,),
    agency: Agency | None = None,
    expires_at: datetime | None = None,
) -> tuple[PartnerKey, str]:
    """Create a key; the raw value is returned once and only its hash is stored."""
    name = " ".join(name.split())
    wanted = list(dict.fromkeys(str(scope) for scope in scopes))
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Vui lòng nhập tên hệ thống đối tác."
    elif len(name) > 100:
        errors["name"] = "Tên hệ thống đối tác dài quá 100 ký tự."
    unknown = [scope for scope in wanted if scope not in PartnerScope.values]
    if unknown:
        errors["scopes"] = (
            f"Phạm vi không tồn tại: {', '.join(unknown)}. "
            f"Các phạm vi có: {', '.join(PartnerScope.values)}."
        )
    elif not wanted:
        errors["scopes"] = "Cần ít nhất một phạm vi."
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = "Thời điểm hết hạn phải ở tương lai."
    if errors:
        raise ValidationFailed(
            _("Khóa API chưa hợp lệ: ") + " ".join(errors.values()), fields=errors
        )
    raw = PartnerKey.KEY_PREFIX + secrets.token_urlsafe(32)
    key = PartnerKey.objects.create(
        name=name,
        key_hash=hash_token(raw),
        prefix=raw[: PartnerKey.PREFIX_LENGTH],
        scopes=" ".join(wanted),
        agency=agency,
        expires_at=expires_at,
    )
    return key, raw


def partner_key_revoke(*, key: PartnerKey) -> PartnerKey:
    """Revoke at once; revoking twice keeps the first time."""
    now = timezone.now()
    PartnerKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=now)
    key.refresh_from_db(fields=["revoked_at"])
    return key


def partner_key_authenticate(*, raw: str, scope: str) -> PartnerKey:
    """The usable key behind ``raw`` holding ``scope``; raises :class:`KeyRefused` with a
    Vietnamese reason otherwise. A revoked or expired key is told apart from an unknown one
    only for whoever already holds it, which helps a partner fix its configuration."""
    raw = (raw or "").strip()
    if not raw:
        raise KeyRefused("Thiếu khóa API (tham số api_key).")
    key = PartnerKey.objects.filter(key_hash=hash_token(raw)).first()
    now = timezone.now()
    if key is None:
        raise KeyRefused("Khóa API không hợp lệ.")
    if key.revoked_at is not None:
        raise KeyRefused("Khóa API đã bị thu hồi.")
    if key.expires_at is not None and key.expires_at <= now:
        raise KeyRefused("Khóa API đã hết hạn.")
    if not key.has_scope(scope):
        raise KeyRefused(f"Khóa API này không có quyền “{scope}”.")
    _touch(key, now)
    return key


def _touch(key: PartnerKey, now: datetime) -> None:
    """Record use at most one write per key every few minutes."""
    if key.last_used_at is not None and now - key.last_used_at < TOUCH_EVERY:
        return
    PartnerKey.objects.filter(pk=key.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOUCH_EVERY)
    ).update(last_used_at=now)
    key.last_used_at = now
