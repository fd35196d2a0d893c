"""API routes of argument maps, mounted under /api/v1/ by config.urls."""

from django.urls import path

from maps import views

urlpatterns = [
    path("debates/<slug:slug>/maps/", views.MapListView.as_view(), name="api-map-list"),
    path(
        "debates/<slug:slug>/maps/agreement/",
        views.MapAgreementView.as_view(),
        name="api-map-agreement",
    ),
    path(
        "debates/<slug:slug>/maps/decisions/",
        views.MergeDecisionListView.as_view(),
        name="api-map-decision-list",
    ),
    path(
        "debates/<slug:slug>/maps/decisions/<int:pk>/undo/",
        views.MergeDecisionUndoView.as_view(),
        name="api-map-decision-undo",
    ),
    path("map-builds/<int:pk>/", views.MapBuildDetailView.as_view(), name="api-map-build-detail"),
    path("maps/<int:pk>/", views.MapDetailView.as_view(), name="api-map-detail"),
    path("maps/<int:pk>/diff/", views.MapDiffView.as_view(), name="api-map-diff"),
    path("maps/<int:pk>/timeline/", views.MapTimelineView.as_view(), name="api-map-timeline"),
]
