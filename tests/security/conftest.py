"""Two debates, each with every role and every kind of object, for the security tests.

``alpha`` and ``bravo`` are built the same way through the services, so each holds an open
document with an annotator's spans and relation, a document in review with a recorded
decision, an adjudicated document with gold spans and a gold relation, and a built map. The
words of every text field come from a function, so the XSS tests can fill them with payloads.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotations.models import Relation, ReviewDecision, Span
from annotations.review.services import (
    ACCEPT_AGREED,
    DecisionInput,
    assignment_create,
    review_decide,
    review_finish,
)
from annotations.services import SpanInput, document_submit, relation_create, span_create
from debate.models import Actor, Debate, Document, Membership, Role
from debate.scheme import default_scheme
from debate.services import DocumentInput, document_create
from maps.models import MapBuild, MapVersion
from maps.services import map_build_request, map_build_run
from tests.factories import UserFactory

ROLES = ("annotator", "annotator2", "reviewer", "manager", "researcher")
ROLE_OF = {
    "annotator": Role.ANNOTATOR,
    "annotator2": Role.ANNOTATOR,
    "reviewer": Role.REVIEWER,
    "manager": Role.MANAGER,
    "researcher": Role.RESEARCHER,
}
CLAIM_LINE = "Tech firms say a backdoor would make services less secure for all."
PREMISE_LINE = "The NSPCC says scanning is needed to protect children."


@pytest.fixture(autouse=True)
def fresh_cache():
    # Throttle and lockout counters live in the cache, which outlives each test's rollback.
    cache.clear()
    yield
    cache.clear()


def plain_words(slug: str) -> Callable[[str], str]:
    """Return the words of a debate with no payloads: "<slug> <field>"."""
    return lambda field: f"{slug} {field}"


@dataclass
class Side:
    """One debate and everything in it, as its members made it."""

    debate: Debate
    users: dict
    actor: Actor
    open_doc: Document
    review_doc: Document
    gold_doc: Document
    span: Span
    premise: Span
    relation: Relation
    gold_span: Span
    gold_relation: Relation
    decision: ReviewDecision
    map_build: MapBuild
    map_version: MapVersion

    def user(self, role: str):
        return self.users[role]

    def ids(self) -> dict:
        """Return the primary keys of everything in the side, to load it again later."""
        ids = {name: getattr(self, name).pk for name in _SIDE_MODELS}
        ids["users"] = {role: user.pk for role, user in self.users.items()}
        return ids

    @classmethod
    def load(cls, ids: dict) -> "Side":
        """Return a side read afresh from the database by the keys ``ids()`` gave."""
        users = get_user_model().objects.in_bulk(ids["users"].values())
        return cls(
            users={role: users[pk] for role, pk in ids["users"].items()},
            **{name: model.objects.get(pk=ids[name]) for name, model in _SIDE_MODELS.items()},
        )


_SIDE_MODELS = {
    "debate": Debate,
    "actor": Actor,
    "open_doc": Document,
    "review_doc": Document,
    "gold_doc": Document,
    "span": Span,
    "premise": Span,
    "relation": Relation,
    "gold_span": Span,
    "gold_relation": Relation,
    "decision": ReviewDecision,
    "map_build": MapBuild,
    "map_version": MapVersion,
}


def _line_span(document: Document, line: str) -> tuple[int, int]:
    start = document.text.index(line)
    return start, start + len(line)


def _tag(document, annotator, line, *, stance, role, actor=None, note=""):
    start, end = _line_span(document, line)
    data = SpanInput(
        start=start,
        end=end,
        quote=document.text[start:end],
        stance=stance,
        role=role,
        actor=actor,
        note=note,
    )
    return span_create(document=document, annotator=annotator, by=annotator, data=data).span


def build_side(
    slug: str,
    *,
    words: Callable[[str], str] | None = None,
    scheme: dict | None = None,
    usernames: dict | None = None,
    claim_line: str = CLAIM_LINE,
    premise_line: str = PREMISE_LINE,
) -> Side:
    """Build one debate through the services: members, documents, spans, review, a map."""
    words = words or plain_words(slug)
    scheme = scheme or default_scheme()
    stance = {item["side"]: item["key"] for item in reversed(scheme["stances"])}
    claim = scheme["roles"][0]["key"]  # the map builder reads the first role as "claim"
    premise = scheme["roles"][1]["key"]
    supports = next(i["key"] for i in scheme["relation_types"] if i["polarity"] == "support")
    debate = Debate.objects.create(
        slug=slug,
        title=words("debate title")[:200],
        proposition=words("proposition"),
        scheme=scheme,
        annotators_per_document=2,
    )
    usernames = usernames or {}
    users = {}
    for role in ROLES:
        users[role] = UserFactory(
            username=usernames.get(role, f"{slug}-{role}"), is_staff=role == "manager"
        )
        Membership.objects.create(debate=debate, user=users[role], role=ROLE_OF[role])
    actor = Actor.objects.create(
        debate=debate,
        name=words("actor name")[:200],
        affiliation=words("actor affiliation")[:200],
        aliases=[words("actor alias")],
    )
    ann, ann2, reviewer = users["annotator"], users["annotator2"], users["reviewer"]

    def document(name: str) -> Document:
        text = f"{words(name + ' text')}\n{claim_line}\n{premise_line}\n{words(name + ' end')}\n"
        doc, _created = document_create(
            debate=debate,
            data=DocumentInput(
                text=text,
                title=words(name + " title"),
                source=words(name + " source"),
                url=f"https://example.org/{slug}/{name.replace(' ', '-')}",
            ),
        )
        for annotator in (ann, ann2):
            assignment_create(document=doc, annotator=annotator, by=users["manager"])
        return doc

    def annotate(doc: Document, annotator) -> tuple[Span, Span]:
        claim_span = _tag(
            doc,
            annotator,
            claim_line,
            stance=stance["contra"],
            role=claim,
            actor=actor.pk,
            note=words("span note"),
        )
        premise_span = _tag(doc, annotator, premise_line, stance=stance["contra"], role=premise)
        return claim_span, premise_span

    # Being annotated: the annotator's spans and relation.
    open_doc = document("open document")
    span, premise_span = annotate(open_doc, ann)
    relation = relation_create(
        document=open_doc, by=ann, source=premise_span, target=span, type=supports
    )

    def submit_both_and_accept_agreed(doc):
        for annotator in (ann, ann2):
            annotate(doc, annotator)
            document_submit(document=doc, annotator=annotator)
        review_decide(
            document=doc,
            by=reviewer,
            expected_version=None,
            decision=DecisionInput(action=ACCEPT_AGREED),
        )

    # In review: both layers submitted, one decision recorded.
    review_doc = document("review document")
    submit_both_and_accept_agreed(review_doc)

    # Adjudicated: gold spans and a gold relation, then a map built from them.
    gold_doc = document("gold document")
    submit_both_and_accept_agreed(gold_doc)
    gold = {s.quote: s for s in Span.objects.filter(document=gold_doc, annotator__isnull=True)}
    review_decide(
        document=gold_doc,
        by=reviewer,
        expected_version=None,
        decision=DecisionInput(
            action="link",
            source=gold[premise_line].pk,
            target=gold[claim_line].pk,
            type=supports,
        ),
    )
    review_finish(document=gold_doc, by=reviewer, expected_version=None)
    build = map_build_request(debate=debate, reason=words("map reason"), requested_by=reviewer)
    map_build_run(build_id=build.pk)
    build.refresh_from_db()
    assert build.status == "done", build.error
    for doc in (open_doc, review_doc, gold_doc):
        doc.refresh_from_db()
    return Side(
        debate=debate,
        users=users,
        actor=actor,
        open_doc=open_doc,
        review_doc=review_doc,
        gold_doc=gold_doc,
        span=span,
        premise=premise_span,
        relation=relation,
        gold_span=gold[claim_line],
        gold_relation=Relation.objects.get(document=gold_doc, annotator__isnull=True),
        decision=ReviewDecision.objects.filter(document=review_doc).latest("id"),
        map_build=build,
        map_version=build.version,
    )


@dataclass
class World:
    alpha: Side
    bravo: Side

    def api(self, user) -> APIClient:
        """Return an API client signed in with the user's token (no CSRF needed)."""
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    def browser(self, user) -> Client:
        """Return a client with the user's session, as the pages use."""
        client = Client()
        client.force_login(user)
        return client


