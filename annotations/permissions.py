"""Who may change a span or relation they can see: the writer of its layer.

Seeing is decided by ``visible_to`` (an invisible row answers 404); writing by
``DebateAccess.can_write_layer``. ``layer_write_refusal`` words that one rule for the views
and for the services, which enforce it again for every caller.
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from debate.permissions import DebateAccess


def layer_write_refusal(*, access: DebateAccess, annotator_id: int | None) -> str | None:
    """Return why a user may not write a layer (None for gold), or None when they may."""
    if access.can_write_layer(annotator_id):
        return None
    if annotator_id is None:
        return "Only reviewers of this debate write the gold layer."
    if annotator_id != access.user_id:
        return "You can write only your own layer."
    return "Only annotators of this debate write a layer of their own."


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
