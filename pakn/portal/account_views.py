"""Citizen account pages under /accounts/: register, verify, log in and out, reset and change
the password, "my submissions", notification preferences.

Thin: each view parses its form, calls one service of ``pakn.accounts.citizens`` (and, for
messages, ``pakn.notifications.accounts`` in the same transaction), then renders.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pakn.accounts import citizens
from pakn.accounts.models import CodePurpose, User
from pakn.core.errors import ValidationFailed
from pakn.core.phones import normalize_phone
from pakn.core.tracking import format_tracking_code
from pakn.notifications import accounts as account_messages
from pakn.notifications import preferences as notification_preferences
from pakn.notifications.selectors import inbox_for

from . import owned, ratelimit
from .account_forms import (
    ChangePasswordForm,
    CodeForm,
    LoginForm,
    NewPasswordForm,
    PreferencesForm,
    RegisterForm,
    ResetByCodeForm,
    ResetRequestForm,
)
from .forms import PortalForm

LOGIN_URL = "/accounts/login/"
BACKEND = "pakn.accounts.backends.EmailPhoneUsernameBackend"
REMEMBER_SECONDS = 14 * 24 * 3600
# Per client address: accounts created, failed logins, reset requests; per contact: messages
# sent (verification and reset), so nobody can flood someone's phone or inbox.
REGISTRATIONS, REGISTRATION_WINDOW = 5, 60 * 60
LOGIN_FAILURES, LOGIN_WINDOW = 30, 15 * 60
RESETS, RESET_WINDOW = 10, 60 * 60
MESSAGES_PER_CONTACT, MESSAGE_WINDOW = 3, 60 * 60
RESET_PHONE_KEY = "pakn_reset_phone"
RESET_CODE_WINDOW = 60 * 60
PAGE_SIZE = 20
INBOX_SIZE = 5

TOO_MANY = gettext_lazy("Bạn đã thử quá nhiều lần. Vui lòng thử lại sau ít phút.")


def _page(
    request: HttpRequest, template: str, form: PortalForm | None, status: int = 200, **extra: Any
) -> HttpResponse:
    if form is not None:
        form.describe_errors()
        # Focus lands on the first field to correct, without JavaScript.
        first = next((name for name in form.fields if name in form.errors), None)
        if first:
            form.fields[first].widget.attrs["autofocus"] = True
    context = {"form": form, **extra}
    return render(request, f"portal/accounts/{template}.html", context, status=status)


def _current(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required
    return user


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _may_message(contact: str) -> bool:
    """Count one message to this contact; False once the hourly allowance is used up."""
    if ratelimit.exceeded("account-msg", contact, MESSAGES_PER_CONTACT):
        return False
    ratelimit.record("account-msg", contact, MESSAGE_WINDOW)
    return True


# --------------------------------------------------------------------------------------------
# Register and verify


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("portal:my_submissions")
    if request.method != "POST":
        return _page(request, "register", RegisterForm())
    form = RegisterForm(request.POST)
    address = ratelimit.client_address(request)
    if form.honeypot_filled:
        form.add_error(None, _("Không tạo được tài khoản. Vui lòng thử lại."))
        return _page(request, "register", form)
    if not form.is_valid():
        return _page(request, "register", form)
    if ratelimit.exceeded("register-ip", address, REGISTRATIONS):
        form.add_error(None, _("Đã có nhiều tài khoản được tạo từ mạng này. Vui lòng thử lại sau."))
        return _page(request, "register", form)
    data = form.cleaned_data
    try:
        with transaction.atomic():
            user = citizens.citizen_register(
                data=citizens.Registration(
                    full_name=data["full_name"],
                    email=data["email"],
                    phone=data["phone"],
                    password=data["password"],
                    consent=data["consent"],
                    language=request.LANGUAGE_CODE,
                )
            )
            if user.email and _may_message(user.email):
                account_messages.send_email_verification(user=user)
            if user.phone and _may_message(user.phone):
                account_messages.send_phone_code(user=user)
    except ValidationFailed as exc:
        form.add_service_errors(exc.fields, exc.message)
        return _page(request, "register", form)
    ratelimit.record("register-ip", address, REGISTRATION_WINDOW)
    login(request, user, backend=BACKEND)
    request.session.set_expiry(0)
    messages.success(request, _("Đã tạo tài khoản. Vui lòng xác thực email hoặc số điện thoại."))
    return redirect("portal:verify")


@login_required(login_url=LOGIN_URL)
def verify(request: HttpRequest) -> HttpResponse:
    """What is still to prove: the email (resend the link) and the phone (enter the code)."""
    user = _current(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action", "code")
        if action == "resend_email" and user.email and not user.email_verified_at:
            if _may_message(user.email):
                account_messages.send_email_verification(user=user)
                messages.success(request, _("Đã gửi lại thư xác thực. Vui lòng kiểm tra hộp thư."))
            else:
                messages.error(request, TOO_MANY)
            return redirect("portal:verify")
        if action == "resend_code" and user.phone and not user.phone_verified_at:
            if _may_message(user.phone):
                account_messages.send_phone_code(user=user)
                messages.success(request, _("Đã gửi mã mới qua tin nhắn."))
            else:
                messages.error(request, TOO_MANY)
            return redirect("portal:verify")
        if action == "code" and user.phone and not user.phone_verified_at and form.is_valid():
            try:
                citizens.phone_verify(user=user, code=form.cleaned_data["code"])
            except ValidationFailed as exc:
                form.add_service_errors(exc.fields, exc.message)
            else:
                messages.success(request, _("Đã xác thực số điện thoại."))
                return redirect("portal:my_submissions")
    return _page(request, "verify", form, account=user)


def verify_email(request: HttpRequest) -> HttpResponse:
    try:
        user = citizens.email_verify(token=request.GET.get("token", ""))
    except ValidationFailed as exc:
        return _page(request, "verify_email", None, error=exc.message, status=400)
    return _page(request, "verify_email", None, verified=user.email)


# --------------------------------------------------------------------------------------------
# Log in, log out


def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request, "/accounts/submissions/")
    if request.method != "POST":
        return _page(request, "login", LoginForm(), next=next_url)
    address = ratelimit.client_address(request)
    form = LoginForm(request.POST, request=request)
    if ratelimit.exceeded("login-ip", address, LOGIN_FAILURES):
        form.is_valid()
        form.add_error(None, TOO_MANY)
        return _page(request, "login", form, next=next_url)
    if not form.is_valid() or form.user is None:
        ratelimit.record("login-ip", address, LOGIN_WINDOW)
        return _page(request, "login", form, next=next_url)
    login(request, form.user, backend=BACKEND)
    # Without "remember me" the session ends with the browser: shared phones and kiosks.
    request.session.set_expiry(REMEMBER_SECONDS if form.cleaned_data["remember"] else 0)
    return redirect(next_url)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, _("Bạn đã đăng xuất."))
    return redirect("portal:home")


# --------------------------------------------------------------------------------------------
# Password reset (email link or SMS code) and change


def reset_request(request: HttpRequest) -> HttpResponse:
    """One answer whether or not an account exists: the next page, never "not found"."""
    if request.method != "POST":
        return _page(request, "reset_request", ResetRequestForm())
    form = ResetRequestForm(request.POST)
    form.is_valid()
    identifier = (form.cleaned_data.get("identifier") or "").strip()
    phone = "" if "@" in identifier else (normalize_phone(identifier) or "")
    if "@" not in identifier and not phone:
        form.add_error("identifier", _("Nhập email hoặc số điện thoại đã dùng khi đăng ký."))
        return _page(request, "reset_request", form)
    address = ratelimit.client_address(request)
    if ratelimit.exceeded("reset-ip", address, RESETS):
        form.add_error(None, TOO_MANY)
        return _page(request, "reset_request", form)
    ratelimit.record("reset-ip", address, RESET_WINDOW)
    user = citizens.find_for_reset(identifier=identifier)
    contact = phone or identifier.lower()
    if user is not None and _may_message(contact):
        with transaction.atomic():
            if phone:
                account_messages.send_phone_code(user=user, purpose=CodePurpose.RESET_PASSWORD)
            else:
                account_messages.send_password_reset_link(user=user)
    if phone:
        request.session[RESET_PHONE_KEY] = phone
        return redirect("portal:reset_code")
    return _page(request, "reset_sent", None)


def reset_confirm(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    uid, token = source.get("uid", ""), source.get("token", "")
    user = citizens.user_for_reset_link(uid=uid, token=token)
    if user is None:
        return _page(request, "reset_confirm", None, invalid=True, status=400)
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            citizens.password_set(user=user, password=form.cleaned_data["password"], proved="email")
        except ValidationFailed as exc:
            form.add_service_errors(exc.fields, exc.message)
        else:
            messages.success(request, _("Đã đặt mật khẩu mới. Vui lòng đăng nhập."))
            return redirect("portal:login")
    return _page(request, "reset_confirm", form, uid=uid, token=token)


def reset_code(request: HttpRequest) -> HttpResponse:
    phone = request.session.get(RESET_PHONE_KEY)
    if not phone:
        return redirect("portal:reset")
    form = ResetByCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = citizens.find_for_reset(identifier=phone)
        try:
            # Counted per phone, account or not, so the answer after the fifth wrong code is the
            # same for a number without an account.
            if ratelimit.exceeded("reset-code", phone, citizens.CODE_ATTEMPTS):
                raise ValidationFailed(
                    citizens.NO_MORE_TRIES, fields={"code": citizens.NO_MORE_TRIES}
                )
            if user is None:
                # No account: the same error a wrong code gives, after the same checks.
                citizens.validate_new_password(form.cleaned_data["password"], User(phone=phone))
                raise ValidationFailed(citizens.BAD_CODE, fields={"code": citizens.BAD_CODE})
            citizens.password_reset_by_code(
                user=user, code=form.cleaned_data["code"], password=form.cleaned_data["password"]
            )
        except ValidationFailed as exc:
            if "code" in exc.fields:
                ratelimit.record("reset-code", phone, RESET_CODE_WINDOW)
            form.add_service_errors(exc.fields, exc.message)
        else:
            del request.session[RESET_PHONE_KEY]
            messages.success(request, _("Đã đặt mật khẩu mới. Vui lòng đăng nhập."))
            return redirect("portal:login")
    return _page(request, "reset_code", form, phone=phone)


@login_required(login_url=LOGIN_URL)
def password_change(request: HttpRequest) -> HttpResponse:
    user = _current(request)
    form = ChangePasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not user.check_password(form.cleaned_data["old_password"]):
            form.add_error("old_password", _("Mật khẩu hiện tại không đúng."))
        else:
            try:
                citizens.password_set(user=user, password=form.cleaned_data["password"])
            except ValidationFailed as exc:
                form.add_service_errors(exc.fields, exc.message)
            else:
                update_session_auth_hash(request, user)
                messages.success(request, _("Đã đổi mật khẩu."))
                return redirect("portal:my_submissions")
    return _page(request, "password_change", form)


# --------------------------------------------------------------------------------------------
# My submissions, preferences


@login_required(login_url=LOGIN_URL)
def my_submissions(request: HttpRequest) -> HttpResponse:
    user = _current(request)
    page = Paginator(owned.cases_of(user), PAGE_SIZE).get_page(request.GET.get("page"))
    on_behalf = None
    if user.is_intermediary:
        on_behalf = Paginator(owned.cases_sent_on_behalf_by(user), PAGE_SIZE).get_page(
            request.GET.get("behalf_page")
        )
    return _page(
        request,
        "my_submissions",
        None,
        page=page,
        rows=_rows(page),
        on_behalf=on_behalf,
        behalf_rows=_rows(on_behalf) if on_behalf is not None else [],
        inbox=_inbox(user) if user.notify_in_app else [],
        account=user,
    )


def _inbox(user: User) -> list[dict[str, Any]]:
    """Latest in-app notifications; links lose their access token: the owner needs none, and
    the page should not show one."""
    rows = []
    for note in inbox_for(user, limit=INBOX_SIZE):
        link = ""
        if note.link:
            parts = urlsplit(note.link)
            query = [(k, v) for k, v in parse_qsl(parts.query) if k != "token"]
            link = urlunsplit(("", "", parts.path, urlencode(query), ""))
        rows.append({"text": note.body_text, "link": link, "at": note.created_at})
    return rows


def _rows(page: Any) -> list[dict[str, Any]]:
    return [
        {"case": case, "code": format_tracking_code(case.submission.tracking_code)}
        for case in page.object_list
    ]


@login_required(login_url=LOGIN_URL)
def preferences(request: HttpRequest) -> HttpResponse:
    user = _current(request)
    initial = {
        "notify_email": user.notify_email,
        "notify_sms": user.notify_sms,
        "notify_in_app": user.notify_in_app,
    }
    form = PreferencesForm(request.POST or None, initial=initial, muted=user.notify_muted)
    if request.method == "POST" and form.is_valid():
        citizens.notification_preferences_set(
            user=user,
            email=form.cleaned_data["notify_email"],
            sms=form.cleaned_data["notify_sms"],
            in_app=form.cleaned_data["notify_in_app"],
            muted=form.muted(),
        )
        messages.success(request, _("Đã lưu cách nhận thông báo."))
        return redirect("portal:preferences")
    channels = [label for _channel, label in notification_preferences.CHANNELS]
    return _page(request, "preferences", form, account=user, channels=channels)
