"""Fitting a suggestion model on gold, and measuring it by cross-validation over documents.

The figures are those of one more coder: each held-out document is suggested by a model that
never saw it (scikit-learn's ``GroupKFold``, grouped by document), its kept spans matched
one-to-one with gold (``matching``), precision, recall and F1 computed by scikit-learn from
those hits, and Krippendorff's alpha of the stance and of the role over the hits (the
suggested label against gold's, ``annotations.review.agreement``).
"""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from annotations.review.agreement import krippendorff_alpha_nominal
from suggestions.learn.matching import MIN_OVERLAP, hits_any, match_spans
from suggestions.learn.model import THRESHOLD, LabelClassifier, Suggester, classifier_pipeline
from suggestions.learn.segment import candidate_spans

# Part of every input hash: a change to how models are fitted makes new versions.
TRAINER_VERSION = "suggest/v1"
MAX_FOLDS = 5


@dataclass(frozen=True)
class GoldLabel:
    """A gold span: code points, half-open, with its stance and role."""

    start: int
    end: int
    stance: str
    role: str


@dataclass(frozen=True)
class TrainingDocument:
    """An adjudicated document's text and gold spans."""

    id: int
    text: str
    spans: tuple[GoldLabel, ...]


def training_input_hash(documents: Sequence[TrainingDocument]) -> str:
    """Return the SHA-256 of what a model is fitted from: the trainer, texts and gold spans."""
    digest = hashlib.sha256(TRAINER_VERSION.encode())
    for document in sorted(documents, key=lambda d: d.id):
        spans = sorted((s.start, s.end, s.stance, s.role) for s in document.spans)
        text_hash = hashlib.sha256(document.text.encode()).hexdigest()
        digest.update(json.dumps([document.id, text_hash, spans]).encode())
    return digest.hexdigest()


def fit_suggester(documents: Sequence[TrainingDocument]) -> Suggester:
    """Return a model fitted on the documents' gold spans."""
    texts: list[str] = []
    answers: list[int] = []
    quotes: list[str] = []
    stances: list[str] = []
    roles: list[str] = []
    for document in documents:
        for candidate in candidate_spans(document.text):
            texts.append(document.text[candidate.start : candidate.end])
            answers.append(int(hits_any(candidate, document.spans)))
        for span in document.spans:
            quotes.append(document.text[span.start : span.end])
            stances.append(span.stance)
            roles.append(span.role)
    if len(set(answers)) < 2:
        detector, constant = None, float(answers[0]) if answers else 0.0
    else:
        detector, constant = classifier_pipeline().fit(texts, answers), 0.0
    return Suggester(
        detector=detector,
        detector_constant=constant,
        stance=LabelClassifier.fit(quotes, stances),
        role=LabelClassifier.fit(quotes, roles),
        threshold=THRESHOLD,
    )


def score_document(suggester: Suggester, document: TrainingDocument, into: dict) -> None:
    """Add one held-out document's hits, misses and label pairs to ``into``."""
    suggested = suggester.suggest(document.text)
    gold = list(document.spans)
    matches = match_spans(suggested, gold)
    into["tp"] += len(matches)
    into["fp"] += len(suggested) - len(matches)
    into["fn"] += len(gold) - len(matches)
    for match in matches:
        into["stance"].append((gold[match.gold].stance, suggested[match.predicted].stance))
        into["role"].append((gold[match.gold].role, suggested[match.predicted].role))


@dataclass(frozen=True)
class SuggesterReport:
    """A model's cross-validated figures as one more coder (None: undefined, e.g. 0/0)."""

    documents: int
    gold_spans: int
    folds: int
    min_overlap: float
    threshold: float
    true_positives: int
    false_positives: int
    false_negatives: int
    precision: float | None
    recall: float | None
    f1: float | None
    stance_alpha: float | None
    role_alpha: float | None
    stance_accuracy: float | None
    role_accuracy: float | None
    labelled_hits: int

    def to_dict(self) -> dict:
        return asdict(self)


def span_scores(tp: int, fp: int, fn: int) -> tuple[float | None, float | None, float | None]:
    """Return precision, recall and F1 of span hits, computed by scikit-learn.

    Each kept span is a prediction (true when it hit gold), each missed gold span a false
    negative; scikit-learn's ``precision_recall_fscore_support`` counts them. 0/0 is None.
    """
    from sklearn.metrics import precision_recall_fscore_support  # see model.py: imported here

    y_true = [1] * tp + [0] * fp + [1] * fn
    y_pred = [1] * tp + [1] * fp + [0] * fn
    if not y_true:
        return None, None, None
    precision, recall, f1, _ = precision_recall_fscore_support(
        y_true, y_pred, average="binary", pos_label=1, zero_division=float("nan")
    )
    return tuple(
        None if value != value else round(float(value), 4) for value in (precision, recall, f1)
    )  # type: ignore[return-value]


def label_alpha(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Return nominal alpha of suggested against gold labels over the hits (None: undefined)."""
    if not pairs:
        return None
    alpha = krippendorff_alpha_nominal([[g for g, _ in pairs], [s for _, s in pairs]])
    return None if alpha is None else round(alpha, 4)


def _accuracy(pairs: Sequence[tuple[str, str]]) -> float | None:
    return round(sum(g == s for g, s in pairs) / len(pairs), 4) if pairs else None


def cross_validate(
    documents: Sequence[TrainingDocument], folds: int = MAX_FOLDS
) -> SuggesterReport:
    """Return the model's figures over held-out documents, ``folds``-fold grouped by document."""
    from sklearn.model_selection import GroupKFold  # see model.py: imported here

    documents = sorted(documents, key=lambda d: d.id)
    folds = max(2, min(folds, len(documents)))
    counts: dict = {"tp": 0, "fp": 0, "fn": 0, "stance": [], "role": []}
    splitter = GroupKFold(n_splits=folds)
    ids = [d.id for d in documents]
    for train_index, test_index in splitter.split(ids, groups=ids):
        model = fit_suggester([documents[i] for i in train_index])
        for i in test_index:
            score_document(model, documents[i], counts)
    precision, recall, f1 = span_scores(counts["tp"], counts["fp"], counts["fn"])
    return SuggesterReport(
        documents=len(documents),
        gold_spans=sum(len(d.spans) for d in documents),
        folds=folds,
        min_overlap=MIN_OVERLAP,
        threshold=THRESHOLD,
        true_positives=counts["tp"],
        false_positives=counts["fp"],
        false_negatives=counts["fn"],
        precision=precision,
        recall=recall,
        f1=f1,
        stance_alpha=label_alpha(counts["stance"]),
        role_alpha=label_alpha(counts["role"]),
        stance_accuracy=_accuracy(counts["stance"]),
        role_accuracy=_accuracy(counts["role"]),
        labelled_hits=len(counts["stance"]),
    )
