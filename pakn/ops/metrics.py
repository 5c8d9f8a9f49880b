"""Prometheus text exposition of the platform's health, computed from the database at scrape
time so that every process and every worker machine reports the same figures."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .models import Heartbeat, Step

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _lines() -> list[str]:
    from django.apps import apps

    lines = [
        "# HELP pakn_steps Background steps by status.",
        "# TYPE pakn_steps gauge",
    ]
    for status, n in Step.objects.values_list("status").annotate(n=Count("id")).order_by():
        lines.append(f'pakn_steps{{status="{status}"}} {n}')
    now = timezone.now()
    lines += [
        "# HELP pakn_heartbeat_age_seconds Seconds since a process last reported.",
        "# TYPE pakn_heartbeat_age_seconds gauge",
    ]
    for name, seen in Heartbeat.objects.values_list("name", "seen_at"):
        lines.append(
            f'pakn_heartbeat_age_seconds{{process="{name}"}} {(now - seen).total_seconds():.1f}'
        )
    case_model = apps.get_model("cases", "Case")
    lines += ["# HELP pakn_cases Cases by status.", "# TYPE pakn_cases gauge"]
    for status, n in case_model.objects.values_list("status").annotate(n=Count("id")).order_by():
        lines.append(f'pakn_cases{{status="{status}"}} {n}')
    lines += [
        "# HELP pakn_cases_overdue Open cases past their deadline.",
        "# TYPE pakn_cases_overdue gauge",
        f"pakn_cases_overdue {case_model.objects.overdue().count()}",
    ]
    notification = apps.get_model("notifications", "Notification")
    lines += [
        "# HELP pakn_notifications Notifications by channel and status.",
        "# TYPE pakn_notifications gauge",
    ]
    for channel, status, n in (
        notification.objects.values_list("channel", "status").annotate(n=Count("id")).order_by()
    ):
        lines.append(f'pakn_notifications{{channel="{channel}",status="{status}"}} {n}')
    return lines


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    token = settings.PAKN_METRICS_TOKEN
    if token:
        if request.headers.get("Authorization", "") != f"Bearer {token}":
            return HttpResponse("unauthorized\n", status=401, content_type=CONTENT_TYPE)
    elif request.META.get("REMOTE_ADDR") not in ("127.0.0.1", "::1"):
        return HttpResponse("forbidden\n", status=403, content_type=CONTENT_TYPE)
    return HttpResponse("\n".join(_lines()) + "\n", content_type=CONTENT_TYPE)
