"""Fixtures of the annotation tests: the small export corpus, an empty debate, tricky text."""

import pytest

from debate.models import Role
from tests.annotations.export_corpus import make_corpus, make_tricky
from tests.factories import DebateFactory, MembershipFactory


@pytest.fixture
def corpus(db):
    return make_corpus()


@pytest.fixture
def empty_debate(corpus):
    """A second debate with the same people and no documents, actors or spans."""
    debate = DebateFactory(slug="copy", title="Copy")
    for name, role in [
        ("ann", Role.ANNOTATOR),
        ("ann2", Role.ANNOTATOR),
        ("rev", Role.REVIEWER),
        ("man", Role.MANAGER),
    ]:
        MembershipFactory(debate=debate, user=corpus.users[name], role=role)
    return debate


@pytest.fixture
def tricky(db):
    return make_tricky()
