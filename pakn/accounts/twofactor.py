"""Second factor for officers: required for admins, and for anyone who enrolled a device.

After the password, the session must also carry a verified TOTP code before the admin site or the
back office answers. The verification and enrolment pages live at /accounts/2fa/.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from .models import Membership, Role, TOTPDevice, User
from .totp import new_secret, provisioning_uri

SESSION_KEY = "pakn_2fa_verified"
PROTECTED_PREFIXES = ("/admin/", "/backoffice/")
OPEN_PATHS = ("/accounts/2fa/", "/backoffice/login/", "/backoffice/logout/", "/admin/logout/")


def requires_second_factor(user: Any) -> bool:
    if not user.is_authenticated:
        return False
    if TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).exists():
        return True
    if not settings.PAKN_REQUIRE_ADMIN_2FA:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return Membership.objects.active().filter(user=user, role=Role.ADMIN).exists()


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if (
            path.startswith(PROTECTED_PREFIXES)
            and not path.startswith(OPEN_PATHS)
            and not request.session.get(SESSION_KEY)
            and requires_second_factor(request.user)
        ):
            return HttpResponseRedirect(
                "/accounts/2fa/?" + urlencode({"next": request.get_full_path()})
            )
        return self.get_response(request)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Mã 6 chữ số trong ứng dụng xác thực"),
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


def _qr_svg(data: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue().decode()


@login_required(login_url="/backoffice/login/")
def second_factor(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # login_required
    next_url = request.GET.get("next") or request.POST.get("next") or "/backoffice/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/backoffice/"
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, defaults={"secret": new_secret()}
    )
    enrolling = device.confirmed_at is None
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify(form.cleaned_data["code"]):
            if enrolling:
                device.confirmed_at = timezone.now()
                device.save(update_fields=["confirmed_at"])
            request.session[SESSION_KEY] = True
            request.session.cycle_key()
            return HttpResponseRedirect(next_url)
        form.add_error(
            "code", _("Mã không đúng hoặc đã hết hạn. Vui lòng nhập mã mới trong ứng dụng.")
        )
    context: dict[str, Any] = {"form": form, "enrolling": enrolling, "next": next_url}
    if enrolling:
        uri = provisioning_uri(device.secret, user.get_username())
        context.update(secret=device.secret, qr_svg=_qr_svg(uri))
    return render(request, "accounts/second_factor.html", context)
