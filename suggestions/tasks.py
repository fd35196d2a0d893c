"""Celery tasks: thin wrappers that take ids and call a service."""

import os

from celery import shared_task
from django.db import InterfaceError, OperationalError

from suggestions.services import SuggestionTrainingBusy, suggestion_training_run


@shared_task(
    bind=True,
    # Acknowledge after the training and give the message back if the worker dies: running a
    # training is idempotent (it runs only from queued, and equal gold keeps its version).
    acks_late=True,
    reject_on_worker_lost=True,
    # Database hiccups (a failover, a dropped connection) are worth a few retries.
    autoretry_for=(OperationalError, InterfaceError),
    retry_kwargs={"max_retries": 5},
    retry_backoff=2,
    # Below the broker's visibility timeout, as map builds.
    soft_time_limit=10 * 60,
    time_limit=12 * 60,
)
def train_suggestion_model(self, training_id: int) -> dict | None:
    """Train the suggestion model a SuggestionTraining asks for."""
    try:
        outcome = suggestion_training_run(
            training_id=training_id, worker=f"{self.request.hostname or 'eager'}:{os.getpid()}"
        )
    except SuggestionTrainingBusy as exc:
        # Another training of this debate runs; this one waits its turn.
        raise self.retry(exc=exc, countdown=5, max_retries=None) from exc
    return None if outcome is None else outcome.__dict__
