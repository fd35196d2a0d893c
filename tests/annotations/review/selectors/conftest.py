"""The world the kept-count tests share: eight documents, four annotators, built once a module."""

import random

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings

from annotations.services import SpanInput, document_submit, relation_create, span_create
from debate.models import Debate, Document, Role
from tests.factories import (
    ActorFactory,
    DebateFactory,
    DocumentFactory,
    MembershipFactory,
    UserFactory,
)

WORDS = [
    "chat",
    "hosts",
    "say",
    "keys",
    "weaken",
    "every",
    "service",
    "while",
    "police",
    "want",
    "access",
    "to",
    "messages",
]
STANCES = ("pro", "contra", "neutral")
ROLES = ("claim", "premise")


@pytest.fixture(scope="module")
def world_ids(django_db_setup, django_db_blocker):
    """Build the world once per module, in a transaction undone after the module.

    Each test runs in a savepoint inside it (pytest-django's ``db``, which ``world`` asks
    for), so what a test writes, the counts its reads keep included, is undone before the
    next one: every test starts from the world as built, as when each built its own.
    """
    # The hasher tests use (tests/conftest.py).
    with (
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        debate = DebateFactory(slug="encryption", title="Encryption")
        built = build_world(debate)
        yield {
            "debate": debate.pk,
            "documents": [document.pk for document in built["documents"]],
            "annotators": [annotator.pk for annotator in built["annotators"]],
        }
        transaction.set_rollback(True)


@pytest.fixture
def debate(world_ids, db):
    """The world's debate (``member`` adds its users to it)."""
    return Debate.objects.get(pk=world_ids["debate"])


@pytest.fixture
def world(world_ids, debate):
    """Return the world, read afresh so no test sees another's Python objects."""
    documents = Document.objects.in_bulk(world_ids["documents"])
    users = get_user_model().objects.in_bulk(world_ids["annotators"])
    return {
        "debate": debate,
        "documents": [documents[pk] for pk in world_ids["documents"]],
        "annotators": [users[pk] for pk in world_ids["annotators"]],
    }


def build_world(debate):
    """Eight documents, four annotators marking at random, relations, 1 to 4 layers submitted.

    Boundaries near one another, a fifth of the spans with another stance, role or speaker,
    and two relation types (once both between the same two spans), so every figure moves:
    units, alphas per attribute and per pair, boundaries, span and relation F1.
    """
    rng = random.Random(17)
    annotators = []
    for name in ("ann", "bea", "cid", "dee"):
        annotators.append(UserFactory(username=name))
        MembershipFactory(debate=debate, user=annotators[-1], role=Role.ANNOTATOR)
    actors = [ActorFactory(debate=debate).pk for _ in range(3)] + [None]
    documents = []
    for number in range(8):
        text = " ".join(rng.choice(WORDS) for _ in range(80)) + f" {number}."
        document = DocumentFactory(debate=debate, text=text)
        starts = [i + 1 for i, char in enumerate(text) if char == " "]
        truth = sorted(rng.sample(starts[:-12], 5))
        for annotator in annotators:
            spans = []
            for start in truth:
                if rng.random() < 0.15:
                    continue
                start = rng.choice([s for s in starts if abs(s - start) < 12])
                end = text.index(" ", start + 6)
                spans.append(
                    span_create(
                        document=document,
                        annotator=annotator,
                        by=annotator,
                        data=SpanInput(
                            start=start,
                            end=end,
                            quote=text[start:end],
                            stance=rng.choice(STANCES[:2] if rng.random() < 0.8 else STANCES),
                            role=rng.choice(ROLES),
                            actor=rng.choice(actors),
                        ),
                    ).span
                )
            # Two relations between other spans than the first two, linked below.
            linkable = [(a, b) for a in spans for b in spans if a != b][1:]
            for source, target in rng.sample(linkable, min(2, len(linkable))):
                relation_create(
                    document=document,
                    by=annotator,
                    source=source,
                    target=target,
                    type=rng.choice(("supports", "attacks")),
                )
            if number == 0 and len(spans) >= 2:
                # Two types between the same spans: one value of its own in relation alpha.
                relation_create(
                    document=document,
                    by=annotator,
                    source=spans[0],
                    target=spans[1],
                    type="supports",
                )
                relation_create(
                    document=document,
                    by=annotator,
                    source=spans[0],
                    target=spans[1],
                    type="attacks",
                )
        documents.append(document)
    # Layers submitted per document: one of them only one (not compared), one unsubmitted.
    for document, layers in zip(documents, (4, 3, 2, 2, 3, 1, 4, 2), strict=True):
        for annotator in annotators[:layers]:
            document_submit(document=document, annotator=annotator)
    return {"debate": debate, "documents": documents, "annotators": annotators}
