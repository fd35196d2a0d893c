"""What a user may do in a debate, decided from their membership role.

Visibility (who sees which rows) lives in the querysets' ``visible_to``; this module decides
the actions on rows a user can already see. Views that sit under a debate resolve the
``DebateAccess`` once per request (``view.get_access()``), after the parent lookup has
already answered 404 to non-members.
"""

from dataclasses import dataclass

from rest_framework.permissions import SAFE_METHODS, BasePermission

from debate.models import LAYER_READER_ROLES, Role


@dataclass(frozen=True)
class DebateAccess:
    """A user's standing in one debate: their role, or superuser powers without one."""

    user_id: int
    role: str | None
    is_superuser: bool = False
    debate_id: int | None = None  # the debate it was read for, so a service can trust it

    @property
    def is_member(self) -> bool:
        """Return whether the user belongs to the debate (superusers belong everywhere)."""
        return self.role is not None or self.is_superuser

    @property
    def can_manage(self) -> bool:
        """Return whether the user manages documents, actors and members."""
        return self.role == Role.MANAGER or self.is_superuser

    @property
    def reads_all_layers(self) -> bool:
        """Return whether the user reads every annotator's layer and gold."""
        return self.role in LAYER_READER_ROLES or self.is_superuser

    @property
    def annotates(self) -> bool:
        """Return whether the user writes a layer of their own."""
        return self.role == Role.ANNOTATOR

    @property
    def writes_gold(self) -> bool:
        """Return whether the user writes the gold layer (superusers adjudicate too)."""
        return self.role == Role.REVIEWER or self.is_superuser

    def can_write_layer(self, annotator_id: int | None) -> bool:
        """Return whether the user may write the layer of ``annotator_id`` (None for gold)."""
        if annotator_id is None:
            return self.writes_gold
        return self.annotates and annotator_id == self.user_id


class IsStaffOrReadOnly(BasePermission):
    """Allow reads to every signed-in user and writes to staff only."""

    message = "Only staff can create debates."

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or bool(request.user and request.user.is_staff)


class ManagesDebateOrReadOnly(BasePermission):
    """Allow reads to members and writes to the debate's managers."""

    message = "Only managers of this debate can do this."

    def has_permission(self, request, view) -> bool:
        access = view.get_access()  # answers 404 first when the debate is not visible
        return request.method in SAFE_METHODS or access.can_manage


class ReadsAllLayersOrManages(BasePermission):
    """Allow reads to those who read every layer, and writes to the debate's managers."""

    message = "Only reviewers, managers and researchers of this debate can see its members."

    def has_permission(self, request, view) -> bool:
        access = view.get_access()
        if request.method in SAFE_METHODS:
            return access.reads_all_layers
        self.message = ManagesDebateOrReadOnly.message
        return access.can_manage


class Annotates(BasePermission):
    """Allow the debate's annotators."""

    message = "Only annotators of this debate can do this."

    def has_permission(self, request, view) -> bool:
        return view.get_access().annotates
