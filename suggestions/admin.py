from django.contrib import admin

from suggestions.models import SuggestionDecision, SuggestionModel, SuggestionTraining


@admin.register(SuggestionModel)
class SuggestionModelAdmin(admin.ModelAdmin):
    """Versions are immutable: read only."""

    list_display = ["debate", "number", "document_count", "span_count", "created_at"]
    exclude = ["fitted"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SuggestionTraining)
class SuggestionTrainingAdmin(admin.ModelAdmin):
    list_display = ["debate", "status", "requested_at", "finished_at", "message"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SuggestionDecision)
class SuggestionDecisionAdmin(admin.ModelAdmin):
    list_display = ["document", "annotator", "model", "action", "start", "end", "at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
