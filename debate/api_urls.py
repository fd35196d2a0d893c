"""The REST API, version 1, mounted at /api/v1/."""

from django.urls import include, path, re_path

from debate import map_views, views

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("debates/", views.DebateListView.as_view(), name="api-debate-list"),
    path("debates/<slug:slug>/", views.DebateDetailView.as_view(), name="api-debate-detail"),
    path("debates/<slug:slug>/actors/", views.ActorListView.as_view(), name="api-actor-list"),
    path("debates/<slug:slug>/members/", views.MemberListView.as_view(), name="api-member-list"),
    path(
        "debates/<slug:slug>/documents/",
        views.DocumentListView.as_view(),
        name="api-document-list",
    ),
    path("documents/<int:pk>/", views.DocumentDetailView.as_view(), name="api-document-detail"),
    path("debates/<slug:slug>/maps/", map_views.MapListView.as_view(), name="api-map-list"),
    path(
        "map-builds/<int:pk>/", map_views.MapBuildDetailView.as_view(), name="api-map-build-detail"
    ),
    path("maps/<int:pk>/", map_views.MapDetailView.as_view(), name="api-map-detail"),
    path("", include("annotations.urls")),
    # Anything else under /api/v1/ answers in JSON too, not with the site's HTML 404 page.
    re_path(r"", views.api_not_found),
]
