"""The maps API views: versions and builds (``versions``), reviewers' merge decisions
(``decisions``)."""

from maps.views.decisions import MergeDecisionListView, MergeDecisionUndoView
from maps.views.versions import (
    MapAgreementView,
    MapBuildDetailView,
    MapDetailView,
    MapDiffView,
    MapListView,
    MapTimelineView,
)

__all__ = [
    "MapAgreementView",
    "MapBuildDetailView",
    "MapDetailView",
    "MapDiffView",
    "MapListView",
    "MapTimelineView",
    "MergeDecisionListView",
    "MergeDecisionUndoView",
]
