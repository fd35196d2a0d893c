"""Who may read a debate's suggestion model and who may ask for a training."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

MODEL_HIDDEN = (
    "Only reviewers, managers and researchers of this debate read its suggestion model's "
    "report; annotators see suggestions on the annotate page where the debate allows it."
)


class TrainsModelOrReadsReport(BasePermission):
    """Allow reads to those who read every layer, trainings to reviewers and managers."""

    message = "Only reviewers and managers of this debate can train its suggestion model."

    def has_permission(self, request, view) -> bool:
        access = view.get_access()  # answers 404 first when the debate is not visible
        if request.method in SAFE_METHODS:
            self.message = MODEL_HIDDEN
            return access.reads_all_layers
        return access.writes_gold or access.can_manage


class ManagesSuggestionsOrReads(BasePermission):
    """Allow reads of the suggestion settings to layer readers, changes to managers."""

    message = "Only managers of this debate can change who sees suggestions."

    def has_permission(self, request, view) -> bool:
        access = view.get_access()
        if request.method in SAFE_METHODS:
            self.message = MODEL_HIDDEN
            return access.reads_all_layers
        return access.can_manage


class ExportsSuggestions(BasePermission):
    """Allow the export of suggestions as a layer to those who read every layer."""

    message = MODEL_HIDDEN

    def has_permission(self, request, view) -> bool:
        return view.get_access().reads_all_layers
