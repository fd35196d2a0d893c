"""Celery tasks: thin wrappers that take ids and call a service.

Late acknowledgement, redelivery of a killed task and the time limits are the settings' for
every task (``CELERY_TASK_*``); filling rows again is idempotent (a row already kept stays).
"""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from annotations.review.selectors import tallies


# Database hiccups (a failover, a dropped connection) are worth a few retries.
@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    retry_kwargs={"max_retries": 5},
    retry_backoff=2,
)
def fill_agreement_rows(debate_id: int) -> None:
    """Count and keep each document's agreement row of a debate (after a cold read)."""
    tallies.debate_tally_fill(debate_id=debate_id)
