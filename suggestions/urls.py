"""API routes of suggestions, mounted under /api/v1/ by config.urls."""

from django.urls import path

from suggestions import views

urlpatterns = [
    path(
        "documents/<int:pk>/suggestions/",
        views.DocumentSuggestionsView.as_view(),
        name="api-document-suggestions",
    ),
    path(
        "documents/<int:pk>/suggestions/decisions/",
        views.SuggestionDecisionView.as_view(),
        name="api-document-suggestion-decisions",
    ),
    path(
        "debates/<slug:slug>/suggestions/model/",
        views.SuggestionModelView.as_view(),
        name="api-suggestion-model",
    ),
    path(
        "debates/<slug:slug>/suggestions/model/train/",
        views.SuggestionTrainView.as_view(),
        name="api-suggestion-train",
    ),
    path(
        "debates/<slug:slug>/suggestions/settings/",
        views.SuggestionSettingsView.as_view(),
        name="api-suggestion-settings",
    ),
    path(
        "debates/<slug:slug>/suggestions/export/",
        views.SuggestionExportView.as_view(),
        name="api-suggestion-export",
    ),
]
