"""API routes of the debate domain, mounted under /api/v1/ by config.urls."""

from django.urls import path

from debate import views
from debate.imports.views import DocumentImportView

urlpatterns = [
    path("debates/", views.DebateListView.as_view(), name="api-debate-list"),
    path("debates/<slug:slug>/", views.DebateDetailView.as_view(), name="api-debate-detail"),
    path("debates/<slug:slug>/actors/", views.ActorListView.as_view(), name="api-actor-list"),
    path("debates/<slug:slug>/members/", views.MemberListView.as_view(), name="api-member-list"),
    path(
        "debates/<slug:slug>/guidelines/",
        views.GuidelinesView.as_view(),
        name="api-guidelines",
    ),
    path(
        "debates/<slug:slug>/documents/",
        views.DocumentListView.as_view(),
        name="api-document-list",
    ),
    path(
        "debates/<slug:slug>/documents/import/",
        DocumentImportView.as_view(),
        name="api-document-import",
    ),
]
