"""Fixtures of the map tests: a small gold layer, and dispatches recorded instead of sent."""

import pytest

from debate.models import DocumentStatus
from maps import services as map_services
from tests.factories import ActorFactory, DocumentFactory, SpanFactory, UserFactory

TEXT_A = "Tech firms say a backdoor would leave their services less secure for every user."
TEXT_B = "Hargreaves said sealed chats would let the people who hurt children hide from view."


@pytest.fixture
def gold(debate):
    """Two adjudicated documents with one gold claim each, on opposite sides."""
    reviewer = UserFactory(username="rev")
    firms = ActorFactory(debate=debate, name="Tech firms")
    iwf = ActorFactory(debate=debate, name="Susie Hargreaves")
    spans = []
    for text, stance, actor in ((TEXT_A, "contra", firms), (TEXT_B, "pro", iwf)):
        document = DocumentFactory(debate=debate, text=text, status=DocumentStatus.ADJUDICATED)
        spans.append(
            SpanFactory(
                document=document,
                annotator=None,
                created_by=reviewer,
                start=0,
                end=len(text),
                stance=stance,
                role="claim",
                actor=actor,
            )
        )
    return spans


@pytest.fixture
def no_dispatch(monkeypatch):
    """Record dispatches instead of running them, so a test runs builds when it decides."""
    sent = []
    monkeypatch.setattr(
        map_services, "map_build_dispatch", lambda *, build_id: sent.append(build_id) or True
    )
    return sent
