"""Citizen accounts: registration, proof of an email or phone, password reset and change.

These services own the account rows and the secrets (signed links, SMS codes); sending the
messages is the notifications app's job (``pakn.notifications.accounts``), which sits above this
layer. A citizen logs in with the email or phone they registered (``backends.py``), with the
same lockout as officers.

Secrets: the email link is signed with the site key and carries the address it proves, so it
stops working once the address changes; the SMS code is stored as an HMAC, lives
``CODE_MINUTES`` and dies after ``CODE_ATTEMPTS`` wrong tries. Password reset by email uses
Django's token generator, which is invalidated by the password change itself.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from pakn.core.errors import ValidationFailed
from pakn.core.phones import normalize_phone

from .models import CodePurpose, PhoneCode, User

EMAIL_LINK_MAX_AGE = timedelta(hours=48)
CODE_MINUTES = 10
CODE_ATTEMPTS = 5
_EMAIL_SALT = "pakn.accounts.verify-email"

DUPLICATE_EMAIL = (
    "Email này đã được dùng cho một tài khoản. Nếu đó là bạn, hãy đăng nhập hoặc đặt lại mật khẩu."
)
DUPLICATE_PHONE = (
    "Số điện thoại này đã được dùng cho một tài khoản. Nếu đó là bạn, hãy đăng nhập "
    "hoặc đặt lại mật khẩu."
)
BAD_LINK = "Đường dẫn xác thực không đúng hoặc đã bị sửa. Vui lòng dùng đúng đường dẫn trong email."
EXPIRED_LINK = "Đường dẫn xác thực đã hết hạn. Vui lòng đăng nhập và yêu cầu gửi lại."
BAD_CODE = "Mã không đúng hoặc đã hết hạn."
NO_MORE_TRIES = "Bạn đã nhập sai quá nhiều lần. Vui lòng yêu cầu mã mới."


@dataclass(frozen=True)
class Registration:
    full_name: str
    password: str
    email: str = ""
    phone: str = ""
    consent: bool = False
    language: str = "vi"


def _clean_contact(email: str, phone: str, errors: dict[str, str]) -> tuple[str, str]:
    email = (email or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            errors["email"] = "Địa chỉ email không đúng (ví dụ ten@example.vn)."
    normalized = ""
    if (phone or "").strip():
        normalized = normalize_phone(phone) or ""
        if not normalized:
            errors["phone"] = "Số điện thoại không đúng (ví dụ 0912 345 678)."
    return email, normalized


def validate_new_password(password: str, user: User) -> None:
    """The password policy; raises ValidationFailed with the Vietnamese messages joined."""
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as exc:
        message = " ".join(str(m) for m in exc.messages)
        raise ValidationFailed(message, fields={"password": message}) from None


def citizen_register(*, data: Registration) -> User:
    """Create a citizen account from an email or a phone (at least one), with consent to the
    processing of personal data (Decree 13/2023/NĐ-CP) recorded with its time.

    The account is not verified yet; it can log in at once. A duplicate email or phone gets the
    same answer whether the other account is verified or not, and says nothing else about it.
    """
    errors: dict[str, str] = {}
    name = " ".join((data.full_name or "").split())
    if not name:
        errors["full_name"] = "Vui lòng nhập họ và tên."
    elif len(name) > 200:
        errors["full_name"] = "Họ và tên dài quá 200 ký tự."
    email, phone = _clean_contact(data.email, data.phone, errors)
    if not email and not phone and not errors.keys() & {"email", "phone"}:
        errors["email"] = "Cần email hoặc số điện thoại để đăng ký."
    if email and "email" not in errors and User.objects.filter(email__iexact=email).exists():
        errors["email"] = DUPLICATE_EMAIL
    if phone and "phone" not in errors and User.objects.filter(phone=phone).exists():
        errors["phone"] = DUPLICATE_PHONE
    if not data.consent:
        errors["consent"] = (
            "Cần đồng ý cho xử lý dữ liệu cá nhân để tạo tài khoản (Nghị định 13/2023/NĐ-CP)."
        )
    user = User(
        username=f"citizen-{uuid.uuid4().hex[:12]}",
        full_name=name,
        email=email or None,
        phone=phone or None,
        language=data.language if data.language in ("vi", "en") else "vi",
    )
    try:
        validate_new_password(data.password or "", user)
    except ValidationFailed as exc:
        errors["password"] = exc.message
    if errors:
        raise ValidationFailed(
            _("Chưa tạo được tài khoản: ") + " ".join(errors.values()), fields=errors
        )
    user.set_password(data.password)
    user.data_consent_at = timezone.now()
    try:
        with transaction.atomic():
            user.save(force_insert=True)
    except IntegrityError:
        # Someone registered the same contact between the check and the insert.
        field = "email" if email and User.objects.filter(email__iexact=email).exists() else "phone"
        message = DUPLICATE_EMAIL if field == "email" else DUPLICATE_PHONE
        raise ValidationFailed(message, fields={field: message}) from None
    return user


# --------------------------------------------------------------------------------------------
# Email: a signed link


def email_verification_token(*, user: User) -> str:
    if not user.email:
        raise ValueError("user has no email")
    return signing.dumps({"u": user.pk, "e": user.email.lower()}, salt=_EMAIL_SALT)


def email_verify(*, token: str) -> User:
    """Mark the address in a valid, unexpired link as proved; a second click changes nothing."""
    try:
        payload = signing.loads(token, salt=_EMAIL_SALT, max_age=EMAIL_LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationFailed(EXPIRED_LINK, code="expired") from None
    except signing.BadSignature:
        raise ValidationFailed(BAD_LINK, code="bad_link") from None
    user = User.objects.filter(pk=payload.get("u"), is_active=True).first()
    if user is None or (user.email or "").lower() != payload.get("e"):
        raise ValidationFailed(BAD_LINK, code="bad_link")
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user


# --------------------------------------------------------------------------------------------
# Phone: a 6-digit code


def _code_hash(code_id_seed: str, code: str) -> str:
    key = force_bytes(settings.SECRET_KEY)
    return hmac.new(key, f"{code_id_seed}:{code}".encode(), hashlib.sha256).hexdigest()


def phone_code_issue(*, user: User, purpose: str) -> str:
    """A fresh code for the user's phone; earlier live codes for the same purpose stop working."""
    if not user.phone:
        raise ValueError("user has no phone")
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    with transaction.atomic():
        PhoneCode.objects.filter(user=user, purpose=purpose, used_at__isnull=True).update(
            used_at=now
        )
        PhoneCode.objects.create(
            user=user,
            purpose=purpose,
            phone=user.phone,
            code_hash=_code_hash(f"{user.pk}:{purpose}:{user.phone}", code),
            created_at=now,
            expires_at=now + timedelta(minutes=CODE_MINUTES),
        )
    return code


