"""API routes of annotations, mounted under /api/v1/ by debate.api_urls."""

from django.urls import include, path

from annotations import views

urlpatterns = [
    path("documents/<int:pk>/spans/", views.SpanListView.as_view(), name="api-span-list"),
    path(
        "documents/<int:pk>/relations/", views.RelationListView.as_view(), name="api-relation-list"
    ),
    path(
        "documents/<int:pk>/submit/", views.DocumentSubmitView.as_view(), name="api-document-submit"
    ),
    path("spans/<int:pk>/", views.SpanDetailView.as_view(), name="api-span-detail"),
    path("spans/<int:pk>/history/", views.SpanHistoryView.as_view(), name="api-span-history"),
    path("relations/<int:pk>/", views.RelationDetailView.as_view(), name="api-relation-detail"),
    path("debates/<slug:slug>/queue/next/", views.QueueNextView.as_view(), name="api-queue-next"),
    path("", include("annotations.review_urls")),
]
