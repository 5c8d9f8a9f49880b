"""Citizen accounts on the portal: register, verify email and phone, log in, reset and change
the password (issues #4 and #9)."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.utils import timezone

from pakn.accounts import citizens
from pakn.accounts.models import CodePurpose, PhoneCode, User
from pakn.notifications.accounts import send_password_reset_link
from pakn.notifications.delivery import deliver
from pakn.notifications.models import Notification, NotificationChannel

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Ruộng lúa chín vàng 2026"


def _register_data(**overrides: str) -> dict[str, str]:
    data = {
        "full_name": "Lê Thị Hoa",
        "email": "Hoa.Le@Example.vn",
        "phone": "0912 000 111",
        "password": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def _outbox(template: str) -> Notification:
    return Notification.objects.filter(template=template).latest("pk")


def _link_query(notification: Notification) -> dict[str, str]:
    query = parse_qs(urlparse(notification.link).query)
    return {key: values[0] for key, values in query.items()}


def _sms_code(template: str = "account_verify_phone") -> str:
    match = re.search(r"\b(\d{6})\b", _outbox(template).body_text)
    assert match
    return match.group(1)


def _citizen(**extra: object) -> User:
    values: dict[str, object] = {
        "full_name": "Phạm Văn Nam",
        "email": "nam@example.vn",
        "phone": "0987111222",
        "password": GOOD_PASSWORD,
        "consent": True,
    }
    values.update(extra)
    return citizens.citizen_register(data=citizens.Registration(**values))  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Register


def test_register_page_is_labelled_and_asks_for_decree_13_consent(client):
    html = client.get("/accounts/register/").content.decode()
    for name in ("full_name", "email", "phone", "password", "password2", "consent"):
        assert f'<label for="id_{name}"' in html
    assert "Nghị định 13/2023/NĐ-CP" in html
    assert 'autocomplete="new-password"' in html


def test_register_creates_a_logged_in_unverified_account_with_consent_time(client):
    before = timezone.now()
    response = client.post("/accounts/register/", _register_data())
    assert response.status_code == 302 and response["Location"] == "/accounts/verify/"
    user = User.objects.get(phone="0912000111")
    assert user.email == "hoa.le@example.vn" and user.full_name == "Lê Thị Hoa"
    assert user.data_consent_at is not None and user.data_consent_at >= before
    assert user.email_verified_at is None and user.phone_verified_at is None
    assert user.check_password(GOOD_PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)
    # One email link and one SMS code, in the outbox, to the contacts being proved.
    email = _outbox("account_verify_email")
    assert email.channel == NotificationChannel.EMAIL and email.address == "hoa.le@example.vn"
    assert "/accounts/verify/email/?token=" in email.link
    sms = _outbox("account_verify_phone")
    assert sms.channel == NotificationChannel.SMS and sms.address == "0912000111"


def test_register_with_only_a_phone_is_enough(client):
    response = client.post("/accounts/register/", _register_data(email=""))
    assert response.status_code == 302
    assert User.objects.get(phone="0912000111").email is None
    assert not Notification.objects.filter(template="account_verify_email").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"full_name": "  "}, "full_name", "Vui lòng nhập họ và tên."),
        ({"email": "", "phone": ""}, "email", "Cần email hoặc số điện thoại"),
        ({"email": "hoa@@example"}, "email", "Địa chỉ email không đúng"),
        ({"phone": "12345"}, "phone", "Số điện thoại không đúng"),
        ({"password2": "khác hẳn mật khẩu"}, "password2", "Hai lần nhập mật khẩu không khớp."),
        ({"consent": ""}, "consent", "Cần đồng ý cho xử lý dữ liệu cá nhân"),
        ({"password": "ngan2026", "password2": "ngan2026"}, "password", "cần ít nhất 10 ký tự"),
        (
            {"password": "1234567890123", "password2": "1234567890123"},
            "password",
            "không được chỉ gồm chữ số",
        ),
        (
            {"password": "matkhau123", "password2": "matkhau123"},
            "password",
            "quá phổ biến",
        ),
        (
            {"password": "password1234", "password2": "password1234"},
            "password",
            "quá phổ biến",
        ),
        (
            {"password": "hoa.le@example.vn", "password2": "hoa.le@example.vn"},
            "password",
            "Mật khẩu quá giống",
        ),
    ],
)
def test_bad_registration_keeps_what_was_typed_and_says_what_is_wrong(
    client, overrides, field, message
):
    data = _register_data(**overrides)
    response = client.post("/accounts/register/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert not User.objects.exists()
    assert message in html
    # The error is tied to its input and the first wrong input gets the focus.
    assert re.search(
        rf'<input[^>]*id="id_{field}"[^>]*aria-describedby="[^"]*id_{field}_error', html
    ) or re.search(rf'aria-describedby="[^"]*id_{field}_error[^"]*"[^>]*id="id_{field}"', html)
    assert re.search(rf'<input[^>]*autofocus[^>]*id="id_{field}"', html)
    if field != "full_name":
        assert 'value="Lê Thị Hoa"' in html
    if field not in ("phone",):
        assert 'value="0912 000 111"' in html or data["phone"] == ""
    # Passwords are never sent back to the browser.
    assert GOOD_PASSWORD not in html


def test_duplicate_email_or_phone_gets_a_clear_error_without_details(client):
    other = _citizen(email="hoa.le@example.vn", phone="0900000001")
    response = client.post("/accounts/register/", _register_data(phone="0900 000 002"))
    html = response.content.decode()
    assert "Email này đã được dùng cho một tài khoản" in html
    assert other.full_name not in html
    response = client.post(
        "/accounts/register/", _register_data(email="moi@example.vn", phone="0900000001")
    )
    assert "Số điện thoại này đã được dùng cho một tài khoản" in response.content.decode()
    assert User.objects.count() == 1


def test_honeypot_and_per_address_limit_stop_bots(client):
    response = client.post("/accounts/register/", _register_data(website="http://spam"))
    assert response.status_code == 200 and not User.objects.exists()
    for n in range(5):
        client.logout()
        client.post(
            "/accounts/register/",
            _register_data(email=f"nguoi{n}@example.vn", phone=f"09120001{n:02d}"),
        )
    assert User.objects.count() == 5
    client.logout()
    response = client.post("/accounts/register/", _register_data(email="x@example.vn", phone=""))
    assert "Đã có nhiều tài khoản được tạo từ mạng này" in response.content.decode()
    assert User.objects.count() == 5


# --------------------------------------------------------------------------------------------
# Email link


def test_email_link_verifies_the_address(client):
    client.post("/accounts/register/", _register_data())
    token = _link_query(_outbox("account_verify_email"))["token"]
    client.logout()
    response = client.get("/accounts/verify/email/", {"token": token})
    assert response.status_code == 200
    assert "Đã xác thực email" in response.content.decode()
    assert User.objects.get().email_verified_at is not None


def test_expired_email_link_is_refused(client):
    client.post("/accounts/register/", _register_data())
    token = _link_query(_outbox("account_verify_email"))["token"]
    with time_machine.travel(timezone.now() + timedelta(hours=49)):
        response = client.get("/accounts/verify/email/", {"token": token})
    assert response.status_code == 400
    assert "đã hết hạn" in response.content.decode()
    assert User.objects.get().email_verified_at is None


def test_tampered_email_link_is_refused(client):
    victim = _citizen(email="nan-nhan@example.vn", phone="")
    client.post("/accounts/register/", _register_data())
    token = _link_query(_outbox("account_verify_email"))["token"]
    _payload, rest = token.split(":", 1)
    forged = citizens.signing.b64_encode(
        f'{{"u":{victim.pk},"e":"nan-nhan@example.vn"}}'.encode()
    ).decode()
    for bad in (forged + ":" + rest, token[:-2] + "xx", "rác"):
        response = client.get("/accounts/verify/email/", {"token": bad})
        assert response.status_code == 400
        assert "không đúng hoặc đã bị sửa" in response.content.decode()
    assert not User.objects.filter(email_verified_at__isnull=False).exists()


def test_email_link_stops_working_once_the_address_changes():
    user = _citizen(phone="")
    token = citizens.email_verification_token(user=user)
    User.objects.filter(pk=user.pk).update(email="khac@example.vn")
    with pytest.raises(citizens.ValidationFailed):
        citizens.email_verify(token=token)


# --------------------------------------------------------------------------------------------
# SMS code


def test_sms_code_verifies_the_phone(client):
    client.post("/accounts/register/", _register_data(email=""))
    response = client.post("/accounts/verify/", {"action": "code", "code": _sms_code()})
    assert response.status_code == 302
    assert User.objects.get().phone_verified_at is not None


def test_wrong_sms_codes_are_limited_then_even_the_right_one_fails(client):
    client.post("/accounts/register/", _register_data(email=""))
    code = _sms_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(citizens.CODE_ATTEMPTS - 1):
        response = client.post("/accounts/verify/", {"action": "code", "code": wrong})
        assert "Mã không đúng hoặc đã hết hạn." in response.content.decode()
    response = client.post("/accounts/verify/", {"action": "code", "code": wrong})
    assert "nhập sai quá nhiều lần" in response.content.decode()
    response = client.post("/accounts/verify/", {"action": "code", "code": code})
    assert response.status_code == 200
    assert User.objects.get().phone_verified_at is None
    assert PhoneCode.objects.get().attempts == citizens.CODE_ATTEMPTS


def test_sms_code_expires_and_a_new_code_retires_the_old():
    user = _citizen(email="")
    first = citizens.phone_code_issue(user=user, purpose=CodePurpose.VERIFY_PHONE)
    later = timezone.now() + timedelta(minutes=citizens.CODE_MINUTES + 1)
    with time_machine.travel(later), pytest.raises(citizens.ValidationFailed):
        citizens.phone_verify(user=user, code=first)
    first = citizens.phone_code_issue(user=user, purpose=CodePurpose.VERIFY_PHONE)
    second = citizens.phone_code_issue(user=user, purpose=CodePurpose.VERIFY_PHONE)
    if first != second:
        with pytest.raises(citizens.ValidationFailed):
            citizens.phone_verify(user=user, code=first)
    citizens.phone_verify(user=user, code=second)
    assert user.phone_verified_at is not None
    with pytest.raises(citizens.ValidationFailed):  # a code works once
        citizens.phone_verify(user=user, code=second)


def test_only_the_code_hash_is_stored():
    user = _citizen(email="")
    code = citizens.phone_code_issue(user=user, purpose=CodePurpose.VERIFY_PHONE)
    row = PhoneCode.objects.latest("pk")
    assert code not in row.code_hash and len(row.code_hash) == 64


def test_resending_is_limited_per_contact(client):
    client.post("/accounts/register/", _register_data(email=""))
    for _ in range(5):
        client.post("/accounts/verify/", {"action": "resend_code"})
    # Registration sent one; two more resends fit in the hourly allowance of three.
    assert Notification.objects.filter(template="account_verify_phone").count() == 3


# --------------------------------------------------------------------------------------------
# Log in, log out


@pytest.mark.parametrize("identifier", ["NAM@example.vn", "0987 111 222", "+84987111222"])
def test_citizen_logs_in_by_email_or_phone(client, identifier):
    user = _citizen()
    response = client.post(
        "/accounts/login/", {"identifier": identifier, "password": GOOD_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/submissions/"
    assert client.session["_auth_user_id"] == str(user.pk)
    # Without "remember me" the session ends with the browser.
    assert client.session.get_expire_at_browser_close()


def test_remember_me_keeps_the_session_for_two_weeks(client):
    _citizen()
    client.post(
        "/accounts/login/",
        {"identifier": "nam@example.vn", "password": GOOD_PASSWORD, "remember": "on"},
    )
    assert not client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() == 14 * 24 * 3600


def test_wrong_password_keeps_the_identifier_and_gives_one_vague_error(client):
    _citizen()
    response = client.post("/accounts/login/", {"identifier": "nam@example.vn", "password": "x"})
    html = response.content.decode()
    assert "Email, số điện thoại hoặc mật khẩu không đúng" in html
    assert 'value="nam@example.vn"' in html
    unknown = client.post("/accounts/login/", {"identifier": "ai@example.vn", "password": "x"})
    assert "Email, số điện thoại hoặc mật khẩu không đúng" in unknown.content.decode()


def test_lockout_still_applies_to_citizens(client):
    _citizen()
    for _ in range(5):
        client.post("/accounts/login/", {"identifier": "nam@example.vn", "password": "sai"})
    response = client.post(
        "/accounts/login/", {"identifier": "nam@example.vn", "password": GOOD_PASSWORD}
    )
    assert "tạm khoá 15 phút" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_redirect_stays_on_this_site(client):
    _citizen()
    response = client.post(
        "/accounts/login/?next=https://evil.example/",
        {"identifier": "nam@example.vn", "password": GOOD_PASSWORD},
    )
    assert response["Location"] == "/accounts/submissions/"


def test_logout_is_a_post(client):
    user = _citizen()
    client.force_login(user)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


# --------------------------------------------------------------------------------------------
# Password reset and change


def test_reset_by_email_answers_the_same_whether_or_not_an_account_exists(client):
    _citizen()
    known = client.post("/accounts/reset/", {"identifier": "nam@example.vn"})
    unknown = client.post("/accounts/reset/", {"identifier": "khong-co@example.vn"})
    assert known.status_code == unknown.status_code == 200
    assert _strip_csrf(known) == _strip_csrf(unknown)
    assert Notification.objects.filter(template="password_reset").count() == 1


def _strip_csrf(response) -> str:
    return re.sub(r'value="[^"]{32,}"', "", response.content.decode())


def test_reset_by_phone_answers_the_same_whether_or_not_an_account_exists(client):
    _citizen()
    known = client.post("/accounts/reset/", {"identifier": "0987 111 222"})
    unknown = client.post("/accounts/reset/", {"identifier": "0987 999 999"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/accounts/reset/code/"
    assert Notification.objects.filter(template="password_reset_code").count() == 1
    # A wrong code looks the same for a number with or without an account.
    response = client.post(
        "/accounts/reset/code/",
        {"code": "123456", "password": "Một mật khẩu mới dài", "password2": "Một mật khẩu mới dài"},
    )
    assert "Mã không đúng hoặc đã hết hạn." in response.content.decode()


def test_reset_by_email_link_sets_a_new_password_under_the_policy(client):
    user = _citizen()
    client.post("/accounts/reset/", {"identifier": "nam@example.vn"})
    params = _link_query(_outbox("password_reset"))
    assert client.get("/accounts/reset/confirm/", params).status_code == 200
    weak = client.post(
        "/accounts/reset/confirm/",
        {**params, "password": "12345678901", "password2": "12345678901"},
    )
    assert "không được chỉ gồm chữ số" in weak.content.decode()
    new = "Cầu Kỳ Lừa mùa xuân"
    response = client.post(
        "/accounts/reset/confirm/", {**params, "password": new, "password2": new}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    assert user.email_verified_at is not None  # the link proved the address
    # The link works once: the new password invalidates the token.
    assert client.get("/accounts/reset/confirm/", params).status_code == 400


def test_reset_by_sms_code_sets_a_new_password(client):
    user = _citizen()
    client.post("/accounts/reset/", {"identifier": "0987111222"})
    new = "Đồng Đăng biên giới xanh"
    response = client.post(
        "/accounts/reset/code/",
        {"code": _sms_code("password_reset_code"), "password": new, "password2": new},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new) and user.phone_verified_at is not None


def test_tampered_reset_link_is_refused(client):
    _citizen()
    client.post("/accounts/reset/", {"identifier": "nam@example.vn"})
    params = _link_query(_outbox("password_reset"))
    params["token"] = params["token"][:-3] + "abc"
    assert client.get("/accounts/reset/confirm/", params).status_code == 400


def test_change_password_checks_the_old_one_and_the_policy(client):
    user = _citizen()
    client.force_login(user)
    wrong = client.post(
        "/accounts/password/",
        {
            "old_password": "sai",
            "password": "Lạng Sơn mùa hoa đào",
            "password2": "Lạng Sơn mùa hoa đào",
        },
    )
    assert "Mật khẩu hiện tại không đúng." in wrong.content.decode()
    weak = client.post(
        "/accounts/password/",
        {"old_password": GOOD_PASSWORD, "password": "matkhau123", "password2": "matkhau123"},
    )
    assert "quá phổ biến" in weak.content.decode()
    ok = client.post(
        "/accounts/password/",
        {
            "old_password": GOOD_PASSWORD,
            "password": "Lạng Sơn mùa hoa đào",
            "password2": "Lạng Sơn mùa hoa đào",
        },
    )
    assert ok.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Lạng Sơn mùa hoa đào")
    # Still logged in after the change.
    assert client.get("/accounts/submissions/").status_code == 200


def test_failed_logins_are_limited_per_client_address_across_identifiers(client):
    _citizen()
    for n in range(30):
        client.post("/accounts/login/", {"identifier": f"ai{n}@example.vn", "password": "sai"})
    response = client.post(
        "/accounts/login/", {"identifier": "nam@example.vn", "password": GOOD_PASSWORD}
    )
    assert "Bạn đã thử quá nhiều lần" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_reset_requests_are_limited_per_client_address(client):
    _citizen()
    for n in range(10):
        client.post("/accounts/reset/", {"identifier": f"ai{n}@example.vn"})
    response = client.post("/accounts/reset/", {"identifier": "nam@example.vn"})
    assert "Bạn đã thử quá nhiều lần" in response.content.decode()
    assert not Notification.objects.filter(template="password_reset").exists()


def test_security_messages_go_out_whatever_the_notification_preferences(client):
    user = _citizen()
    User.objects.filter(pk=user.pk).update(notify_email=False, notify_sms=False)
    client.post("/accounts/reset/", {"identifier": "nam@example.vn"})
    client.post("/accounts/reset/", {"identifier": "0987111222"})
    assert Notification.objects.filter(template="password_reset", address="nam@example.vn").exists()
    assert Notification.objects.filter(
        template="password_reset_code", address="0987111222"
    ).exists()


def test_sent_reset_link_leaves_no_usable_token_in_the_outbox():
    user = _citizen()
    (notification,) = send_password_reset_link(user=user)
    deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.status == "sent"
    assert citizens.password_reset_params(user=user)["token"] not in (
        notification.link + notification.body_text + notification.body_html
    )


def test_lockout_counts_every_spelling_of_a_phone_number_together(client):
    _citizen()
    for spelling in (
        "0987111222",
        "0987 111 222",
        "+84987111222",
        "84 987 111 222",
        "0987.111.222",
    ):
        client.post("/accounts/login/", {"identifier": spelling, "password": "sai"})
    response = client.post(
        "/accounts/login/", {"identifier": "+84 987 111 222", "password": GOOD_PASSWORD}
    )
    assert "tạm khoá 15 phút" in response.content.decode()
