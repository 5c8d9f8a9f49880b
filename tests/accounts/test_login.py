from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.cache import cache

from pakn.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def person():
    return User.objects.create_user(
        "nguoi-dan", "mật-khẩu-an-toàn-2026", email="Dan@Example.vn", phone="0912345678"
    )


@pytest.mark.parametrize(
    "identifier", ["nguoi-dan", "dan@example.vn", "0912 345 678", "+84912345678"]
)
def test_login_by_username_email_or_phone(person, identifier):
    assert authenticate(username=identifier, password="mật-khẩu-an-toàn-2026") == person


def test_wrong_password_is_refused(person):
    assert authenticate(username="nguoi-dan", password="sai") is None


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(person):
    for _ in range(5):
        assert authenticate(username="nguoi-dan", password="sai") is None
    assert authenticate(username="nguoi-dan", password="mật-khẩu-an-toàn-2026") is None
    cache.clear()  # the lock expires
    assert authenticate(username="nguoi-dan", password="mật-khẩu-an-toàn-2026") == person


def test_success_resets_the_failure_count(person):
    for _ in range(4):
        authenticate(username="nguoi-dan", password="sai")
    assert authenticate(username="nguoi-dan", password="mật-khẩu-an-toàn-2026") == person
    for _ in range(4):
        authenticate(username="nguoi-dan", password="sai")
    assert authenticate(username="nguoi-dan", password="mật-khẩu-an-toàn-2026") == person
