from __future__ import annotations

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from pakn.ops import metrics as ops_metrics
from pakn.ops import views as ops_views

admin.site.site_header = "PAKN — Quản trị hệ thống"
admin.site.site_title = "PAKN"
admin.site.index_title = "Cấu hình"

urlpatterns = [
    path("healthz", ops_views.healthz, name="healthz"),
    path("readyz", ops_views.readyz, name="readyz"),
    path("metrics", ops_metrics.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("accounts/", include("pakn.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("pakn.api.urls")),
    path("open311/v2/", include("pakn.api.open311_urls")),
    path("backoffice/", include("pakn.backoffice.urls")),
    path("", include("pakn.analytics.urls")),
    path("", include("pakn.portal.urls")),
]
if settings.PAKN_BENCH_ENDPOINTS:
    urlpatterns.insert(0, path("bench/insert", ops_views.bench_insert))
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
