"""Reads of the suggestion model: its gold input, its current version, who sees suggestions,
a document's suggestions and what annotators did with them."""

import pickle
from collections import defaultdict
from functools import lru_cache

import numpy as np
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser

from annotations.models import Assignment, AssignmentStatus, Span
from debate.models import Debate, Document, DocumentStatus, SuggestionMode
from debate.permissions import DebateAccess
from maps.builder import WordLlamaEncoder
from maps.embeddings import claim_embedding_table
from maps.selectors import map_version_map
from maps.services import map_version_current
from suggestions.learn import GoldLabel, Suggester, Suggestion, TrainingDocument
from suggestions.models import (
    DecisionAction,
    SuggestionDecision,
    SuggestionGrant,
    SuggestionModel,
    SuggestionTraining,
)

HIDDEN_OFF = (
    "Suggestions are off in this debate, so that a first pass stays blind; a manager can turn "
    "them on for the debate or for you."
)
HIDDEN_BEFORE_SUBMISSION = (
    "Suggestions appear here after you have submitted your first document of this debate, so "
    "that your first pass stays blind."
)
HIDDEN_ROLE = "Only annotators, reviewers, managers and researchers of this debate see suggestions."


def gold_training_documents(*, debate: Debate, limit: int | None = None) -> list[TrainingDocument]:
    """Return the texts and gold spans of a debate's adjudicated documents, by id: all of them,
    or the ``limit`` newest (highest ids)."""
    adjudicated = debate.documents.filter(status=DocumentStatus.ADJUDICATED)
    if limit is not None:
        newest = adjudicated.order_by("-pk").values_list("pk", flat=True)[limit - 1 : limit]
        oldest_kept = next(iter(newest), None)
        if oldest_kept is not None:
            adjudicated = adjudicated.filter(pk__gte=oldest_kept)
    spans: defaultdict[int, list[GoldLabel]] = defaultdict(list)
    for document_id, start, end, stance, role in (
        Span.objects.filter(annotator__isnull=True, document__in=adjudicated.values("pk"))
        .order_by("document_id", "start", "end", "pk")
        .values_list("document_id", "start", "end", "stance", "role")
    ):
        spans[document_id].append(GoldLabel(start, end, stance, role))
    return [
        TrainingDocument(pk, text, tuple(spans[pk]))
        for pk, text in adjudicated.order_by("pk").values_list("pk", "text")
    ]


def adjudicated_count(*, debate: Debate) -> int:
    """Return how many documents of a debate are adjudicated."""
    return debate.documents.filter(status=DocumentStatus.ADJUDICATED).count()


def minimum_documents() -> int:
    """Return how many adjudicated documents a debate needs before a model is trained."""
    return settings.SUGGESTIONS_MIN_DOCUMENTS


def maximum_documents() -> int:
    """Return how many of a debate's newest adjudicated documents a model is trained on."""
    return settings.SUGGESTIONS_MAX_DOCUMENTS


def suggestion_model_current(*, debate: Debate) -> SuggestionModel | None:
    """Return the debate's latest suggestion model, without its pickled bytes."""
    return SuggestionModel.objects.filter(debate=debate).defer("fitted").order_by("-number").first()


def suggestion_training_latest(*, debate: Debate) -> SuggestionTraining | None:
    """Return the debate's latest training request."""
    return SuggestionTraining.objects.filter(debate=debate).order_by("-requested_at", "-id").first()


@lru_cache(maxsize=8)
def _fitted(pk: int) -> Suggester:
    # Versions are immutable, so a process keeps the last few it unpickled. The bytes are
    # written only by suggestion_training_run, from this deployment's own database.
    data = SuggestionModel.objects.filter(pk=pk).values_list("fitted", flat=True).get()
    return pickle.loads(bytes(data))  # noqa: S301


def suggester_load(*, model: SuggestionModel) -> Suggester:
    """Return a version's fitted model."""
    return _fitted(model.pk)


def suggestions_hidden_reason(
    *, access: DebateAccess, debate: Debate, user: AbstractBaseUser
) -> str | None:
    """Return why the user sees no suggestions in this debate, or None when they see them.

    Reviewers, managers and researchers always see them (they read gold already); an
    annotator where the debate's ``suggestions`` setting allows it, or a manager granted it.
    """
    if access.reads_all_layers:
        return None
    if not access.annotates:
        return HIDDEN_ROLE
    if debate.suggestions == SuggestionMode.ON:
        return None
    if SuggestionGrant.objects.filter(debate=debate, annotator=user).exists():
        return None
    if debate.suggestions == SuggestionMode.AFTER_FIRST_SUBMISSION:
        submitted = Assignment.objects.filter(
            document__debate=debate, annotator=user, status=AssignmentStatus.SUBMITTED
        ).exists()
        return None if submitted else HIDDEN_BEFORE_SUBMISSION
    return HIDDEN_OFF


