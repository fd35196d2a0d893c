from django.contrib import admin

from annotations.models import Assignment, Relation, Span, SpanEvent
from debate.admin import ManagedDebateAdmin


@admin.register(Span)
class SpanAdmin(ManagedDebateAdmin):
    debate_path = "document__debate"
    list_display = ["id", "document", "layer", "start", "end", "stance", "role", "actor", "version"]
    list_filter = ["document__debate", "stance", "role"]
    search_fields = ["quote", "note"]
    list_select_related = ["document", "annotator", "actor"]
    raw_id_fields = ["document", "actor"]
    readonly_fields = ["version", "created_by", "created_at", "updated_at", "client_id"]


@admin.register(Relation)
class RelationAdmin(ManagedDebateAdmin):
    debate_path = "document__debate"
    list_display = ["id", "document", "source", "type", "target", "annotator"]
    list_filter = ["document__debate", "type"]
    raw_id_fields = ["document", "source", "target"]
    readonly_fields = ["created_by", "created_at"]


@admin.register(Assignment)
class AssignmentAdmin(ManagedDebateAdmin):
    debate_path = "document__debate"
    list_display = ["document", "annotator", "status", "submitted_at"]
    list_filter = ["document__debate", "status"]
    raw_id_fields = ["document"]


@admin.register(SpanEvent)
class SpanEventAdmin(ManagedDebateAdmin):
    debate_path = "document__debate"
    list_display = ["span_pk", "action", "by", "at", "document"]
    list_filter = ["document__debate", "action"]
    readonly_fields = ["span_pk", "document", "action", "by", "at", "before", "after", "reason"]

    def has_add_permission(self, request) -> bool:
        return False  # history is written by the services only

    def has_change_permission(self, request, obj=None) -> bool:
        return False
