from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import oidc
from frontend import views
from frontend.guidelines import views as guidelines_views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", views.account_page, name="account"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # Single sign-on (accounts.oidc); 404 unless OIDC_RP_CLIENT_ID is set.
    path(
        "oidc/authenticate/",
        oidc.AuthenticationRequestView.as_view(),
        name="oidc_authentication_init",
    ),
    path(
        "oidc/callback/",
        oidc.AuthenticationCallbackView.as_view(),
        name="oidc_authentication_callback",
    ),
    path("d/<slug:slug>/", views.debate_home, name="debate-home"),
    path("d/<slug:slug>/next/", views.queue_next, name="queue-next"),
    path("documents/<int:document_id>/annotate/", views.annotate, name="annotate"),
    path(
        "documents/<int:document_id>/start/",
        views.AnnotateStartView.as_view(),
        name="annotate-start",
    ),
    path("d/<slug:slug>/review/", views.review_queue_page, name="review-queue"),
    path("d/<slug:slug>/dashboard/", views.dashboard_page, name="dashboard"),
    path("d/<slug:slug>/assign/", views.assign_page, name="assign"),
    path("d/<slug:slug>/members/", views.members_page, name="members"),
    path("d/<slug:slug>/import/", views.import_page, name="import"),
    path("documents/<int:document_id>/review/", views.review_page, name="review"),
    path("documents/<int:document_id>/gold/", views.gold_page, name="gold"),
    path("d/<slug:slug>/map/", views.map_page, name="map"),
    path("d/<slug:slug>/guidelines/", guidelines_views.guidelines_page, name="guidelines"),
    path(
        "d/<slug:slug>/guidelines/read/", guidelines_views.guidelines_read, name="guidelines-read"
    ),
]
