"""Mounted at /open311/v2/ by config/urls.py; every resource in both formats."""

from __future__ import annotations

from django.urls import re_path

from . import open311

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, open311.discovery, name="open311-discovery"),
    re_path(r"^services" + FMT, open311.service_list, name="open311-services"),
    re_path(
        r"^services/(?P<code>[-\w]+)" + FMT,
        open311.service_definition,
        name="open311-service",
    ),
    re_path(r"^requests" + FMT, open311.request_collection, name="open311-requests"),
    re_path(
        r"^requests/(?P<request_id>[^/]+)" + FMT, open311.request_detail, name="open311-request"
    ),
    re_path(r"^tokens/(?P<token>[^/]+)" + FMT, open311.token_detail, name="open311-token"),
    re_path(r"^(?P<path>.*)$", open311.unknown),
]
