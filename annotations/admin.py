"""Django admin for annotations, scoped to the debates a manager manages (see debate.admin).

The API and the review screens are where annotations are made; the admin is for repairs, so
it validates a span the way the database cannot (the quote is the text at its offsets, labels
come from the debate's scheme) and refuses to overwrite a span that changed since the form
was opened. Each change made here is recorded in the span's history like any other; the
history itself is never edited here.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.http import HttpRequest

from annotations.models import (
    Assignment,
    Relation,
    RelationEvent,
    Span,
    SpanEvent,
    SpanEventAction,
)
from annotations.services import span_snapshot
from debate.admin import ManagedDebateAdmin, managed_debates
from debate.models import Membership
from debate.scheme import scheme_keys

DEBATE_FILTER = ("document__debate", admin.RelatedOnlyFieldListFilter)
ADMIN_REASON = "changed in the Django admin"


def _not_a_member(document, user) -> bool:
    return (
        user is not None
        and not Membership.objects.filter(debate_id=document.debate_id, user=user).exists()
    )


def _record(span: Span, action: str, *, by, before=None, after=None) -> None:
    """Write the history of a change made here, as the services write theirs."""
    SpanEvent.objects.create(
        span_pk=span.pk,
        document_id=span.document_id,
        annotator_id=span.annotator_id,
        action=action,
        by=by,
        before=before,
        after=after,
        reason=ADMIN_REASON,
    )


def _deleted_snapshot(span: Span) -> dict:
    snapshot = span_snapshot(span)
    relations = list(Relation.objects.filter(source=span).values_list("target_id", "type")) + list(
        Relation.objects.filter(target=span).values_list("source_id", "type")
    )
    if relations:
        # Relations go with the span; name them so the history shows what else went.
        snapshot["relations"] = sorted([other, kind] for other, kind in relations)
    return snapshot


class SpanAdminForm(forms.ModelForm):
    # The version the form was opened at: saving over a newer version would lose that change.
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Span
        fields = [
            "document",
            "annotator",
            "start",
            "end",
            "quote",
            "stance",
            "role",
            "actor",
            "note",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["opened_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        document = cleaned.get("document") or getattr(self.instance, "document", None)
        start, end, quote = cleaned.get("start"), cleaned.get("end"), cleaned.get("quote")
        if document is None or None in (start, end, quote):
            return cleaned
        errors: dict[str, str] = {}
        text = document.text
        if end > len(text):
            errors["end"] = f"Must be at most {len(text)}, the length of the text in code points."
        elif end <= start:
            errors["end"] = "Must be greater than start: a span covers at least one character."
        elif quote != text[start:end]:
            errors["quote"] = f"Must equal text[{start}:{end}], which is {text[start:end]!r}."
        for field, part in (("stance", "stances"), ("role", "roles")):
            keys = scheme_keys(document.debate.scheme, part)
            if field in cleaned and cleaned[field] not in keys:
                errors[field] = f"Must be one of this debate's {part}: {', '.join(keys)}."
        actor = cleaned.get("actor")
        if actor is not None and actor.debate_id != document.debate_id:
            errors["actor"] = "The actor belongs to another debate."
        if _not_a_member(document, cleaned.get("annotator")):
            errors["annotator"] = "The annotator is not a member of this document's debate."
        opened = cleaned.get("opened_version")
        if self.instance.pk is not None and opened is not None:
            current = Span.objects.filter(pk=self.instance.pk).values_list("version", flat=True)
            if current.first() != opened:
                errors[NON_FIELD_ERRORS] = (
                    f"The span changed since this page was opened (now version "
                    f"{current.first()}); reload the page and make your change again."
                )
        if errors:
            raise ValidationError(errors)
        return cleaned


@admin.register(Span)
class SpanAdmin(ManagedDebateAdmin):
    form = SpanAdminForm
    debate_path = "document__debate"
    list_display = ["id", "document", "layer", "start", "end", "stance", "role", "actor", "version"]
    list_filter = [DEBATE_FILTER, "stance", "role"]
    search_fields = ["quote", "note"]
    list_select_related = ["document", "annotator", "actor"]
    raw_id_fields = ["document", "actor"]
    readonly_fields = ["version", "created_by", "created_at", "updated_at", "client_id"]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += ["document", "annotator"]  # relations hang on both; a span never moves
        return fields

    def save_model(self, request: HttpRequest, obj: Span, form, change: bool) -> None:
        if change and not form.has_changed():
            return
        before = None
        if change:
            before = span_snapshot(Span.objects.select_related("annotator").get(pk=obj.pk))
            obj.version = F("version") + 1  # so an API client holding the old version gets 409
        else:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        obj.refresh_from_db(fields=["version"])
        _record(
            obj,
            SpanEventAction.UPDATED if change else SpanEventAction.CREATED,
            by=request.user,
            before=before,
            after=span_snapshot(obj),
        )

    def delete_model(self, request: HttpRequest, obj: Span) -> None:
        _record(obj, SpanEventAction.DELETED, by=request.user, before=_deleted_snapshot(obj))
        super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        for span in queryset.select_related("annotator"):
            _record(span, SpanEventAction.DELETED, by=request.user, before=_deleted_snapshot(span))
        super().delete_queryset(request, queryset)


class RelationAdminForm(forms.ModelForm):
    class Meta:
        model = Relation
        fields = ["document", "annotator", "source", "target", "type"]

    def clean(self):
        cleaned = super().clean()
        source, target = cleaned.get("source"), cleaned.get("target")
        document, kind = cleaned.get("document"), cleaned.get("type")
        if None in (source, target, document):
            return cleaned
        errors: dict[str, str] = {}
        if source == target:
            errors["target"] = "A span cannot point to itself."
        elif source.document_id != document.pk or target.document_id != document.pk:
            errors["target"] = "Both spans must belong to the relation's document."
        elif (
            not source.annotator_id
            == target.annotator_id
            == getattr(cleaned.get("annotator"), "pk", None)
        ):
            errors["target"] = "Both spans must belong to the relation's layer."
        keys = scheme_keys(document.debate.scheme, "relation_types")
        if kind is not None and kind not in keys:
            errors["type"] = f"Must be one of this debate's relation types: {', '.join(keys)}."
        if errors:
            raise ValidationError(errors)
        return cleaned


@admin.register(Relation)
class RelationAdmin(ManagedDebateAdmin):
    form = RelationAdminForm
    debate_path = "document__debate"
    list_display = ["id", "document", "source", "type", "target", "annotator"]
    list_filter = [DEBATE_FILTER, "type"]
    raw_id_fields = ["document", "source", "target"]
    readonly_fields = ["created_by", "created_at"]

    def managed_choices(self, request: HttpRequest, field_name: str) -> QuerySet | None:
        if field_name in ("source", "target"):
            return Span.objects.filter(document__debate__in=managed_debates(request))
        return super().managed_choices(request, field_name)

    def save_model(self, request: HttpRequest, obj: Relation, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class AssignmentAdminForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ["document", "annotator", "status", "submitted_at"]

    def clean(self):
        cleaned = super().clean()
        document = cleaned.get("document")
        if document is not None and _not_a_member(document, cleaned.get("annotator")):
            raise ValidationError(
                {"annotator": "The annotator is not a member of this document's debate."}
            )
        return cleaned


@admin.register(Assignment)
class AssignmentAdmin(ManagedDebateAdmin):
    form = AssignmentAdminForm
    debate_path = "document__debate"
    list_display = ["document", "annotator", "status", "submitted_at"]
    list_filter = [DEBATE_FILTER, "status"]
    raw_id_fields = ["document"]


class HistoryAdmin(ManagedDebateAdmin):
    """Read-only history: written with each change; nobody adds, edits or removes it by hand."""

    debate_path = "document__debate"
    list_filter = [DEBATE_FILTER, "action"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(SpanEvent)
class SpanEventAdmin(HistoryAdmin):
    list_display = ["span_pk", "action", "by", "at", "document"]
    readonly_fields = [
        "span_pk",
        "document",
        "annotator",
        "action",
        "by",
        "at",
        "before",
        "after",
        "reason",
    ]


@admin.register(RelationEvent)
class RelationEventAdmin(HistoryAdmin):
    list_display = ["relation_pk", "action", "by", "at", "document"]
    readonly_fields = [
        "relation_pk",
        "document",
        "annotator",
        "action",
        "by",
        "at",
        "before",
        "after",
        "reason",
    ]
