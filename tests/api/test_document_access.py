"""document_access_get: the document and the caller's role, read through compiled SQL.

The SQL is compiled from ``Document.objects.visible_to``, so these tests hold it to what the
ORM reads for every kind of caller, and show it following a change of that rule.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import OuterRef, Subquery

from debate.models import Debate, Document, DocumentQuerySet, Membership
from debate.selectors import DOCUMENT_ACCESS, document_access_get
from tests.factories import MembershipFactory, UserFactory


def orm_reading(user, pk: int) -> tuple[Document, str | None]:
    """Return what the ORM reads for document_access_get (its implementation before)."""
    my_role = Membership.objects.filter(debate=OuterRef("debate"), user=user.pk).values("role")
    document = (
        Document.objects.visible_to(user)
        .select_related("debate")
        .annotate(my_role=Subquery(my_role.order_by()[:1]))
        .get(pk=pk)
    )
    return document, document.my_role


def values(instance) -> dict:
    return {
        field.attname: getattr(instance, field.attname)
        for field in type(instance)._meta.concrete_fields
    }


@pytest.fixture
def fresh_compiled():
    DOCUMENT_ACCESS.clear()
    yield
    DOCUMENT_ACCESS.clear()


def callers(world) -> dict:
    inactive = UserFactory(username="gone", is_active=False)
    MembershipFactory(debate=world.debate, user=inactive, role="annotator")
    return {**world.users, "inactive": inactive, "anonymous": AnonymousUser()}


@pytest.mark.parametrize("text", [True, False])
def test_every_caller_reads_what_the_orm_reads(world, fresh_compiled, text):
    # Beside the two documents: a free id, and ids no key column holds (SQLite cannot even
    # take the last two as a number).
    documents = [world.document.pk, world.foreign_document.pk, world.foreign_document.pk + 1000]
    documents += [0, -1, 2**63 - 1, -(2**63) - 1, 2**63, 2**70]
    for name, user in callers(world).items():
        for pk in documents:
            try:
                expected, expected_role = orm_reading(user, pk)
            except Document.DoesNotExist:
                with pytest.raises(Document.DoesNotExist):
                    document_access_get(user=user, pk=pk, text=text)
                continue
            document, access = document_access_get(user=user, pk=pk, text=text)
            assert access.role == expected_role, (name, pk)
            assert access.user_id == user.pk
            assert access.is_superuser == user.is_superuser
            assert access.debate_id == expected.debate_id
            assert document.get_deferred_fields() == (set() if text else {"text"})
            assert values(document) == values(expected), (name, pk)
            assert type(document.debate) is Debate
            assert values(document.debate) == values(expected.debate), (name, pk)
            assert document.debate.scheme == world.debate.scheme
            assert document._state.adding is False
            assert document._state.db == expected._state.db


def test_the_roles_and_visibility_are_exact(world, fresh_compiled):
    pk = world.document.pk
    roles = {
        name: document_access_get(user=user, pk=pk)[1].role
        for name, user in world.users.items()
        if name != "outsider"
    }
    assert roles == {
        "ann": "annotator",
        "ann2": "annotator",
        "rev": "reviewer",
        "man": "manager",
        "res": "researcher",
        "root": None,
    }
    with pytest.raises(Document.DoesNotExist):
        document_access_get(user=world.users["outsider"], pk=pk)
    _, access = document_access_get(user=world.users["outsider"], pk=world.foreign_document.pk)
    assert access.role == "manager"


def test_without_text_the_text_is_read_on_first_use(
    world, fresh_compiled, django_assert_num_queries
):
    with django_assert_num_queries(1):
        document, _ = document_access_get(user=world.users["ann"], pk=world.document.pk, text=False)
        assert document.debate.scheme == world.debate.scheme
    with django_assert_num_queries(1):
        assert document.text == world.document.text


def test_the_sql_follows_a_change_of_visible_to(world, fresh_compiled, monkeypatch):
    ann = world.users["ann"]
    assert document_access_get(user=ann, pk=world.document.pk)[0].title == "Scanning row"

    # Suppose the rule changed to: documents titled "Foreign copy" are visible to everyone.
    monkeypatch.setattr(
        DocumentQuerySet, "visible_to", lambda self, user: self.filter(title="Foreign copy")
    )
    DOCUMENT_ACCESS.clear()  # a new process compiles the new rule
    with pytest.raises(Document.DoesNotExist):
        document_access_get(user=ann, pk=world.document.pk)
    document, access = document_access_get(user=ann, pk=world.foreign_document.pk)
    assert (document.title, access.role) == ("Foreign copy", None)


@pytest.mark.parametrize("pk", [2**63, 2**70])
@pytest.mark.parametrize("who", ["ann", "root"])
def test_an_id_beyond_any_key_is_not_found(world, pk, who):
    client = world.client(who)
    for path in ("spans", "relations"):
        url = f"/api/v1/documents/{pk}/{path}/"
        for response in (client.get(url), client.post(url, {}, format="json")):
            assert response.status_code == 404
            assert response.json() == {"detail": "No document with this id."}