def suggestions_of_text(*, model: SuggestionModel, text: str) -> list[Suggestion]:
    """Return the model's suggestions for a text, in text order."""
    return suggester_load(model=model).suggest(text)


def document_suggestions(
    *, document: Document, model: SuggestionModel, user: AbstractBaseUser
) -> list[Suggestion]:
    """Return the suggestions the user has still to decide: not decided by them, and not
    overlapping a span of their own layer."""
    decided = set(
        SuggestionDecision.objects.filter(
            document=document, annotator=user, model=model
        ).values_list("start", "end")
    )
    own = list(Span.objects.filter(document=document, annotator=user).values_list("start", "end"))
    return [
        s
        for s in suggestions_of_text(model=model, text=document.text)
        if (s.start, s.end) not in decided
        and all(s.end <= start or s.start >= end for start, end in own)
    ]


def nearest_arguments(*, debate: Debate, quotes: list[str]) -> list[dict | None]:
    """Return, for each quote, the argument of the debate's current map closest to it.

    Closeness is the cosine of WordLlama sentence vectors (the maps' offline embeddings,
    read from their cache where stored); None for every quote when the debate has no map.
    """
    version = map_version_current(debate=debate)
    if version is None or not quotes:
        return [None] * len(quotes)
    arguments = map_version_map(version=version).arguments
    if not arguments:
        return [None] * len(quotes)
    table = claim_embedding_table(encoder=WordLlamaEncoder())
    ours = table.vectors(quotes).astype(np.float64)
    theirs = table.vectors([a.text for a in arguments]).astype(np.float64)
    similarity = ours @ theirs.T
    best = np.argmax(similarity, axis=1)
    return [
        {
            "map_version": version.pk,
            "id": arguments[j].id,
            "text": arguments[j].text,
            "side": arguments[j].side,
            "similarity": round(float(similarity[i, j]), 4),
        }
        for i, j in enumerate(best)
    ]


def suggestion_model_summary(*, debate: Debate) -> dict:
    """Return what the dashboard shows of the debate's suggestion model: its version and
    cross-validated report, or why there is none, and the annotators' decision rates."""
    model = suggestion_model_current(debate=debate)
    return {
        "model": model,
        "report": model.report if model else None,
        "needed": minimum_documents(),
        "adjudicated": adjudicated_count(debate=debate),
        "annotators": suggestion_decision_rates(debate=debate),
    }


def suggestion_decision_rates(*, debate: Debate) -> list[dict]:
    """Return per annotator how many suggestions they accepted, edited and dismissed, with
    rates, and how many accepted spans they changed or deleted afterwards."""
    rows: defaultdict[str, dict] = defaultdict(
        lambda: {"accept": 0, "edit": 0, "dismiss": 0, "changed_after": 0}
    )
    decisions = list(
        SuggestionDecision.objects.filter(debate=debate).values_list(
            "annotator__username", "action", "span_pk", "suggested_stance", "suggested_role"
        )
    )
    accepted = {d[2] for d in decisions if d[1] == DecisionAction.ACCEPT}
    current = {
        pk: (stance, role)
        for pk, stance, role in Span.objects.filter(pk__in=accepted).values_list(
            "pk", "stance", "role"
        )
    }
    for username, action, span_pk, stance, role in decisions:
        row = rows[username]
        row[action] += 1
        if action == DecisionAction.ACCEPT and current.get(span_pk) != (stance, role):
            row["changed_after"] += 1
    result = []
    for username in sorted(rows):
        row = rows[username]
        total = row["accept"] + row["edit"] + row["dismiss"]
        result.append(
            {
                "annotator": username,
                "decided": total,
                "accepted": row["accept"],
                "edited": row["edit"],
                "dismissed": row["dismiss"],
                "changed_after_accept": row["changed_after"],
                "acceptance_rate": round((row["accept"] + row["edit"]) / total, 4),
                "edit_rate": round(row["edit"] / total, 4),
            }
        )
    return result
