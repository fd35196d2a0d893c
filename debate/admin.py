"""Django admin, usable by a debate's managers: each sees and edits only the debates they manage.

Managers are staff users without Django model permissions; what they may touch is decided by
their memberships, through ``Debate.objects.managed_by``. Every way into another debate is
closed: querysets, the choices of foreign keys (raw id fields included), list filters and the
inlines of a debate.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from debate.models import (
    MAX_TEXT_CHARS,
    Actor,
    Debate,
    Document,
    Membership,
    Role,
    text_too_long,
)
from debate.scheme import scheme_keys, validate_scheme
from debate.selectors import member_candidates, scheme_labels_in_use
from debate.services import LAST_MANAGER, staff_follow_role
from debate.text import normalize_text, text_sha256


def managed_debates(request: HttpRequest) -> QuerySet[Debate]:
    """Return the debates the signed-in user may administer."""
    return Debate.objects.managed_by(request.user)


def member_choices(request: HttpRequest) -> QuerySet:
    """Return the users a membership form offers: the API's candidates and today's members.

    Candidates are only names the manager already sees (``member_candidates``), so the list
    tells nobody who else has an account; today's members stay so that their rows still save.
    """
    candidates = member_candidates(user=request.user).values("pk")
    current = Membership.objects.filter(debate__in=managed_debates(request)).values("user")
    return (
        get_user_model()
        .objects.filter(Q(pk__in=candidates) | Q(pk__in=current))
        .order_by("username")
    )


class ManagedDebateAdmin(admin.ModelAdmin):
    """Limit an admin to the rows of debates the signed-in user manages."""

    debate_path = "debate"

    def _manages_any(self, request: HttpRequest) -> bool:
        return (
            request.user.is_active and request.user.is_staff and managed_debates(request).exists()
        )

    def _manages(self, request: HttpRequest, obj) -> bool:
        if obj is None:
            return self._manages_any(request)
        return request.user.is_staff and self.get_queryset(request).filter(pk=obj.pk).exists()

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.debate_path}__in": managed_debates(request)})

    def managed_choices(self, request: HttpRequest, field_name: str) -> QuerySet | None:
        """Return the rows a foreign key named ``field_name`` may point to, or None for any."""
        debates = managed_debates(request)
        if field_name == "debate":
            return debates
        if field_name == "document":
            return Document.objects.filter(debate__in=debates)
        if field_name == "actor":
            return Actor.objects.filter(debate__in=debates)
        if field_name == "annotator":
            return get_user_model().objects.filter(memberships__debate__in=debates).distinct()
        if field_name == "user":
            return member_choices(request)
        return None

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            choices = self.managed_choices(request, db_field.name)
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or self._manages_any(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser or self._manages(request, obj)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser or self._manages(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser or self._manages(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or self._manages_any(request)


class ManagedDebateInline(admin.TabularInline):
    """An inline of a debate, open to whoever manages that debate."""

    extra = 0

    def _manages(self, request: HttpRequest, obj) -> bool:
        if request.user.is_superuser:
            return True
        debates = managed_debates(request)
        # Without a debate (Django asks so when it builds the inline's queryset), any will do:
        # the parent admin already opened only debates this user manages.
        return request.user.is_staff and (
            debates.exists() if obj is None else debates.filter(pk=obj.pk).exists()
        )

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._manages(request, obj)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._manages(request, obj)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._manages(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._manages(request, obj)


class ActorInline(ManagedDebateInline):
    model = Actor
    fields = ["name", "kind", "affiliation", "aliases"]


def _leaves_no_manager(*, membership_pk: int, debate_id: int) -> bool:
    """Return whether a debate has no manager but this membership's (were it to go)."""
    return not (
        Membership.objects.filter(debate_id=debate_id, role=Role.MANAGER)
        .exclude(pk=membership_pk)
        .exists()
    )


class MembershipForm(forms.ModelForm):
    """The admin's membership form: the debate's last manager keeps the role, as in member_add."""

    def clean(self):
        data = super().clean()
        if self.instance.pk is None:
            return data
        before = (
            Membership.objects.filter(pk=self.instance.pk)
            .values("debate_id", "role", "user__username")
            .first()
        )
        debate = data.get("debate")
        moved = debate is not None and debate.pk != before["debate_id"]
        if (
            before["role"] == Role.MANAGER
            and (data.get("role") != Role.MANAGER or moved)
            and _leaves_no_manager(membership_pk=self.instance.pk, debate_id=before["debate_id"])
        ):
            raise ValidationError({"role": LAST_MANAGER.format(username=before["user__username"])})
        return data


class MembershipInlineFormSet(forms.BaseInlineFormSet):
    """A debate's members in its admin page: the changes must leave it a manager."""

    def clean(self):
        super().clean()
        if self.instance.pk is None or any(self.errors):
            return
        had_one = Membership.objects.filter(debate=self.instance, role=Role.MANAGER).exists()
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not (self.can_delete and self._should_delete_form(form))
        ]
        if had_one and not any(data.get("role") == Role.MANAGER for data in kept):
            raise ValidationError(
                "A debate keeps at least one manager: make another member manager first, so "
                "that someone can still manage it."
            )


