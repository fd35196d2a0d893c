"""document_get and the document's JSON: compiled SQL and a written-out payload.

The SQL is compiled from ``document_list`` (so from ``Document.objects.visible_to``) and the
payload is written out rather than built by DocumentDetailSerializer: these tests hold both to
what the ORM and the serializer give, for every kind of caller, and show the SQL following a
change of the visibility rule.
"""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from annotations.models import Assignment
from debate.models import Debate, Document, DocumentQuerySet
from debate.selectors import DOCUMENT_DETAIL, document_get, document_list
from debate.serializers import DocumentDetailSerializer, document_detail_payload
from tests.factories import MembershipFactory, UserFactory


def values(instance) -> dict:
    return {
        field.attname: getattr(instance, field.attname)
        for field in type(instance)._meta.concrete_fields
    }


@pytest.fixture
def fresh_compiled():
    DOCUMENT_DETAIL.clear()
    yield
    DOCUMENT_DETAIL.clear()


def callers(world) -> dict:
    inactive = UserFactory(username="gone", is_active=False)
    MembershipFactory(debate=world.debate, user=inactive, role="annotator")
    return {**world.users, "inactive": inactive, "anonymous": AnonymousUser()}


def documents(world) -> list[int]:
    # One dated document, one layer submitted; a free id and ids no key column holds.
    Document.objects.filter(pk=world.document.pk).update(published=date(2024, 3, 1))
    Assignment.objects.filter(document=world.document, annotator=world.users["ann2"]).update(
        status="submitted"
    )
    found = [world.document.pk, world.foreign_document.pk, world.foreign_document.pk + 1000]
    return [*found, 0, -1, 2**63 - 1, 2**63, 2**70]


def test_every_caller_reads_what_the_orm_reads(world, fresh_compiled):
    for name, user in callers(world).items():
        for pk in documents(world):
            try:
                expected = document_list(user=user).get(pk=pk)
            except Document.DoesNotExist:
                with pytest.raises(Document.DoesNotExist):
                    document_get(user=user, pk=pk)
                continue
            document = document_get(user=user, pk=pk)
            assert values(document) == values(expected), (name, pk)
            assert (document.text_length, document.my_status) == (
                expected.text_length,
                expected.my_status,
            ), (name, pk)
            assert type(document.debate) is Debate
            assert values(document.debate) == values(expected.debate), (name, pk)
            assert document._state.adding is False
            assert document._state.db == expected._state.db


def test_the_statuses_and_visibility_are_exact(world, fresh_compiled):
    documents(world)
    pk = world.document.pk
    statuses = {
        name: document_get(user=user, pk=pk).my_status
        for name, user in world.users.items()
        if name != "outsider"
    }
    assert statuses == {
        "ann": "in_progress",
        "ann2": "submitted",
        "rev": None,
        "man": None,
        "res": None,
        "root": None,
    }
    with pytest.raises(Document.DoesNotExist):
        document_get(user=world.users["outsider"], pk=pk)
    assert document_get(user=world.users["outsider"], pk=world.foreign_document.pk).title == (
        "Foreign copy"
    )


def test_document_detail_payload_is_the_serializers(world, fresh_compiled):
    for name, user in callers(world).items():
        for pk in documents(world)[:2]:
            try:
                expected = DocumentDetailSerializer(document_list(user=user).get(pk=pk)).data
            except Document.DoesNotExist:
                continue
            payload = document_detail_payload(document_get(user=user, pk=pk))
            assert list(payload) == DocumentDetailSerializer.Meta.fields
            assert payload == expected, (name, pk)


def test_the_api_answers_the_payload(world, fresh_compiled, django_assert_num_queries):
    documents(world)
    client = world.client("ann2")
    client.get(f"/api/v1/documents/{world.document.pk}/")  # the token's statement compiled
    # The token with its user, then the document with its debate, length and status.
    with django_assert_num_queries(2):
        response = client.get(f"/api/v1/documents/{world.document.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert (body["published"], body["my_status"], body["length"]) == (
        "2024-03-01",
        "submitted",
        len(world.document.text),
    )
    assert body["created_at"].endswith("Z")


def test_the_sql_follows_a_change_of_visible_to(world, fresh_compiled, monkeypatch):
    ann = world.users["ann"]
    assert document_get(user=ann, pk=world.document.pk).title == "Scanning row"

    # Suppose the rule changed to: documents titled "Foreign copy" are visible to everyone.
    monkeypatch.setattr(
        DocumentQuerySet, "visible_to", lambda self, user: self.filter(title="Foreign copy")
    )
    DOCUMENT_DETAIL.clear()  # a new process compiles the new rule
    with pytest.raises(Document.DoesNotExist):
        document_get(user=ann, pk=world.document.pk)
    assert document_get(user=ann, pk=world.foreign_document.pk).title == "Foreign copy"
