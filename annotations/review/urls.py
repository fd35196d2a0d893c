"""API routes of the review workflow, mounted under /api/v1/ by annotations.urls."""

from django.urls import path

from annotations.review import views

urlpatterns = [
    path("documents/<int:pk>/review/", views.ReviewView.as_view(), name="api-review"),
    path(
        "documents/<int:pk>/review/decisions/",
        views.ReviewDecisionListView.as_view(),
        name="api-review-decisions",
    ),
    path(
        "documents/<int:pk>/review/finish/",
        views.ReviewFinishView.as_view(),
        name="api-review-finish",
    ),
    path(
        "documents/<int:pk>/assignments/",
        views.AssignmentListView.as_view(),
        name="api-assignment-list",
    ),
    path(
        "debates/<slug:slug>/review/queue/",
        views.ReviewQueueView.as_view(),
        name="api-review-queue",
    ),
    path(
        "debates/<slug:slug>/agreement/",
        views.DebateAgreementView.as_view(),
        name="api-debate-agreement",
    ),
    path(
        "debates/<slug:slug>/assignments/spread/",
        views.AssignmentSpreadView.as_view(),
        name="api-assignment-spread",
    ),
]
