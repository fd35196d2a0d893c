"""Who may change a span or relation they can see: the writer of its layer, or a manager.

Seeing is decided by ``visible_to`` (an invisible row answers 404); writing by one of the
rules below, each a function of a user's access to the debate and of the layer (an
annotator's id, None for gold) that says why the user may not write it, or None. The views
check them, and the services check them again for every caller, each write with the rule of
its path: ``layer_write_refusal`` for the API and the review (the layer's own writer),
``import_refusal`` for imports, ``layer_repair_refusal`` for the Django admin.
"""

from collections.abc import Callable

from rest_framework.permissions import SAFE_METHODS, BasePermission

from debate.permissions import DebateAccess

# A rule of who may write a layer: (access=..., annotator_id=...) -> the refusal, or None.
LayerRule = Callable[..., str | None]


def layer_write_refusal(*, access: DebateAccess, annotator_id: int | None) -> str | None:
    """Return why a user may not write a layer (None for gold), or None when they may."""
    if access.can_write_layer(annotator_id):
        return None
    if annotator_id is None:
        return "Only reviewers of this debate write the gold layer."
    if annotator_id != access.user_id:
        return "You can write only your own layer."
    return "Only annotators of this debate write a layer of their own."


def import_refusal(*, access: DebateAccess, annotator_id: int | None) -> str | None:
    """Return why a user may not import into a layer (None: gold), or None when they may.

    Loading a corpus is a manager's job: managers import into gold or any annotator's layer.
    Reviewers, who write gold anyway, import into gold. Annotators and researchers do not.
    """
    if access.can_manage:
        return None
    if access.writes_gold:
        if annotator_id is None:
            return None
        return "Reviewers import into the gold layer only."
    return "Only managers and reviewers of this debate import annotations."


def layer_repair_refusal(*, access: DebateAccess, annotator_id: int | None) -> str | None:
    """Return why a user may not repair a layer in the Django admin, or None when they may.

    The admin is the managers' tool for repairs: they change any layer of their debates.
    """
    if access.can_manage:
        return None
    return "Only managers of this debate change its annotations in the admin."


class WritesLayerOrReadOnly(BasePermission):
    """Allow reads of visible rows, and changes to rows of a layer the user writes."""

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        refusal = layer_write_refusal(access=view.get_access(), annotator_id=obj.annotator_id)
        if refusal:
            self.message = refusal
        return refusal is None


class WritesSomeLayerOrReadOnly(BasePermission):
    """Allow reads to members, and writes to those who write a layer (annotators, reviewers)."""

    message = "Only annotators and reviewers of this debate write annotations."

    def has_permission(self, request, view) -> bool:
        access = view.get_access()  # answers 404 first when the document is not visible
        return request.method in SAFE_METHODS or access.annotates or access.writes_gold
