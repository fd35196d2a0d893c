"""Celery tasks: thin wrappers that take ids and call a service."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from annotations.review.selectors import tallies


@shared_task(
    # Acknowledged after the rows are filled, given back if the worker dies: filling is
    # idempotent (a row already filled is kept).
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_kwargs={"max_retries": 5},
    retry_backoff=2,
    # Below the broker's visibility timeout, as every task.
    soft_time_limit=25 * 60,
    time_limit=30 * 60,
)
def fill_agreement_rows(debate_id: int) -> None:
    """Count and keep each document's agreement row of a debate (after a cold read)."""
    tallies.debate_tally_fill(debate_id=debate_id)
