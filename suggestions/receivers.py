"""Receivers of other apps' signals: a grown gold layer asks for a new suggestion model."""

from django.contrib.auth.models import AbstractBaseUser

from debate.models import Document
from suggestions.services import suggestion_training_request


def request_training(sender, *, document: Document, by: AbstractBaseUser, **kwargs) -> None:
    """Ask for a training of the debate's suggestion model (coalesced, sent after commit)."""
    suggestion_training_request(
        debate=document.debate, reason=f"{document.title[:200]} was adjudicated", requested_by=by
    )
