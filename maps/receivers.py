"""Receivers of other apps' signals: what happens to maps when the gold layer changes."""

from django.contrib.auth.models import AbstractBaseUser

from debate.models import Document
from maps.services import map_build_request


def request_map_build(sender, *, document: Document, by: AbstractBaseUser, **kwargs) -> None:
    """Ask for a build of the debate's map: it reads adjudicated gold layers (sent after commit)."""
    map_build_request(
        debate=document.debate, reason=f"{document.title[:200]} was adjudicated", requested_by=by
    )
