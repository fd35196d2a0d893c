"""The suggestion job and the annotators' decisions: request a training, run it, decide.

As the map job (``maps.services``): a request is a ``SuggestionTraining`` row written in the
caller's transaction and sent to Celery after commit; running it is idempotent (it runs only
from ``queued``, and the same gold, hashed, never makes a second ``SuggestionModel``).
"""

import logging
import pickle
import socket
from dataclasses import dataclass
from datetime import timedelta

from celery import current_app as celery_app
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from annotations.services import SpanInput, span_create
from debate.models import Debate, Document, Role, SuggestionMode
from debate.permissions import DebateAccess
from suggestions.learn import TRAINER_VERSION, cross_validate, fit_suggester, training_input_hash
from suggestions.models import (
    DecisionAction,
    SuggestionDecision,
    SuggestionGrant,
    SuggestionModel,
    SuggestionTraining,
    TrainingStatus,
)
from suggestions.selectors import (
    adjudicated_count,
    gold_training_documents,
    maximum_documents,
    minimum_documents,
    suggestion_model_current,
    suggestions_hidden_reason,
    suggestions_of_text,
)

logger = logging.getLogger(__name__)

TRAIN_TASK = "suggestions.tasks.train_suggestion_model"
# Longer than the task's hard time limit (suggestions.tasks): a training running this long
# has lost its worker.
STALE_AFTER = timedelta(minutes=15)


@transaction.atomic
def suggestion_training_request(
    *, debate: Debate, reason: str, requested_by: AbstractBaseUser | None = None
) -> SuggestionTraining:
    """Ask for a training of a debate's suggestion model; join the one waiting, if any."""
    waiting = (
        SuggestionTraining.objects.select_for_update()
        .filter(debate=debate, status=TrainingStatus.QUEUED)
        .first()
    )
    if waiting is None:
        try:
            with transaction.atomic():
                waiting = SuggestionTraining.objects.create(
                    debate=debate,
                    reason=reason[:300],
                    requested_by=requested_by if requested_by and requested_by.pk else None,
                )
        except IntegrityError:  # a concurrent request created it first: join that one
            waiting = SuggestionTraining.objects.get(debate=debate, status=TrainingStatus.QUEUED)
        else:
            training_id = waiting.pk
            transaction.on_commit(lambda: suggestion_training_dispatch(training_id=training_id))
            return waiting
    SuggestionTraining.objects.filter(pk=waiting.pk).update(requests=F("requests") + 1)
    waiting.refresh_from_db()
    if waiting.dispatched_at is None:  # its message never reached the broker: send it again
        training_id = waiting.pk
        transaction.on_commit(lambda: suggestion_training_dispatch(training_id=training_id))
    return waiting


def suggestion_training_dispatch(*, training_id: int) -> bool:
    """Send a training to the workers' model queue; return False if the broker is down."""
    try:
        # The maps queue: training is a model build like a map build, minutes of CPU at worst,
        # and must not hold up the short tasks of the default queue.
        celery_app.tasks[TRAIN_TASK].apply_async(
            args=[training_id], queue=settings.CELERY_MAP_QUEUE, ignore_result=True
        )
    except Exception:  # the broker is unreachable: the row stays queued for a later request
        logger.warning(
            "Suggestion training %s stays queued: the broker is unreachable.", training_id
        )
        return False
    SuggestionTraining.objects.filter(pk=training_id).update(dispatched_at=timezone.now())
    return True


class SuggestionTrainingBusy(Exception):
    """Another training of the same debate is running; try again shortly."""


@dataclass(frozen=True)
class TrainingOutcome:
    training_id: int
    status: str
    model_id: int | None
    reused: bool
    message: str


