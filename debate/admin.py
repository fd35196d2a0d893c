"""Django admin, usable by a debate's managers: each sees and edits only the debates they manage.

Managers are staff users without Django model permissions; what they may touch is decided by
their memberships, through ``Debate.objects.managed_by``.
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from debate.models import Actor, Debate, Document, Membership


class ManagedDebateAdmin(admin.ModelAdmin):
    """Limit an admin to the rows of debates the signed-in user manages."""

    debate_path = "debate"

    def _managed(self, request: HttpRequest) -> QuerySet[Debate]:
        return Debate.objects.managed_by(request.user)

    def _manages_any(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff and self._managed(request).exists()

    def _manages(self, request: HttpRequest, obj) -> bool:
        if obj is None:
            return self._manages_any(request)
        return request.user.is_staff and self.get_queryset(request).filter(pk=obj.pk).exists()

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.debate_path}__in": self._managed(request)})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "debate" and not request.user.is_superuser:
            kwargs["queryset"] = self._managed(request)
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


class ActorInline(admin.TabularInline):
    model = Actor
    extra = 0
    fields = ["name", "kind", "affiliation", "aliases"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Debate)
class DebateAdmin(ManagedDebateAdmin):
    debate_path = "pk"
    list_display = ["title", "slug", "annotators_per_document", "created_at"]
    search_fields = ["title", "slug", "proposition"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ActorInline, MembershipInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = admin.ModelAdmin.get_queryset(self, request)
        return queryset if request.user.is_superuser else queryset & self._managed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Creating a debate makes a new project: staff-wide, not per debate.
        return request.user.is_superuser


@admin.register(Actor)
class ActorAdmin(ManagedDebateAdmin):
    list_display = ["name", "kind", "affiliation", "debate"]
    list_filter = ["debate", "kind"]
    search_fields = ["name", "affiliation"]


@admin.register(Document)
class DocumentAdmin(ManagedDebateAdmin):
    list_display = ["title", "debate", "source", "published", "status"]
    list_filter = ["debate", "status"]
    search_fields = ["title", "source", "url"]
    date_hierarchy = "published"
    readonly_fields = ["sha256", "created_at", "updated_at"]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.is_annotated():
            fields.append("text")  # annotations point into it
        return fields


@admin.register(Membership)
class MembershipAdmin(ManagedDebateAdmin):
    list_display = ["user", "debate", "role", "created_at"]
    list_filter = ["debate", "role"]
    search_fields = ["user__username", "user__email"]
