"""Messages about a citizen's account: the email link, SMS codes, password reset.

The secrets are made by ``pakn.accounts.citizens``; this module only puts them in the outbox,
addressed to the contact being proved (never to another address of the account), so a security
message goes out whatever the notification preferences say. Links carry their secret as a
``token=`` query parameter, and SMS codes are six digits: the delivery step scrubs both from the
outbox once the message is out.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings

from pakn.accounts import citizens
from pakn.accounts.models import CodePurpose, User

from .models import Notification
from .services import notify_contact


def send_email_verification(*, user: User) -> list[Notification]:
    if not user.email:
        return []
    token = citizens.email_verification_token(user=user)
    link = f"{settings.SITE_URL}/accounts/verify/email/?{urlencode({'token': token})}"
    return notify_contact(
        email=user.email,
        template="account_verify_email",
        context={"link": link},
        name=user.full_name,
        language=user.language,
    )


def send_phone_code(*, user: User, purpose: str = CodePurpose.VERIFY_PHONE) -> list[Notification]:
    if not user.phone:
        return []
    code = citizens.phone_code_issue(user=user, purpose=purpose)
    template = (
        "password_reset_code" if purpose == CodePurpose.RESET_PASSWORD else "account_verify_phone"
    )
    return notify_contact(
        phone=user.phone,
        template=template,
        context={"otp": code},
        name=user.full_name,
        language=user.language,
    )


def send_password_reset_link(*, user: User) -> list[Notification]:
    if not user.email:
        return []
    query = urlencode(citizens.password_reset_params(user=user))
    return notify_contact(
        email=user.email,
        template="password_reset",
        context={"link": f"{settings.SITE_URL}/accounts/reset/confirm/?{query}"},
        name=user.full_name,
        language=user.language,
    )
