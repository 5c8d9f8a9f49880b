from __future__ import annotations

from django.urls import path

from . import twofactor

app_name = "accounts"

urlpatterns = [
    path("2fa/", twofactor.second_factor, name="second_factor"),
]
