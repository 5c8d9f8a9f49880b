from __future__ import annotations

from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("submit/", views.submit, name="submit"),
    path("submit/done/<str:code>/", views.submit_done, name="submit_done"),
    path("submit/communes/", views.communes, name="communes"),
    path("submit/similar/", views.similar, name="similar"),
    path("submit/held/<str:token>/<int:index>/", views.held_file, name="held_file"),
    path("track/", views.track, name="track"),
    path("published/", views.published_list, name="published"),
    path("published/map.json", views.published_map, name="published_map"),
    path("published/<str:tracking_code>/", views.published_detail, name="published_detail"),
]
