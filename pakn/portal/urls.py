from __future__ import annotations

from django.urls import path

from . import account_views, views

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

# Citizen accounts (account_views.py).
urlpatterns += [
    path("accounts/register/", account_views.register, name="register"),
    path("accounts/verify/", account_views.verify, name="verify"),
    path("accounts/verify/email/", account_views.verify_email, name="verify_email"),
    path("accounts/login/", account_views.login_view, name="login"),
    path("accounts/logout/", account_views.logout_view, name="logout"),
    path("accounts/reset/", account_views.reset_request, name="reset"),
    path("accounts/reset/confirm/", account_views.reset_confirm, name="reset_confirm"),
    path("accounts/reset/code/", account_views.reset_code, name="reset_code"),
    path("accounts/password/", account_views.password_change, name="password_change"),
    path("accounts/submissions/", account_views.my_submissions, name="my_submissions"),
    path("accounts/preferences/", account_views.preferences, name="preferences"),
]
