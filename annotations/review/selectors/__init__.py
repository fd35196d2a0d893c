"""Reads of the review workflow.

- ``state``: one document's review (aligned units, decisions, gold) and an annotator's layer
  against gold;
- ``progress``: a debate's review queue, agreement and progress, and its assignments;
- ``layers``: a debate's submitted annotator layers, as the agreement modules take them;
- ``tallies``: the agreement counts kept per document and their sum per debate (a cache these
  reads fill; a submission counts its document again).
"""

from annotations.review.selectors.layers import adjudicated_layers, annotated_documents
from annotations.review.selectors.progress import (
    REVIEW_QUEUE_STATUSES,
    DebateAgreement,
    DebateProgress,
    annotator_loads,
    assignment_list,
    debate_agreement_get,
    debate_assignments,
    debate_progress,
    pooled_confusion,
    review_queue,
)
from annotations.review.selectors.state import (
    UNIT_ACTIONS,
    UNIT_STATES,
    GoldComparison,
    RelationSuggestion,
    ReviewState,
    ReviewUnit,
    UnitState,
    aligned_unit_key,
    annotated_span,
    gold_comparison,
    gold_unit_key,
    review_decision_list,
    review_state_get,
    submitted_layers,
)
from annotations.review.selectors.tallies import (
    debate_tally_get,
    document_tally_refresh,
    tally_bytes,
    tally_from_bytes,
)

__all__ = [
    "REVIEW_QUEUE_STATUSES",
    "UNIT_ACTIONS",
    "UNIT_STATES",
    "DebateAgreement",
    "DebateProgress",
    "GoldComparison",
    "RelationSuggestion",
    "ReviewState",
    "ReviewUnit",
    "UnitState",
    "adjudicated_layers",
    "aligned_unit_key",
    "annotated_documents",
    "annotated_span",
    "annotator_loads",
    "assignment_list",
    "debate_agreement_get",
    "debate_assignments",
    "debate_progress",
    "debate_tally_get",
    "document_tally_refresh",
    "gold_comparison",
    "gold_unit_key",
    "pooled_confusion",
    "review_decision_list",
    "review_queue",
    "review_state_get",
    "submitted_layers",
    "tally_bytes",
    "tally_from_bytes",
]