@pytest.fixture(scope="module")
def world_ids(django_db_setup, django_db_blocker):
    """Build the two debates once per test module, in a transaction undone after the module.

    Each test runs in a savepoint inside it (pytest-django's ``db``), so what a test writes is
    undone before the next one. Not for modules with live-server tests, whose flush and
    separate connection a surrounding transaction would break: they use ``fresh_world``.
    """
    # The hasher tests use (tests/conftest.py), or their logins could not check the passwords.
    with (
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield {name: build_side(name).ids() for name in ("alpha", "bravo")}
        transaction.set_rollback(True)


@pytest.fixture
def world(world_ids, db) -> World:
    """Return the two debates, read afresh so no test sees another's Python objects."""
    return World(alpha=Side.load(world_ids["alpha"]), bravo=Side.load(world_ids["bravo"]))


@pytest.fixture
def fresh_world(db) -> World:
    """Return the two debates built for this test alone."""
    return World(alpha=build_side("alpha"), bravo=build_side("bravo"))


# Rows that requests may legitimately touch without changing anything a user owns.
_VOLATILE_MODELS = {"sessions.session", "admin.logentry", "axes.accessattempt", "axes.accesslog"}


def database_state() -> dict[str, list[tuple]]:
    """Return every row of every model (but sessions and logs), to compare before and after."""
    state = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in _VOLATILE_MODELS or model._meta.proxy:
            continue
        fields = [field.attname for field in model._meta.concrete_fields]
        state[label] = sorted(model.objects.values_list(*fields), key=repr)
    return state


def changed_tables(before: dict, after: dict) -> list[str]:
    """Return the models whose rows differ between two database states."""
    return sorted(label for label in before if before[label] != after[label])
