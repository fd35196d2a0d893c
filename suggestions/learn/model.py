"""The suggestion model: which candidate spans carry an argument, and their stance and role.

Three scikit-learn classifiers over the same features (word unigrams and bigrams, TF-IDF,
beside the cue counts of ``features``): a detector (is this candidate a gold span?), and a
stance and a role classifier trained on the gold spans' quotes. ``Suggester.suggest`` keeps
the candidates the detector gives at least ``threshold`` and, of overlapping ones (a sentence
and its clause), the likelier. Everything is deterministic: the same input fits the same model.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from suggestions.learn.features import cue_counts
from suggestions.learn.segment import Candidate, candidate_spans

if TYPE_CHECKING:
    from sklearn.pipeline import FeatureUnion, Pipeline

THRESHOLD = 0.5

# scikit-learn (with SciPy, about 40 MB and a second to import) is imported where a model is
# fitted, not when this module is: every web process imports the suggestions app, and most
# never fit a model. Unpickling a fitted model imports what it needs by itself.


def _features() -> "FeatureUnion":
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion
    from sklearn.preprocessing import FunctionTransformer

    return FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(lowercase=True, ngram_range=(1, 2), sublinear_tf=True, min_df=1),
            ),
            ("cues", FunctionTransformer(cue_counts)),
        ]
    )


def classifier_pipeline() -> "Pipeline":
    """Return an unfitted classifier of texts: TF-IDF words and cue counts, then logistic."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    return Pipeline(
        [
            ("features", _features()),
            ("model", LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced")),
        ]
    )


@dataclass
class LabelClassifier:
    """A label for a text with its probability; one label seen in training is always given."""

    labels: tuple[str, ...]
    pipeline: "Pipeline | None"

    @classmethod
    def fit(cls, texts: Sequence[str], labels: Sequence[str]) -> "LabelClassifier":
        distinct = tuple(sorted(set(labels)))
        if len(distinct) < 2:
            return cls(distinct, None)
        return cls(distinct, classifier_pipeline().fit(list(texts), list(labels)))

    def predict(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """Return (label, probability) per text."""
        if not texts:
            return []
        if self.pipeline is None:
            return [(self.labels[0], 1.0)] * len(texts)
        probabilities = self.pipeline.predict_proba(list(texts))
        classes = self.pipeline.classes_
        best = np.argmax(probabilities, axis=1)
        return [(str(classes[i]), float(p[i])) for i, p in zip(best, probabilities, strict=True)]


@dataclass(frozen=True)
class Suggestion:
    """A suggested span: code points, half-open, with its labels and the model's confidence."""

    start: int
    end: int
    confidence: float
    stance: str
    stance_confidence: float
    role: str
    role_confidence: float


@dataclass
class Suggester:
    """A fitted suggestion model (pickled whole into its version's row)."""

    detector: "Pipeline | None"  # None: every training candidate had the same answer
    detector_constant: float
    stance: LabelClassifier
    role: LabelClassifier
    threshold: float = THRESHOLD

    def span_probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Return the detector's probability that each text is a gold span."""
        if not texts:
            return np.zeros(0)
        if self.detector is None:
            return np.full(len(texts), self.detector_constant)
        return self.detector.predict_proba(list(texts))[:, 1]

    def spans(self, text: str) -> list[tuple[Candidate, float]]:
        """Return the candidates kept, with their probability, in text order."""
        candidates = candidate_spans(text)
        probabilities = self.span_probabilities([text[c.start : c.end] for c in candidates])
        ranked = sorted(
            (
                (float(p), c)
                for c, p in zip(candidates, probabilities, strict=True)
                if p >= self.threshold
            ),
            key=lambda item: (-item[0], item[1].start, item[1].end),
        )
        kept: list[tuple[Candidate, float]] = []
        for probability, candidate in ranked:
            if all(candidate.end <= k.start or candidate.start >= k.end for k, _ in kept):
                kept.append((candidate, probability))
        return sorted(kept, key=lambda item: item[0])

    def suggest(self, text: str) -> list[Suggestion]:
        """Return the suggestions for a text, in text order."""
        kept = self.spans(text)
        quotes = [text[c.start : c.end] for c, _ in kept]
        stances = self.stance.predict(quotes)
        roles = self.role.predict(quotes)
        return [
            Suggestion(
                start=c.start,
                end=c.end,
                confidence=round(p, 4),
                stance=stance,
                stance_confidence=round(stance_p, 4),
                role=role,
                role_confidence=round(role_p, 4),
            )
            for (c, p), (stance, stance_p), (role, role_p) in zip(kept, stances, roles, strict=True)
        ]
