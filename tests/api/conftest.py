"""A small world for API tests: one debate with a user per role, and a foreign debate."""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotations.models import Assignment, Span
from annotations.services import SpanInput, span_create
from debate.models import Actor, Debate, Document, Role
from tests.factories import (
    ActorFactory,
    AssignmentFactory,
    DebateFactory,
    DocumentFactory,
    MembershipFactory,
    SpanFactory,
    UserFactory,
)

# Emoji (one code point, two UTF-16 units), a combining accent that has no precomposed form
# (x + U+0301), curly quotes and a non-breaking space: every offset after them is a trap.
TEXT = (
    "Tech firms 🔐 say a “backdoor” weakens security for all.\n"
    "The NSPCC says scanning is needed. Then x\u0301 marks\u00a0the spot."
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # PBKDF2 costs a noticeable fraction of a second per hash by design; tests make dozens.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_throttles():
    # Throttle counters live in the cache, which outlives each test's database rollback.
    cache.clear()
    yield
    cache.clear()


def quote(text: str, start: int, end: int) -> dict:
    """Return start, end and quote of ``text[start:end]`` as a span payload."""
    return {"start": start, "end": end, "quote": text[start:end]}


def find(text: str, needle: str) -> tuple[int, int]:
    """Return the code-point offsets of the first ``needle`` in ``text``."""
    start = text.index(needle)
    return start, start + len(needle)


@dataclass
class World:
    debate: Debate
    foreign_debate: Debate
    document: Document
    foreign_document: Document
    actor: Actor
    foreign_actor: Actor
    users: dict
    span_ann: Span
    span_ann_b: Span
    span_ann2: Span
    span_gold: Span
    span_foreign: Span

    def client(self, who: str | None) -> APIClient:
        """Return a client signed in with a token as ``who`` (None: anonymous)."""
        client = APIClient()
        if who is not None:
            token, _ = Token.objects.get_or_create(user=self.users[who])
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    def span_payload(self, needle: str = "scanning", **extra) -> dict:
        start, end = find(self.document.text, needle)
        return {**quote(self.document.text, start, end), "stance": "pro", "role": "claim", **extra}


def make_span(document, annotator, by, needle: str, role: str = "claim") -> Span:
    """Create a span over the first ``needle`` of the document through the service."""
    start, end = find(document.text, needle)
    data = SpanInput(start=start, end=end, quote=needle, stance="pro", role=role)
    return span_create(document=document, annotator=annotator, by=by, data=data).span


@pytest.fixture
def world(db) -> World:
    debate = DebateFactory(slug="encryption", title="Encryption")
    foreign = DebateFactory(slug="other", title="Other debate")
    users = {
        "ann": UserFactory(username="ann"),
        "ann2": UserFactory(username="ann2"),
        "rev": UserFactory(username="rev"),
        "man": UserFactory(username="man", is_staff=True),
        "res": UserFactory(username="res"),
        # A manager elsewhere: powerful in the foreign debate, a stranger here.
        "outsider": UserFactory(username="outsider", is_staff=True),
        "root": UserFactory(username="root", is_staff=True, is_superuser=True),
    }
    for who, role in [
        ("ann", Role.ANNOTATOR),
        ("ann2", Role.ANNOTATOR),
        ("rev", Role.REVIEWER),
        ("man", Role.MANAGER),
        ("res", Role.RESEARCHER),
    ]:
        MembershipFactory(debate=debate, user=users[who], role=role)
    MembershipFactory(debate=foreign, user=users["outsider"], role=Role.MANAGER)
    document = DocumentFactory(debate=debate, text=TEXT, title="Scanning row")
    foreign_document = DocumentFactory(debate=foreign, text=TEXT, title="Foreign copy")
    for who in ("ann", "ann2"):
        AssignmentFactory(document=document, annotator=users[who])
    # Spans come through the services, as the API writes them, so their history exists.
    span_ann = make_span(document, users["ann"], users["ann"], "Tech firms")
    span_ann_b = make_span(document, users["ann"], users["ann"], "weakens security", "premise")
    span_ann2 = make_span(document, users["ann2"], users["ann2"], "weakens security")
    span_gold = make_span(document, None, users["rev"], "weakens security")
    span_foreign = SpanFactory(
        document=foreign_document, annotator=users["outsider"], start=0, end=4
    )
    return World(
        debate=debate,
        foreign_debate=foreign,
        document=document,
        foreign_document=foreign_document,
        actor=ActorFactory(debate=debate, name="Rani Govender"),
        foreign_actor=ActorFactory(debate=foreign, name="Someone Else"),
        users=users,
        span_ann=span_ann,
        span_ann_b=span_ann_b,
        span_ann2=span_ann2,
        span_gold=span_gold,
        span_foreign=span_foreign,
    )


def etag(span: Span) -> str:
    """Return the If-Match value for a span as stored now."""
    span.refresh_from_db()
    return f'"span-{span.pk}-v{span.version}"'


def submitted(document: Document, user) -> Assignment:
    """Return the user's assignment for the document after marking it submitted."""
    assignment, _ = Assignment.objects.get_or_create(document=document, annotator=user)
    assignment.status = "submitted"
    assignment.save()
    return assignment
