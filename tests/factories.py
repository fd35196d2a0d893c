"""Factories for test data; every test builds what it needs and nothing more."""

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from knox.crypto import hash_token

from accounts.models import ApiToken
from accounts.services import api_token_create
from annotations.models import Assignment, Relation, Span
from debate.models import Actor, ActorKind, Debate, Document, DocumentStatus, Membership, Role
from debate.scheme import default_scheme
from debate.text import normalize_text, text_sha256

PASSWORD = "correct-horse-battery"


def api_token(user, *, name: str = "tests", days: int = 30) -> str:
    """Make an API token of ``user`` and return its key.

    Marked as used now, as a token in use is: its first request then writes no "last used"
    (that write happens at most once per five minutes, tested in tests/accounts).
    """
    token, key = api_token_create(user=user, name=name, days=days)
    ApiToken.objects.filter(pk=token.pk).update(last_used=timezone.now())
    return key


def token_owner(key: str):
    """Return the user whose API token has this key, or None."""
    token = ApiToken.objects.select_related("user").filter(digest=hash_token(key)).first()
    return token.user if token is not None else None


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)


class DebateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Debate

    slug = factory.Sequence(lambda n: f"debate-{n}")
    title = factory.Sequence(lambda n: f"Debate {n}")
    proposition = "Messaging platforms should scan private messages for child safety."
    scheme = factory.LazyFunction(default_scheme)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    debate = factory.SubFactory(DebateFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.ANNOTATOR


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor

    debate = factory.SubFactory(DebateFactory)
    name = factory.Sequence(lambda n: f"Actor {n}")
    kind = ActorKind.PERSON
    aliases = factory.LazyFunction(list)


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    debate = factory.SubFactory(DebateFactory)
    title = factory.Sequence(lambda n: f"Article {n}")
    source = "test"
    text = factory.Sequence(lambda n: f"Article {n}: tech firms say a backdoor weakens security.")
    sha256 = factory.LazyAttribute(lambda o: text_sha256(normalize_text(o.text)))


class SpanFactory(factory.django.DjangoModelFactory):
    """A span over ``text[start:end]`` of its document; pass start and end."""

    class Meta:
        model = Span

    document = factory.SubFactory(DocumentFactory)
    annotator = factory.SubFactory(UserFactory)
    start = 0
    end = 7
    quote = factory.LazyAttribute(lambda o: o.document.text[o.start : o.end])
    stance = "pro"
    role = "claim"
    created_by = factory.LazyAttribute(lambda o: o.annotator or UserFactory())


class RelationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Relation

    source = factory.SubFactory(SpanFactory)
    target = factory.SubFactory(
        SpanFactory,
        document=factory.SelfAttribute("..source.document"),
        annotator=factory.SelfAttribute("..source.annotator"),
        start=8,
        end=12,
    )
    document = factory.SelfAttribute("source.document")
    annotator = factory.SelfAttribute("source.annotator")
    type = "supports"
    created_by = factory.SelfAttribute("source.created_by")


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    document = factory.SubFactory(DocumentFactory)
    annotator = factory.SubFactory(UserFactory)


def gold_claim_document(debate: Debate, text: str, *, stance: str, like: Span) -> Span:
    """Return the gold claim that is the whole text of a new adjudicated document of the
    debate, by ``like``'s reviewer and actor."""
    document = DocumentFactory(debate=debate, text=text, status=DocumentStatus.ADJUDICATED)
    return SpanFactory(
        document=document,
        annotator=None,
        created_by=like.created_by,
        start=0,
        end=len(text),
        stance=stance,
        role="claim",
        actor=like.actor,
    )
