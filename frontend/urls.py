from django.contrib.auth import views as auth_views
from django.urls import path

from frontend import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("d/<slug:slug>/", views.debate_home, name="debate-home"),
    path("d/<slug:slug>/next/", views.queue_next, name="queue-next"),
    path("documents/<int:document_id>/annotate/", views.annotate, name="annotate"),
]
