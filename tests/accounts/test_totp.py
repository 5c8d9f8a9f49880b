from __future__ import annotations

import base64
import time

import pytest

from pakn.accounts.models import TOTPDevice, User
from pakn.accounts.totp import code_at, current_step, matching_step, new_secret, provisioning_uri

RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()


@pytest.mark.parametrize(
    "unix_time,expected",
    [(59, "287082"), (1111111109, "081804"), (1234567890, "005924"), (2000000000, "279037")],
)
def test_rfc_6238_vectors(unix_time, expected):
    # RFC 6238 appendix B, SHA-1, truncated to 6 digits.
    assert code_at(RFC_SECRET, current_step(unix_time)) == expected


def test_clock_drift_of_one_step_is_accepted_not_more():
    secret = new_secret()
    now = time.time()
    previous = code_at(secret, current_step(now) - 1)
    older = code_at(secret, current_step(now) - 3)
    assert matching_step(secret, previous, now=now) == current_step(now) - 1
    assert matching_step(secret, older, now=now) is None
    assert matching_step(secret, "12ab56", now=now) is None


def test_provisioning_uri_for_authenticator_apps():
    uri = provisioning_uri("ABC", "ls-ubnd.admin")
    assert uri.startswith("otpauth://totp/PAKN:ls-ubnd.admin?secret=ABC")


@pytest.mark.django_db
def test_device_refuses_a_replayed_code():
    user = User.objects.create_user("can-bo-2fa", "mật-khẩu-an-toàn-2026")
    device = TOTPDevice.objects.create(user=user, secret=new_secret())
    code = code_at(device.secret, current_step())
    assert device.verify(code) is True
    assert TOTPDevice.objects.get(pk=device.pk).verify(code) is False