class MembershipInline(ManagedDebateInline):
    model = Membership
    fields = ["user", "role"]
    form = MembershipForm
    formset = MembershipInlineFormSet

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = member_choices(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# Filters list only debates that appear in the (already limited) rows, never all of them.
DEBATE_FILTER = ("debate", admin.RelatedOnlyFieldListFilter)


class DebateAdminForm(forms.ModelForm):
    class Meta:
        model = Debate
        fields = [
            "slug",
            "title",
            "proposition",
            "scheme",
            "annotators_per_document",
            "annotators_see_maps",
            "remember_last_choice",
            "merge_method",
            "suggestions",
        ]

    def clean_scheme(self):
        scheme = self.cleaned_data["scheme"]
        validate_scheme(scheme)
        if self.instance.pk is None:
            return scheme
        in_use = scheme_labels_in_use(debate=self.instance)
        dropped = {
            part: sorted(set(used.distinct()) - set(scheme_keys(scheme, part)))
            for part, used in in_use.items()
        }
        if any(dropped.values()):
            raise ValidationError(
                "Annotations use labels this scheme drops: "
                + "; ".join(f"{part} {', '.join(keys)}" for part, keys in dropped.items() if keys)
                + "."
            )
        return scheme


@admin.register(Debate)
class DebateAdmin(ManagedDebateAdmin):
    form = DebateAdminForm
    debate_path = "pk"
    list_display = [
        "title",
        "slug",
        "annotators_per_document",
        "annotators_see_maps",
        "created_at",
    ]
    search_fields = ["title", "slug", "proposition"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ActorInline, MembershipInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Creating a debate makes a new project: staff-wide, not per debate.
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Deleting one ends a project and everything annotated in it, so it is as rare as adding.
        return request.user.is_superuser


@admin.register(Actor)
class ActorAdmin(ManagedDebateAdmin):
    list_display = ["name", "kind", "affiliation", "debate"]
    list_filter = [DEBATE_FILTER, "kind"]
    search_fields = ["name", "affiliation"]


class DocumentAdminForm(forms.ModelForm):
    # Say https explicitly: Django 6 makes it the default for a URL typed without a scheme.
    url = forms.URLField(max_length=1000, required=False, assume_scheme="https")

    class Meta:
        model = Document
        fields = ["debate", "title", "source", "url", "published", "text"]

    def clean(self):
        cleaned = super().clean()
        debate, text = cleaned.get("debate", self.instance.debate_id), cleaned.get("text")
        if debate is None or text is None or "text" not in self.fields:
            return cleaned
        text = normalize_text(text)
        if not text.strip():
            raise ValidationError({"text": "The text is empty."})
        if len(text) > MAX_TEXT_CHARS:
            raise ValidationError({"text": text_too_long(len(text))})
        duplicate = Document.objects.filter(debate=debate, sha256=text_sha256(text)).exclude(
            pk=self.instance.pk
        )
        if duplicate.exists():
            raise ValidationError(
                {"text": f"The debate already holds this text: {duplicate.first().title!r}."}
            )
        cleaned["text"] = text
        return cleaned


@admin.register(Document)
class DocumentAdmin(ManagedDebateAdmin):
    form = DocumentAdminForm
    list_display = ["title", "debate", "source", "published", "status"]
    list_filter = [DEBATE_FILTER, "status"]
    search_fields = ["title", "source", "url"]
    date_hierarchy = "published"
    # The status follows the work (assignments submitted, review done), never a hand edit.
    readonly_fields = ["status", "sha256", "created_at", "updated_at"]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.is_annotated():
            fields += ["debate", "text"]  # annotations point into it; Document.save holds both
        return fields


@admin.register(Membership)
class MembershipAdmin(ManagedDebateAdmin):
    list_display = ["user", "debate", "role", "created_at"]
    list_filter = [DEBATE_FILTER, "role"]
    search_fields = ["user__username", "user__email"]
    form = MembershipForm

    def get_deleted_objects(self, objs, request):
        """Name the last managers among ``objs`` as protected: the delete page then refuses."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        going = {m.pk for m in objs}
        # The debates that keep a manager once these memberships go: one query for all.
        keep_one = set(
            Membership.objects.filter(debate_id__in={m.debate_id for m in objs}, role=Role.MANAGER)
            .exclude(pk__in=going)
            .values_list("debate_id", flat=True)
        )
        for membership in objs:
            if membership.role == Role.MANAGER and membership.debate_id not in keep_one:
                protected.append(
                    LAST_MANAGER.format(username=membership.user.get_username())
                    + f" ({membership.debate.slug})"
                )
        return deleted, counts, perms_needed, protected

    def save_model(self, request: HttpRequest, obj: Membership, form, change: bool) -> None:
        # A role's admin access follows it here as in member_add, the API's and shell's path.
        before = Membership.objects.filter(pk=obj.pk).values_list("user", "role").first()
        super().save_model(request, obj, form, change)
        if before is not None and before[0] != obj.user_id:
            user = get_user_model().objects.get(pk=before[0])
            staff_follow_role(user=user, role_before=before[1], role=None)
            before = None
        staff_follow_role(user=obj.user, role_before=before and before[1], role=obj.role)

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        super().delete_model(request, obj)
        staff_follow_role(user=obj.user, role_before=obj.role, role=None)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        removed = [(m.user, m.role) for m in queryset.select_related("user")]
        super().delete_queryset(request, queryset)
        for user, role in removed:
            staff_follow_role(user=user, role_before=role, role=None)
