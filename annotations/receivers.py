"""Receivers: the debate's status counts are started with it; their triggers and the gold
revisions' are kept installed."""

from django.db import connections

from annotations.gold_revisions import gold_revisions_install
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


def install_gold_revisions(sender, *, using: str, **kwargs) -> None:
    """Install the gold revisions' triggers after every migrate, as the status counts'."""
    gold_revisions_install(connection=connections[using])
