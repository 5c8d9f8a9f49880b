"""Partner API keys: only a hash is stored, and a revoked, expired or out-of-scope key is refused."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from pakn.accounts.models import PartnerKey, PartnerScope, User
from pakn.accounts.partner_keys import (
    KeyRefused,
    partner_key_authenticate,
    partner_key_issue,
    partner_key_revoke,
)
from pakn.core.errors import ValidationFailed
from pakn.core.tracking import hash_token
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def test_only_the_hash_is_stored_and_the_prefix_identifies_the_key():
    key, raw = partner_key_issue(name="Cổng dịch vụ công <b>tỉnh</b>")
    assert raw.startswith(PartnerKey.KEY_PREFIX) and len(raw) > 40
    stored = PartnerKey.objects.get(pk=key.pk)
    assert stored.key_hash == hash_token(raw)
    assert raw not in " ".join(str(getattr(stored, f.attname)) for f in PartnerKey._meta.fields)
    assert raw.startswith(stored.prefix) and len(stored.prefix) == PartnerKey.PREFIX_LENGTH
    assert stored.source_label.endswith(f"[{stored.prefix}]")


def test_two_keys_never_share_a_value():
    _a, raw_a = partner_key_issue(name="A")
    _b, raw_b = partner_key_issue(name="A")
    assert raw_a != raw_b


def test_a_usable_key_with_the_scope_authenticates():
    key, raw = partner_key_issue(name="Đối tác", scopes=["open311:write", "cases:read"])
    assert partner_key_authenticate(raw=raw, scope="cases:read") == key
    assert partner_key_authenticate(raw=f"  {raw}\n", scope="open311:write") == key


def test_a_key_without_the_scope_is_refused():
    _key, raw = partner_key_issue(name="Đối tác", scopes=[PartnerScope.SUBMISSIONS_WRITE])
    with pytest.raises(KeyRefused, match="không có quyền “open311:write”"):
        partner_key_authenticate(raw=raw, scope=PartnerScope.OPEN311_WRITE)


def test_a_revoked_key_is_refused_and_revoking_again_keeps_the_first_time():
    key, raw = partner_key_issue(name="Đối tác")
    partner_key_revoke(key=key)
    first = key.revoked_at
    assert first is not None
    partner_key_revoke(key=key)
    assert key.revoked_at == first
    with pytest.raises(KeyRefused, match="thu hồi") as refused:
        partner_key_authenticate(raw=raw, scope=PartnerScope.OPEN311_WRITE)
    assert refused.value.http_status == 403
    assert not PartnerKey.objects.usable().filter(pk=key.pk).exists()


def test_a_key_stops_working_when_it_expires():
    with time_machine.travel("2026-12-01T08:00:00+07:00", tick=False):
        key, raw = partner_key_issue(name="Đối tác", expires_at=timezone.now() + timedelta(days=30))
    with time_machine.travel("2026-12-30T08:00:00+07:00", tick=False):
        assert partner_key_authenticate(raw=raw, scope=PartnerScope.OPEN311_WRITE) == key
    with time_machine.travel("2026-12-31T08:00:01+07:00", tick=False):
        with pytest.raises(KeyRefused, match="hết hạn"):
            partner_key_authenticate(raw=raw, scope=PartnerScope.OPEN311_WRITE)
        assert not PartnerKey.objects.usable().exists()


@pytest.mark.parametrize("raw", ["", "   ", "pakn_pk_sai", "x" * 500])
def test_missing_or_unknown_keys_are_refused(raw):
    partner_key_issue(name="Đối tác")
    with pytest.raises(KeyRefused):
        partner_key_authenticate(raw=raw, scope=PartnerScope.OPEN311_WRITE)


def test_use_is_recorded_at_most_every_few_minutes(django_assert_num_queries):
    key, raw = partner_key_issue(name="Đối tác")
    partner_key_authenticate(raw=raw, scope=PartnerScope.OPEN311_WRITE)
    key.refresh_from_db()
    assert key.last_used_at is not None
    with django_assert_num_queries(1):  # the look-up only, no write
        partner_key_authenticate(raw=raw, scope=PartnerScope.OPEN311_WRITE)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "A", "scopes": ["admin:all"]}, "scopes"),
        ({"name": "A", "scopes": []}, "scopes"),
        ({"name": "A", "expires_at": timezone.now() - timedelta(days=1)}, "expires_at"),
    ],
)
def test_issuing_checks_name_scopes_and_expiry(kwargs, field):
    with pytest.raises(ValidationFailed) as failed:
        partner_key_issue(**kwargs)
    assert field in failed.value.fields
    assert not PartnerKey.objects.exists()


def test_issue_api_key_command_prints_the_key_once():
    agency = AgencyFactory(code="ls-ubnd")
    out = StringIO()
    call_command(
        "issue_api_key",
        "Ứng dụng Công dân số",
        "--scopes",
        "open311:write",
        "submissions:write",
        "--days",
        "30",
        "--agency",
        "ls-ubnd",
        stdout=out,
    )
    raw = out.getvalue().strip()
    key = PartnerKey.objects.get()
    assert key.key_hash == hash_token(raw)
    assert key.scopes == "open311:write submissions:write"
    assert key.agency == agency
    assert timedelta(days=29) < key.expires_at - timezone.now() <= timedelta(days=30)


def test_issue_api_key_command_refuses_unknown_scope_and_agency():
    with pytest.raises(CommandError, match="Phạm vi không tồn tại"):
        call_command("issue_api_key", "A", "--scopes", "root", stdout=StringIO())
    with pytest.raises(CommandError, match="Không có cơ quan"):
        call_command("issue_api_key", "A", "--agency", "khong-co", stdout=StringIO())
    assert not PartnerKey.objects.exists()


def test_issue_api_key_with_zero_days_never_expires():
    call_command("issue_api_key", "A", "--days", "0", stdout=StringIO())
    assert PartnerKey.objects.get().expires_at is None


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser("root-admin", "mật-khẩu-an-toàn-2026", email="a@x.vn")
    client.force_login(user)
    return client


def test_admin_shows_a_new_key_once_and_stores_its_hash(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_partnerkey_add"),
        {"name": "Cổng Xứ Lạng", "scope_list": ["open311:write", "cases:read"], "days": "10"},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    raw = response.context["raw_key"]
    assert raw in response.content.decode()
    assert "chỉ hiển thị một lần" in response.content.decode()
    key = PartnerKey.objects.get()
    assert key.key_hash == hash_token(raw)
    assert key.scopes == "open311:write cases:read"
    assert key.expires_at is not None
    change = admin_client.get(reverse("admin:accounts_partnerkey_change", args=[key.pk]))
    assert raw not in change.content.decode()


def test_admin_revoke_action(admin_client):
    key, raw = partner_key_issue(name="Đối tác")
    response = admin_client.post(
        reverse("admin:accounts_partnerkey_changelist"),
        {"action": "revoke", "_selected_action": [key.pk]},
        follow=True,
    )
    assert "Đã thu hồi 1 khóa." in response.content.decode()
    with pytest.raises(KeyRefused):
        partner_key_authenticate(raw=raw, scope=PartnerScope.OPEN311_WRITE)


def test_admin_never_deletes_a_key(admin_client):
    key, _raw = partner_key_issue(name="Đối tác")
    response = admin_client.get(reverse("admin:accounts_partnerkey_delete", args=[key.pk]))
    assert response.status_code == 403
