"""Django admin for annotations, scoped to the debates a manager manages (see debate.admin).

The API and the review screens are where annotations are made; the admin is for repairs by
a debate's managers. It writes through ``annotations.services`` like every other path, under
the managers' rule (``permissions.layer_repair_refusal``): a span is checked with the same
rules (``services.span_errors``), a submitted layer is read only, a span that changed since
the form was opened is not overwritten, and every change, of spans and of relations, is
recorded in the history. The history itself is never edited here.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from annotations.fields import SPAN_VALUES
from annotations.models import Assignment, Relation, RelationEvent, Span, SpanEvent
from annotations.permissions import layer_repair_refusal
from annotations.services import (
    SpanInput,
    layer_submitted,
    relation_create,
    relation_delete,
    relation_errors,
    relation_update,
    span_create,
    span_delete,
    span_errors,
    span_update,
)
from debate.admin import ManagedDebateAdmin, managed_debates
from debate.models import Membership

DEBATE_FILTER = ("document__debate", admin.RelatedOnlyFieldListFilter)
ADMIN_REASON = "changed in the Django admin"
SUBMITTED = "The annotator submitted this document; their layer of it no longer changes."
GOLD_BY_REVIEW = "The gold layer is made by adjudication in the review, not in the admin."


def _not_a_member(document, user) -> bool:
    return (
        user is not None
        and not Membership.objects.filter(debate_id=document.debate_id, user=user).exists()
    )


def _span_values(cleaned: dict) -> dict:
    """Return a span form's values as the services take them (the actor by id)."""
    values = {name: cleaned.get(name) for name in SPAN_VALUES}
    values["actor"] = None if values["actor"] is None else values["actor"].pk
    values["note"] = values["note"] or ""
    return values