def phone_code_check(*, user: User, purpose: str, code: str) -> None:
    """Spend the live code if ``code`` matches; raises ValidationFailed otherwise.

    Every wrong try counts, claimed with a conditional UPDATE so parallel guesses cannot exceed
    the limit; after ``CODE_ATTEMPTS`` the code is dead even for the right digits.
    """
    now = timezone.now()
    live = (
        PhoneCode.objects.filter(
            user=user, purpose=purpose, used_at__isnull=True, expires_at__gt=now
        )
        .order_by("-created_at")
        .first()
    )
    if live is None or live.phone != user.phone:
        raise ValidationFailed(BAD_CODE, code="bad_code", fields={"code": BAD_CODE})
    claimed = PhoneCode.objects.filter(pk=live.pk, attempts__lt=CODE_ATTEMPTS).update(
        attempts=F("attempts") + 1
    )
    if claimed != 1:
        raise ValidationFailed(NO_MORE_TRIES, code="too_many", fields={"code": NO_MORE_TRIES})
    expected = _code_hash(f"{user.pk}:{purpose}:{live.phone}", "".join((code or "").split()))
    if not hmac.compare_digest(expected, live.code_hash):
        if live.attempts + 1 >= CODE_ATTEMPTS:
            raise ValidationFailed(NO_MORE_TRIES, code="too_many", fields={"code": NO_MORE_TRIES})
        raise ValidationFailed(BAD_CODE, code="bad_code", fields={"code": BAD_CODE})
    spent = PhoneCode.objects.filter(pk=live.pk, used_at__isnull=True).update(used_at=now)
    if spent != 1:
        raise ValidationFailed(BAD_CODE, code="bad_code", fields={"code": BAD_CODE})


def phone_verify(*, user: User, code: str) -> User:
    phone_code_check(user=user, purpose=CodePurpose.VERIFY_PHONE, code=code)
    user.phone_verified_at = timezone.now()
    user.save(update_fields=["phone_verified_at"])
    return user


# --------------------------------------------------------------------------------------------
# Password reset and change


def find_for_reset(*, identifier: str) -> User | None:
    """The active account with this email or phone, if any; the caller must answer the same
    way whether or not one is found."""
    identifier = (identifier or "").strip()
    if "@" in identifier:
        return User.objects.filter(email__iexact=identifier, is_active=True).first()
    phone = normalize_phone(identifier)
    if phone:
        return User.objects.filter(phone=phone, is_active=True).first()
    return None


def password_reset_params(*, user: User) -> dict[str, str]:
    return {
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }


def user_for_reset_link(*, uid: str, token: str) -> User | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uid)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


def password_set(*, user: User, password: str, proved: str = "") -> User:
    """Set a new password under the policy. ``proved`` is "email" or "phone" when the reset
    went through that channel, which also proves the person holds it."""
    validate_new_password(password, user)
    user.set_password(password)
    fields = ["password"]
    now = timezone.now()
    if proved == "email" and user.email_verified_at is None:
        user.email_verified_at = now
        fields.append("email_verified_at")
    if proved == "phone" and user.phone_verified_at is None:
        user.phone_verified_at = now
        fields.append("phone_verified_at")
    user.save(update_fields=fields)
    return user


def password_reset_by_code(*, user: User, code: str, password: str) -> User:
    validate_new_password(password, user)
    phone_code_check(user=user, purpose=CodePurpose.RESET_PASSWORD, code=code)
    return password_set(user=user, password=password, proved="phone")


def notification_preferences_set(
    *, user: User, email: bool, sms: bool, in_app: bool, muted: list[str]
) -> User:
    """Channels on or off, and the "template:channel" pairs turned off (see
    ``pakn.notifications.preferences``)."""
    user.notify_email, user.notify_sms, user.notify_in_app = email, sms, in_app
    user.notify_muted = sorted(set(muted))
    user.save(update_fields=["notify_email", "notify_sms", "notify_in_app", "notify_muted"])
    return user