def suggestion_training_run(
    *, training_id: int, worker: str | None = None
) -> TrainingOutcome | None:
    """Run one training: fit and cross-validate on the gold layer unless its hash is known.

    Return None when there is nothing to do (finished already, or another worker has it).
    Below the minimum of adjudicated documents it finishes with "not trained yet".
    """
    worker = worker or f"inline@{socket.gethostname()}"
    now = timezone.now()
    # A training still "running" long after the task's hard time limit lost its worker (a
    # killed process: acks_late gives the message back); it may be run again, and stops
    # blocking the debate's next training.
    stale = Q(status=TrainingStatus.RUNNING, started_at__lt=now - STALE_AFTER)
    try:
        with transaction.atomic():
            claimed = SuggestionTraining.objects.filter(
                Q(status=TrainingStatus.QUEUED) | stale, pk=training_id
            ).update(status=TrainingStatus.RUNNING, worker=worker, started_at=now)
    except IntegrityError as exc:  # one_running_suggestion_training
        debate_id = (
            SuggestionTraining.objects.filter(pk=training_id)
            .values_list("debate_id", flat=True)
            .first()
        )
        lost = SuggestionTraining.objects.filter(stale, debate_id=debate_id).update(
            status=TrainingStatus.FAILED, error="Its worker was lost.", finished_at=now
        )
        raise SuggestionTrainingBusy(
            f"Another training of this debate runs ({training_id} waits; {lost} lost)."
        ) from exc
    if not claimed:
        return None
    training = SuggestionTraining.objects.select_related("debate").get(pk=training_id)
    try:
        model, reused, message = _train(training.debate)
    except Exception as exc:
        SuggestionTraining.objects.filter(pk=training_id).update(
            status=TrainingStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:5000],
            finished_at=timezone.now(),
        )
        raise
    SuggestionTraining.objects.filter(pk=training_id).update(
        status=TrainingStatus.DONE,
        model=model,
        reused_model=reused,
        message=message[:300],
        finished_at=timezone.now(),
    )
    return TrainingOutcome(
        training_id, TrainingStatus.DONE, model.pk if model else None, reused, message
    )


def _train(debate: Debate) -> tuple[SuggestionModel | None, bool, str]:
    documents = gold_training_documents(debate=debate, limit=maximum_documents())
    needed = minimum_documents()
    if len(documents) < needed:
        return None, False, not_trained_message(needed=needed, has=len(documents))
    digest = training_input_hash(documents)
    existing = (
        SuggestionModel.objects.filter(debate=debate, input_hash=digest).defer("fitted").first()
    )
    if existing is not None:
        return existing, True, f"The gold is unchanged: {existing.label} is kept."
    report = cross_validate(documents)
    fitted = fit_suggester(documents)
    model = suggestion_model_store(
        debate=debate,
        digest=digest,
        fitted=pickle.dumps(fitted, protocol=pickle.HIGHEST_PROTOCOL),
        report=report.to_dict(),
        document_count=len(documents),
        span_count=report.gold_spans,
    )
    adjudicated = adjudicated_count(debate=debate)
    if adjudicated > len(documents):
        return (
            model,
            False,
            f"Trained {model.label} on the newest {len(documents):,} of {adjudicated:,} "
            "adjudicated documents.",
        )
    return model, False, f"Trained {model.label} on {len(documents)} adjudicated documents."


def not_trained_message(*, needed: int, has: int) -> str:
    """Return what the page and the API say of a debate without a model."""
    return f"Not trained yet: needs {needed} adjudicated documents, has {has}."


def suggestion_model_store(
    *,
    debate: Debate,
    digest: str,
    fitted: bytes,
    report: dict,
    document_count: int,
    span_count: int,
) -> SuggestionModel:
    """Store a new version numbered after the debate's last; an equal hash stored meanwhile wins."""
    for _ in range(3):
        try:
            with transaction.atomic():
                number = (
                    SuggestionModel.objects.filter(debate=debate).aggregate(n=Max("number"))["n"]
                    or 0
                ) + 1
                return SuggestionModel.objects.create(
                    debate=debate,
                    number=number,
                    input_hash=digest,
                    trainer_version=TRAINER_VERSION,
                    document_count=document_count,
                    span_count=span_count,
                    report=report,
                    fitted=fitted,
                )
        except IntegrityError:
            same = SuggestionModel.objects.filter(debate=debate, input_hash=digest).first()
            if same is not None:
                return same
    raise IntegrityError("Could not number the new suggestion model.")


