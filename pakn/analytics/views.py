"""Dashboard, hot-spot data, exports and the public statistics page: thin views over the
selectors and services."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from pakn.accounts.models import Agency, User
from pakn.cases.models import Status
from pakn.core.errors import NotFound
from pakn.submissions.models import Channel, Kind

from . import selectors
from .models import ExportJob, ExportKind, ExportStatus
from .services import FILTER_KEYS, export_job_create


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _agency_and_period(request: HttpRequest) -> tuple[Agency, selectors.Period, list[Agency]]:
    """The agency asked for (404 outside what the user may analyse) and the period."""
    roots = selectors.dashboard_roots(request.user)
    wanted = request.GET.get("agency") or request.POST.get("agency") or ""
    if wanted:
        if not wanted.isdigit():
            raise Http404
        agency = Agency.objects.filter(pk=int(wanted)).first()
        if agency is None or not any(agency.is_within(root) for root in roots):
            raise Http404
    else:
        agency = roots[0]
    source = request.POST if request.method == "POST" else request.GET
    period = selectors.Period.parse(source.get("from"), source.get("to"))
    return agency, period, roots


def _refused(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "analytics/refused.html",
        {"message": _("Trang thống kê dành cho cán bộ giám sát.")},
        status=403,
    )


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if not selectors.dashboard_roots(request.user):
        return _refused(request)
    agency, period, roots = _agency_and_period(request)
    board = selectors.dashboard(agency=agency, period=period)
    choices = {a.pk: a for a in roots}
    for a in [*agency.ancestors(), agency, *Agency.objects.filter(parent=agency)]:
        if any(a.is_within(root) for root in roots):
            choices.setdefault(a.pk, a)
    charts: dict[str, Any] = {
        name: {
            "labels": [r.label for r in rows],
            "counts": [r.count for r in rows],
            "links": [r.link for r in rows],
        }
        for name, rows in (
            ("kind", board.by_kind),
            ("channel", board.by_channel),
            ("field", board.by_field[:12]),
            ("province", board.by_province[:12]),
            ("funnel", board.funnel),
        )
    }
    return render(
        request,
        "analytics/dashboard.html",
        {
            "board": board,
            "figures": board.figures,
            "agency": agency,
            "period": period,
            "choices": sorted(choices.values(), key=lambda a: a.path),
            "charts": charts,
            "topics": selectors.emerging_topics(agency=agency),
            "hotspots_url": reverse("analytics:hotspots")
            + f"?agency={agency.pk}&from={period.start:%Y-%m}&to={period.end:%Y-%m}",
            "export_kinds": ExportKind.choices,
            "export_filters": [
                ("status", _("Trạng thái"), Status.choices),
                ("kind", _("Loại"), Kind.choices),
                ("channel", _("Kênh"), Channel.choices),
                ("field", _("Lĩnh vực"), [(r.key, r.label) for r in board.by_field if r.key]),
                ("province", _("Địa bàn"), [(r.key, r.label) for r in board.by_province if r.key]),
            ],
        },
    )


@require_GET
@login_required
def hotspots(request: HttpRequest) -> JsonResponse:
    if not selectors.dashboard_roots(request.user):
        raise Http404
    agency, period, _roots = _agency_and_period(request)
    zoom = request.GET.get("zoom", "6")
    points = selectors.hotspots(
        agency=agency, period=period, zoom=int(zoom) if zoom.isdigit() else 6
    )
    return JsonResponse({"clusters": points})


@require_POST
@login_required
def export_create(request: HttpRequest) -> HttpResponse:
    if not selectors.dashboard_roots(request.user):
        return _refused(request)
    agency, period, _roots = _agency_and_period(request)
    kind = request.POST.get("kind", "")
    if kind not in ExportKind.values:
        raise Http404
    try:
        job = export_job_create(
            user=_user(request),
            agency=agency,
            kind=kind,
            period=period,
            filters={k: request.POST.get(k, "") for k in FILTER_KEYS},
        )
    except NotFound as exc:
        raise Http404 from exc
    return redirect("analytics:export", pk=job.pk)


def _own_job(request: HttpRequest, pk: int) -> ExportJob:
    return get_object_or_404(ExportJob, pk=pk, requested_by=request.user)


@require_GET
@login_required
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    return render(request, "analytics/export.html", {"job": job})


@require_GET
@login_required
def export_status(request: HttpRequest, pk: int) -> JsonResponse:
    job = _own_job(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "label": job.get_status_display(),
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "download": reverse("analytics:export_download", args=[job.pk])
            if job.status == ExportStatus.DONE
            else None,
            "error": bool(job.error),
        }
    )


@require_GET
@login_required
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _own_job(request, pk)
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)


@require_GET
def public_stats(request: HttpRequest) -> HttpResponse:
    return render(request, "analytics/public_stats.html", {"stats": selectors.public_stats()})
