"""Who may take part in reviews, decided from the debate role (``DebateAccess``).

Reviewers adjudicate; managers watch reviews and assign work; researchers read agreement.
Views resolve the document or debate first, so a non-member has already had a 404.
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission


class ReadsReviews(BasePermission):
    """Allow reviewers and managers to read a review, and reviewers to decide."""

    message = "Only reviewers and managers of this debate see reviews."

    def has_permission(self, request, view) -> bool:
        access = view.get_access()
        if request.method in SAFE_METHODS:
            return access.writes_gold or access.can_manage
        self.message = "Only reviewers of this debate adjudicate documents."
        return access.writes_gold


class ReadsAgreement(BasePermission):
    """Allow reviewers, managers and researchers to read agreement figures."""

    message = "Only reviewers, managers and researchers of this debate see agreement."

    def has_permission(self, request, view) -> bool:
        return view.get_access().reads_all_layers


class Manages(BasePermission):
    """Allow the debate's managers."""

    message = "Only managers of this debate assign documents."

    def has_permission(self, request, view) -> bool:
        return view.get_access().can_manage


class ReadsAssignmentsOrManages(BasePermission):
    """Allow reads to reviewers, managers and researchers, and writes to managers."""

    message = "Only reviewers, managers and researchers of this debate see assignments."

    def has_permission(self, request, view) -> bool:
        access = view.get_access()
        if request.method in SAFE_METHODS:
            return access.reads_all_layers
        self.message = Manages.message
        return access.can_manage