class SpanAdminForm(forms.ModelForm):
    # The version the form was opened at: saving over a newer version would lose that change.
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Span
        fields = ["document", "annotator", *SPAN_VALUES]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["opened_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        document = cleaned.get("document") or getattr(self.instance, "document", None)
        if document is None or None in (cleaned.get(name) for name in ("start", "end", "quote")):
            return cleaned
        annotator = (
            cleaned.get("annotator") if self.instance.pk is None else self.instance.annotator
        )
        # The services' rules, for the fields that passed the form's own checks.
        errors = {
            field: messages
            for field, messages in span_errors(
                document=document, values=_span_values(cleaned)
            ).items()
            if field in cleaned
        }
        if annotator is None:
            errors["annotator"] = [GOLD_BY_REVIEW]
        elif _not_a_member(document, cleaned.get("annotator")):
            errors["annotator"] = ["The annotator is not a member of this document's debate."]
        elif layer_submitted(document=document, annotator=annotator):
            errors["annotator"] = [SUBMITTED]
        opened = cleaned.get("opened_version")
        if self.instance.pk is not None and opened is not None:
            current = Span.objects.filter(pk=self.instance.pk).values_list("version", flat=True)
            if current.first() != opened:
                errors[NON_FIELD_ERRORS] = [
                    f"The span changed since this page was opened (now version "
                    f"{current.first()}); reload the page and make your change again."
                ]
        if errors:
            raise ValidationError(errors)
        return cleaned


class LayerOfDocumentAdmin(ManagedDebateAdmin):
    """Rows of one layer of a document: read only in gold, and once their annotator submitted.

    The API writes gold only through the review's decisions; the admin holds to that.
    """

    debate_path = "document__debate"

    def _submitted(self, obj) -> bool:
        return obj is not None and (
            obj.annotator_id is None
            or layer_submitted(document=obj.document, annotator=obj.annotator)
        )

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not self._submitted(obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not self._submitted(obj)

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += ["document", "annotator"]  # a row never moves to another layer
        return fields


@admin.register(Span)
class SpanAdmin(LayerOfDocumentAdmin):
    form = SpanAdminForm
    list_display = ["id", "document", "layer", "start", "end", "stance", "role", "actor", "version"]
    list_filter = [DEBATE_FILTER, "stance", "role"]
    search_fields = ["quote", "note"]
    list_select_related = ["document", "annotator", "actor"]
    raw_id_fields = ["document", "actor"]
    readonly_fields = ["version", "created_by", "created_at", "updated_at", "client_id"]

    def save_model(self, request: HttpRequest, obj: Span, form, change: bool) -> None:
        if change and not form.has_changed():
            return
        values = _span_values(form.cleaned_data)
        if change:
            span = span_update(
                span=obj,
                by=request.user,
                expected_version=form.cleaned_data.get("opened_version"),
                changes={name: values[name] for name in SPAN_VALUES if name in form.changed_data},
                reason=ADMIN_REASON,
                permission=layer_repair_refusal,
            )
        else:
            span = span_create(
                document=obj.document,
                annotator=obj.annotator,
                by=request.user,
                data=SpanInput(**values),
                reason=ADMIN_REASON,
                permission=layer_repair_refusal,
            ).span
        # The admin goes on with the object it holds (messages, the log, the redirect).
        obj.pk, obj.version, obj.created_by = span.pk, span.version, span.created_by
        obj.created_at, obj.updated_at = span.created_at, span.updated_at

    def delete_model(self, request: HttpRequest, obj: Span) -> None:
        span_delete(
            span=obj,
            by=request.user,
            expected_version=None,
            reason=ADMIN_REASON,
            permission=layer_repair_refusal,
        )

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        for span in queryset.select_related("annotator"):
            self.delete_model(request, span)


class RelationAdminForm(forms.ModelForm):
    class Meta:
        model = Relation
        fields = ["document", "annotator", "source", "target", "type"]

    def clean(self):
        cleaned = super().clean()
        source, target = cleaned.get("source"), cleaned.get("target")
        document = cleaned.get("document") or getattr(self.instance, "document", None)
        kind = cleaned.get("type")
        if None in (source, target, document, kind):
            return cleaned
        annotator = (
            cleaned.get("annotator") if self.instance.pk is None else self.instance.annotator
        )
        errors = relation_errors(document=document, source=source, target=target, type=kind)
        if annotator is None:
            errors["annotator"] = [GOLD_BY_REVIEW]
        elif not source.annotator_id == target.annotator_id == annotator.pk:
            errors["target"] = ["Both spans must belong to the relation's layer."]
        elif layer_submitted(document=document, annotator=annotator):
            errors["annotator"] = [SUBMITTED]
        if errors:
            raise ValidationError(errors)
        return cleaned


@admin.register(Relation)
class RelationAdmin(LayerOfDocumentAdmin):
    form = RelationAdminForm
    list_display = ["id", "document", "source", "type", "target", "annotator"]
    list_filter = [DEBATE_FILTER, "type"]
    raw_id_fields = ["document", "source", "target"]
    readonly_fields = ["created_by", "created_at"]

    def managed_choices(self, request: HttpRequest, field_name: str) -> QuerySet | None:
        if field_name in ("source", "target"):
            return Span.objects.filter(document__debate__in=managed_debates(request))
        return super().managed_choices(request, field_name)

    def save_model(self, request: HttpRequest, obj: Relation, form, change: bool) -> None:
        if change and not form.has_changed():
            return
        link = {"source": obj.source, "target": obj.target, "type": obj.type}
        if change:
            relation = relation_update(
                relation=obj,
                by=request.user,
                **link,
                reason=ADMIN_REASON,
                permission=layer_repair_refusal,
            )
        else:
            relation = relation_create(
                document=obj.document,
                by=request.user,
                **link,
                reason=ADMIN_REASON,
                permission=layer_repair_refusal,
            )
        obj.pk, obj.created_by, obj.created_at = (
            relation.pk,
            relation.created_by,
            relation.created_at,
        )

    def delete_model(self, request: HttpRequest, obj: Relation) -> None:
        relation_delete(
            relation=obj, by=request.user, reason=ADMIN_REASON, permission=layer_repair_refusal
        )

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        for relation in queryset.select_related("document", "annotator"):
            self.delete_model(request, relation)


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


HISTORY_FIELDS = ["document", "annotator", "action", "by", "at", "before", "after", "reason"]


@admin.register(SpanEvent)
class SpanEventAdmin(HistoryAdmin):
    list_display = ["span_pk", "action", "by", "at", "document"]
    readonly_fields = ["span_pk", *HISTORY_FIELDS]


@admin.register(RelationEvent)
class RelationEventAdmin(HistoryAdmin):
    list_display = ["relation_pk", "action", "by", "at", "document"]
    readonly_fields = ["relation_pk", *HISTORY_FIELDS]
