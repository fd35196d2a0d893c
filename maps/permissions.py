"""Who may read argument maps and who may ask for a new one."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from debate.permissions import DebateAccess


def builds_maps(access: DebateAccess) -> bool:
    """Return whether the user may ask for a new map: reviewers and managers (and superusers).

    They are the ones who change the gold layer and decide when it is worth a new version;
    annotators and researchers read maps.
    """
    return access.writes_gold or access.can_manage


class BuildsMapsOrReadOnly(BasePermission):
    """Allow reads to every member and map builds to reviewers and managers."""

    message = "Only reviewers and managers of this debate can build its map."

    def has_permission(self, request, view) -> bool:
        access = view.get_access()  # answers 404 first when the debate is not visible
        return request.method in SAFE_METHODS or builds_maps(access)