@transaction.atomic
def suggestion_decide(
    *,
    document: Document,
    by: AbstractBaseUser,
    access: DebateAccess,
    model_number: int,
    start: int,
    end: int,
    action: str,
    stance: str | None = None,
    role: str | None = None,
    actor: int | None = None,
    note: str = "",
) -> SuggestionDecision:
    """Record an annotator's decision on a suggestion; an accept or edit writes their span.

    The suggestion is checked against the model (its offsets must be one of the model's
    suggestions for the document), so what is recorded as suggested is what the model said.
    An accepted span has the suggested stance and role; an edited one the annotator's. The
    span's history names the model ("accepted from suggestion model v3").
    """
    debate = document.debate
    if not access.annotates:
        raise PermissionDenied("Only annotators of this debate decide on suggestions.")
    hidden = suggestions_hidden_reason(access=access, debate=debate, user=by)
    if hidden:
        raise PermissionDenied(hidden)
    model = suggestion_model_current(debate=debate)
    if model is None or model.number != model_number:
        current = f"v{model.number}" if model else "none"
        raise ValidationError(
            {"model": [f"The current suggestion model is {current}; reload the suggestions."]}
        )
    suggestion = next(
        (
            s
            for s in suggestions_of_text(model=model, text=document.text)
            if (s.start, s.end) == (start, end)
        ),
        None,
    )
    if suggestion is None:
        raise ValidationError({"start": ["No suggestion of this model has these offsets."]})
    if SuggestionDecision.objects.filter(
        document=document, annotator=by, model=model, start=start, end=end
    ).exists():
        raise ValidationError({"start": ["You have decided on this suggestion already."]})
    if action == DecisionAction.EDIT and (stance, role) == (suggestion.stance, suggestion.role):
        # Opened in the form and saved with the suggested labels: accepted, not edited, so the
        # edit rate counts only changed labels (the actor and note are never suggested).
        action = DecisionAction.ACCEPT
    span_pk = None
    if action in (DecisionAction.ACCEPT, DecisionAction.EDIT):
        verb = "accepted" if action == DecisionAction.ACCEPT else "edited"
        values = SpanInput(
            start=start,
            end=end,
            quote=document.text[start:end],
            stance=suggestion.stance if action == DecisionAction.ACCEPT else (stance or ""),
            role=suggestion.role if action == DecisionAction.ACCEPT else (role or ""),
            actor=actor,
            note=note,
        )
        written = span_create(
            document=document,
            annotator=by,
            by=by,
            data=values,
            reason=f"{verb} from {model.label}",
            access=access,
        )
        span_pk = written.span.pk
    elif action != DecisionAction.DISMISS:
        raise ValidationError({"action": [f"Choose one of {', '.join(DecisionAction.values)}."]})
    return SuggestionDecision.objects.create(
        debate=debate,
        document=document,
        annotator=by,
        model=model,
        start=start,
        end=end,
        suggested_stance=suggestion.stance,
        suggested_role=suggestion.role,
        confidence=suggestion.confidence,
        action=action,
        span_pk=span_pk,
    )


@transaction.atomic
def suggestion_settings_set(
    *, debate: Debate, by: AbstractBaseUser, mode: str, annotators: list[str]
) -> list[str]:
    """Set when annotators see suggestions, and which annotators see them anyway (managers).

    Return the usernames granted. Raise ValidationError naming an unknown mode or a user who
    is not an annotator of the debate.
    """
    if mode not in SuggestionMode.values:
        raise ValidationError({"mode": [f"Choose one of {', '.join(SuggestionMode.values)}."]})
    users = {
        u.get_username(): u
        for u in get_user_model().objects.filter(
            username__in=annotators,
            memberships__debate=debate,
            memberships__role=Role.ANNOTATOR,
        )
    }
    unknown = sorted(set(annotators) - set(users))
    if unknown:
        raise ValidationError(
            {"annotators": [f"Not annotators of this debate: {', '.join(unknown)}."]}
        )
    Debate.objects.filter(pk=debate.pk).update(suggestions=mode)
    debate.suggestions = mode
    SuggestionGrant.objects.filter(debate=debate).exclude(annotator__in=users.values()).delete()
    for user in users.values():
        SuggestionGrant.objects.get_or_create(
            debate=debate, annotator=user, defaults={"granted_by": by}
        )
    return sorted(users)
