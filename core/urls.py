"""API routes of the plumbing, mounted under /api/v1/ by config.urls."""

from django.urls import path

from core import views

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
]
