"""API routes of annotations, mounted under /api/v1/ by config.urls."""

from django.urls import include, path

from annotations import views
from annotations.document_layer import DocumentWithLayerView
from annotations.exports import views as export_views
from annotations.imports import views as import_views

urlpatterns = [
    # The debate app's document detail, which can also bring a layer of its annotations.
    path("documents/<int:pk>/", DocumentWithLayerView.as_view(), name="api-document-detail"),
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
    path(
        "relations/<int:pk>/history/",
        views.RelationHistoryView.as_view(),
        name="api-relation-history",
    ),
    path("debates/<slug:slug>/queue/next/", views.QueueNextView.as_view(), name="api-queue-next"),
    path(
        "debates/<slug:slug>/export/spans/",
        export_views.SpanExportView.as_view(),
        name="api-span-export",
    ),
    path("debates/<slug:slug>/export/spans", export_views.SpanExportAliasView.as_view()),
    path(
        "debates/<slug:slug>/import/brat/",
        import_views.BratImportView.as_view(),
        name="api-brat-import",
    ),
    path(
        "debates/<slug:slug>/import/spans/",
        import_views.SpanImportView.as_view(),
        name="api-span-import",
    ),
    path("", include("annotations.review.urls")),
]
