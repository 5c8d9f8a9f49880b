from __future__ import annotations

from django.urls import path

from . import views

app_name = "analytics"

urlpatterns = [
    path("stats/", views.public_stats, name="public_stats"),
    path("backoffice/analytics/", views.dashboard, name="dashboard"),
    path("backoffice/analytics/hotspots.json", views.hotspots, name="hotspots"),
    path("backoffice/analytics/exports/", views.export_create, name="export_create"),
    path("backoffice/analytics/exports/<int:pk>/", views.export_detail, name="export"),
    path(
        "backoffice/analytics/exports/<int:pk>/status.json",
        views.export_status,
        name="export_status",
    ),
    path(
        "backoffice/analytics/exports/<int:pk>/download/",
        views.export_download,
        name="export_download",
    ),
]
