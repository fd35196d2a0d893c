import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from debate.models import (
    Actor,
    Debate,
    Document,
    DocumentStatus,
    DocumentTextLocked,
    Membership,
    Role,
)
from debate.scheme import default_scheme
from debate.text import text_sha256
from tests.factories import (
    ActorFactory,
    DebateFactory,
    DocumentFactory,
    MembershipFactory,
    SpanFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _refused(insert) -> None:
    """Assert that the database itself refuses a write that skipped model validation."""
    with pytest.raises(IntegrityError), transaction.atomic():
        insert()


def _debate(**overrides) -> Debate:
    fields = {"slug": "s", "title": "T", "proposition": "P", "scheme": default_scheme()}
    return Debate(**(fields | overrides))


def _document(debate, text="Some text.", **overrides) -> Document:
    fields = {"debate": debate, "title": "t", "text": text, "sha256": text_sha256(text)}
    return Document(**(fields | overrides))


# --- Debate -----------------------------------------------------------------------------------


def test_debate_needs_at_least_one_annotator_per_document():
    _refused(lambda: Debate.objects.bulk_create([_debate(annotators_per_document=0)]))
    assert Debate.objects.count() == 0
    Debate.objects.bulk_create([_debate(annotators_per_document=1)])
    debate = Debate.objects.get()
    _refused(lambda: Debate.objects.filter(pk=debate.pk).update(annotators_per_document=0))
    debate.refresh_from_db()
    assert debate.annotators_per_document == 1


def test_debate_slug_is_unique():
    DebateFactory(slug="encryption")
    _refused(lambda: Debate.objects.bulk_create([_debate(slug="encryption")]))
    assert Debate.objects.filter(slug="encryption").count() == 1


# --- Membership -------------------------------------------------------------------------------


def test_one_membership_per_debate_and_user():
    membership = MembershipFactory(role=Role.ANNOTATOR)
    duplicate = Membership(debate=membership.debate, user=membership.user, role=Role.REVIEWER)
    _refused(lambda: Membership.objects.bulk_create([duplicate]))
    assert Membership.objects.count() == 1
    # The same user may hold a role in another debate.
    MembershipFactory(user=membership.user, role=Role.REVIEWER)
    assert Membership.objects.filter(user=membership.user).count() == 2


def test_unknown_membership_role_is_refused():
    debate = DebateFactory()
    user = UserFactory()
    _refused(
        lambda: Membership.objects.bulk_create([Membership(debate=debate, user=user, role="boss")])
    )
    membership = MembershipFactory(debate=debate, user=user, role=Role.MANAGER)
    _refused(lambda: Membership.objects.filter(pk=membership.pk).update(role="owner"))
    membership.refresh_from_db()
    assert membership.role == Role.MANAGER


# --- Actor ------------------------------------------------------------------------------------


def test_actor_name_is_unique_within_a_debate_only():
    actor = ActorFactory(name="NSPCC")
    _refused(lambda: Actor.objects.bulk_create([Actor(debate=actor.debate, name="NSPCC")]))
    assert Actor.objects.filter(name="NSPCC").count() == 1
    ActorFactory(name="NSPCC")  # another debate
    assert Actor.objects.filter(name="NSPCC").count() == 2


@pytest.mark.parametrize("aliases", [["ok", ""], ["ok", "  "], "tech firms", [1], {"a": "b"}])
def test_actor_aliases_must_be_a_list_of_names(aliases):
    actor = Actor(debate=DebateFactory(), name="Tech firms", aliases=aliases)
    with pytest.raises(ValidationError) as caught:
        actor.full_clean()
    assert caught.value.message_dict == {
        "aliases": ["Aliases must be a list of non-empty strings."]
    }


# --- Document ---------------------------------------------------------------------------------


def test_document_sha256_is_unique_within_a_debate_only():
    document = DocumentFactory(text="Same words.")
    _refused(lambda: Document.objects.bulk_create([_document(document.debate, "Same words.")]))
    assert Document.objects.filter(debate=document.debate).count() == 1
    other = DebateFactory()
    Document.objects.bulk_create([_document(other, "Same words.")])
    assert Document.objects.filter(sha256=document.sha256).count() == 2


def test_document_text_cannot_be_empty():
    debate = DebateFactory()
    _refused(lambda: Document.objects.bulk_create([_document(debate, "")]))
    document = DocumentFactory(debate=debate)
    _refused(lambda: Document.objects.filter(pk=document.pk).update(text=""))
    assert Document.objects.get(pk=document.pk).text == document.text


@pytest.mark.parametrize("sha256", ["", "abc", "a" * 63])
def test_document_sha256_must_be_64_characters(sha256):
    debate = DebateFactory()
    _refused(lambda: Document.objects.bulk_create([_document(debate, sha256=sha256)]))
    assert Document.objects.count() == 0


def test_unknown_document_status_is_refused():
    document = DocumentFactory()
    _refused(lambda: Document.objects.filter(pk=document.pk).update(status="published"))
    document.refresh_from_db()
    assert document.status == DocumentStatus.NEW


def test_save_stores_normalised_text_and_its_hash():
    document = DocumentFactory(text="\ufeffcaf" + "e\u0301\r\nline two\r")
    document.refresh_from_db()
    assert document.text == "caf\u00e9\nline two\n"
    assert document.sha256 == text_sha256("caf\u00e9\nline two\n")
    assert document.length == 14


def test_text_can_change_before_anything_is_annotated():
    document = DocumentFactory(text="First draft.")
    document.text = "Second draft."
    document.save()
    document.refresh_from_db()
    assert document.text == "Second draft."
    assert document.sha256 == text_sha256("Second draft.")
    assert document.is_annotated() is False


def test_text_is_locked_once_a_span_points_into_it():
    document = DocumentFactory(text="Tech firms say a backdoor weakens security.")
    SpanFactory(document=document, start=0, end=10)
    assert document.is_annotated() is True
    original_sha = document.sha256

    document.text = "Tech firms say nothing."
    with pytest.raises(DocumentTextLocked) as caught:
        document.save()
    assert isinstance(caught.value, ValidationError)
    assert caught.value.message_dict == {
        "text": ["The text cannot change: annotations point into it."]
    }
    stored = Document.objects.get(pk=document.pk)
    assert stored.text == "Tech firms say a backdoor weakens security."
    assert stored.sha256 == original_sha


def test_metadata_of_an_annotated_document_can_change():
    document = DocumentFactory(text="Tech firms say a backdoor weakens security.")
    SpanFactory(document=document, start=0, end=10)
    document.title = "Renamed"
    document.source = "Shropshire Star"
    document.status = DocumentStatus.ANNOTATING
    document.save()
    stored = Document.objects.get(pk=document.pk)
    assert (stored.title, stored.source, stored.status) == (
        "Renamed",
        "Shropshire Star",
        DocumentStatus.ANNOTATING,
    )
    assert stored.text == "Tech firms say a backdoor weakens security."


def test_annotated_text_may_be_saved_again_in_another_line_end_form():
    # The same text once normalised: nothing any offset points at moves.
    document = DocumentFactory(text="Line one\nLine two")
    SpanFactory(document=document, start=0, end=4)
    document.text = "Line one\r\nLine two"
    document.save()
    assert Document.objects.get(pk=document.pk).text == "Line one\nLine two"


def test_text_unlocks_when_the_last_span_is_deleted():
    document = DocumentFactory(text="Tech firms say a backdoor weakens security.")
    span = SpanFactory(document=document, start=0, end=10)
    span.delete()
    document.text = "A new text."
    document.save()
    assert Document.objects.get(pk=document.pk).text == "A new text."


# --- Visibility -------------------------------------------------------------------------------


def test_debates_and_documents_are_visible_to_members_only():
    ours, theirs = DebateFactory(), DebateFactory()
    our_document, _their_document = DocumentFactory(debate=ours), DocumentFactory(debate=theirs)
    annotator = MembershipFactory(debate=ours, role=Role.ANNOTATOR).user
    manager = MembershipFactory(debate=ours, role=Role.MANAGER).user
    MembershipFactory(debate=theirs, user=manager, role=Role.REVIEWER)
    superuser = UserFactory(is_superuser=True)
    outsider = UserFactory()

    assert list(Debate.objects.visible_to(annotator)) == [ours]
    assert list(Document.objects.visible_to(annotator)) == [our_document]
    assert set(Debate.objects.visible_to(manager)) == {ours, theirs}
    assert list(Debate.objects.managed_by(manager)) == [ours]
    assert list(Debate.objects.managed_by(annotator)) == []
    assert set(Debate.objects.managed_by(superuser)) == {ours, theirs}
    assert Document.objects.visible_to(superuser).count() == 2
    assert list(Debate.objects.visible_to(outsider)) == []
    assert list(Debate.objects.visible_to(AnonymousUser())) == []
    assert list(Debate.objects.managed_by(AnonymousUser())) == []


@pytest.mark.django_db
def test_saving_only_the_text_also_stores_its_new_hash():
    document = DocumentFactory(text="Old text.")
    document.text = "New text."
    document.save(update_fields=["text"])

    document.refresh_from_db()
    assert (document.text, document.sha256) == ("New text.", text_sha256("New text."))
