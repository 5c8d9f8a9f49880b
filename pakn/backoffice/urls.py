from __future__ import annotations

from django.urls import path

from . import views

app_name = "backoffice"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("agency/", views.switch_agency, name="switch_agency"),
    path("bulk/", views.bulk, name="bulk"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("cases/<int:case_id>/actions/<slug:action>/", views.case_action, name="case_action"),
    path(
        "cases/<int:case_id>/coordination/<int:request_id>/",
        views.coordination_respond,
        name="coordination_respond",
    ),
    path("cases/<int:case_id>/moderation/", views.moderation_label, name="moderation_label"),
    path("cases/<int:case_id>/suggestions/agency/", views.review_agency, name="review_agency"),
    path(
        "cases/<int:case_id>/suggestions/duplicates/",
        views.review_duplicate,
        name="review_duplicate",
    ),
    path(
        "cases/<int:case_id>/files/<slug:kind>/<int:file_id>/",
        views.attachment,
        name="attachment",
    ),
    path("approvals/", views.approvals, name="approvals"),
    path("team/", views.team, name="team"),
    path("overview/", views.overview, name="overview"),
]
