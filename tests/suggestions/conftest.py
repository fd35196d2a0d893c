"""Fixtures of the suggestion tests: a debate with generated gold, and its people."""

import pytest

from debate.models import Role
from tests.factories import AssignmentFactory, DebateFactory, MembershipFactory, UserFactory
from tests.suggestions.seed import seed_gold, unannotated_document

# Small enough to train in about a second, large enough for five folds.
GOLD_DOCUMENTS = 8


@pytest.fixture(autouse=True)
def small_minimum(settings):
    settings.SUGGESTIONS_MIN_DOCUMENTS = GOLD_DOCUMENTS


@pytest.fixture
def people(debate):
    users = {
        "annotator": UserFactory(username="ann"),
        "other_annotator": UserFactory(username="ann2"),
        "reviewer": UserFactory(username="rev"),
        "manager": UserFactory(username="man"),
        "researcher": UserFactory(username="res"),
        "outsider": UserFactory(username="outsider", is_staff=True),
    }
    for who, role in (
        ("annotator", Role.ANNOTATOR),
        ("other_annotator", Role.ANNOTATOR),
        ("reviewer", Role.REVIEWER),
        ("manager", Role.MANAGER),
        ("researcher", Role.RESEARCHER),
    ):
        MembershipFactory(debate=debate, user=users[who], role=role)
    MembershipFactory(
        debate=DebateFactory(slug="elsewhere"), user=users["outsider"], role="manager"
    )
    return users


@pytest.fixture
def gold_documents(debate):
    return seed_gold(debate, documents=GOLD_DOCUMENTS)


@pytest.fixture
def new_document(debate, people):
    """An article not in the gold, in the annotator's queue."""
    document = unannotated_document(debate)
    AssignmentFactory(document=document, annotator=people["annotator"])
    return document
