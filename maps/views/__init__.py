"""The maps API views: versions and builds (``versions``), reviewers' merge decisions
(``decisions``)."""

from maps.views.decisions import MergeDecisionListView, MergeDecisionUndoView
from maps.views.versions import (
    MapBuildDetailView,
    MapDetailView,
    MapDiffView,
    MapListView,
    MapTimelineView,
)

__all__ = [
    "MapBuildDetailView",
    "MapDetailView",
    "MapDiffView",
    "MapListView",
    "MapTimelineView",
    "MergeDecisionListView",
    "MergeDecisionUndoView",
]
