"""Receivers: the debate's status counts are started with it and their triggers kept installed."""

from django.db import connections

from annotations.review.selectors.status_counts import (
    debate_status_counts_start,
    status_counts_install,
)
from debate.models import Debate


def start_status_counts(sender, *, instance: Debate, created: bool, raw: bool, **kwargs) -> None:
    """Give a new debate its status counts, all zero, for the triggers to keep from then on."""
    if created and not raw:
        debate_status_counts_start(debate=instance)


def install_status_counts(sender, *, using: str, **kwargs) -> None:
    """Install the status counts' triggers after every migrate.

    Also of a database made without migrations (the test suite's), and of one migrated back
    before the counts' table (the triggers are then dropped).
    """
    status_counts_install(connection=connections[using])
