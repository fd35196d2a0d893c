"""The suggestion model, pure: candidate spans, features, fitting and cross-validation.

No Django, no database (the ``pure`` contract in ``.importlinter``): plain dataclasses and
texts in, a fitted ``Suggester`` and its ``SuggesterReport`` out.
"""

from suggestions.learn.matching import MIN_OVERLAP, match_spans, overlap
from suggestions.learn.model import THRESHOLD, Suggester, Suggestion
from suggestions.learn.segment import Candidate, candidate_spans
from suggestions.learn.train import (
    TRAINER_VERSION,
    GoldLabel,
    SuggesterReport,
    TrainingDocument,
    cross_validate,
    fit_suggester,
    label_alpha,
    span_scores,
    training_input_hash,
)

__all__ = [
    "MIN_OVERLAP",
    "THRESHOLD",
    "TRAINER_VERSION",
    "Candidate",
    "GoldLabel",
    "Suggester",
    "SuggesterReport",
    "Suggestion",
    "TrainingDocument",
    "candidate_spans",
    "cross_validate",
    "fit_suggester",
    "label_alpha",
    "match_spans",
    "overlap",
    "span_scores",
    "training_input_hash",
]
