"""Who may read argument maps and who may ask for a new one."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from debate.models import Debate
from debate.permissions import DebateAccess

MAPS_HIDDEN = (
    "Annotators of this debate do not see its map: it quotes the gold layer, and annotation "
    "here is blind. A manager can let them (the debate's annotators_see_maps setting)."
)


def reads_maps(access: DebateAccess, debate: Debate) -> bool:
    """Return whether the user may read the debate's maps and builds.

    Reviewers, managers and researchers (and superusers) always may; annotators only where
    the debate allows it, because a map quotes gold that annotators still annotating must
    not see (their own gold view waits until they submitted and the document is adjudicated).
    """
    return access.reads_all_layers or (access.annotates and debate.annotators_see_maps)


def builds_maps(access: DebateAccess) -> bool:
    """Return whether the user may ask for a new map: reviewers and managers (and superusers).

    They are the ones who change the gold layer and decide when it is worth a new version;
    annotators and researchers read maps.
    """
    return access.writes_gold or access.can_manage


class BuildsMapsOrReadOnly(BasePermission):
    """Allow reads to those who read maps and map builds to reviewers and managers."""

    message = "Only reviewers and managers of this debate can build its map."

    def has_permission(self, request, view) -> bool:
        access = view.get_access()  # answers 404 first when the debate is not visible
        if request.method in SAFE_METHODS:
            self.message = MAPS_HIDDEN
            return reads_maps(access, view.get_debate())
        return builds_maps(access)


class CuratesMapsOrReadOnly(BasePermission):
    """Allow reads to those who read maps and merge decisions to reviewers (and superusers)."""

    message = "Only reviewers of this debate curate its map's merges."

    def has_permission(self, request, view) -> bool:
        access = view.get_access()  # answers 404 first when the debate is not visible
        if request.method in SAFE_METHODS:
            self.message = MAPS_HIDDEN
            return reads_maps(access, view.get_debate())
        return access.writes_gold
