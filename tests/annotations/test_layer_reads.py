"""layer_spans_payload / layer_relations_payload: a layer read by SQL compiled once.

The SQL is compiled from ``span_list``/``relation_list`` (so from ``visible_to``): these tests
hold the answers to what those querysets give, for every caller and every kind of layer, and
show the SQL following a change of the visibility rule.
"""

import pytest
from django.db.models import Q

from annotations.layer_reads import (
    RELATION_ROWS,
    SPAN_ROWS,
    layer_relations_payload,
    layer_spans_payload,
)
from annotations.models import LayeredQuerySet, Relation
from annotations.selectors import relation_list, span_list
from annotations.serializers import relation_list_payload, span_list_payload
from tests.factories import MembershipFactory, UserFactory
from tests.scenes import RoleWorld, role_world

LAYERS = ["mine", "gold", "all", "ann", "ann2", "nobody"]


@pytest.fixture
def world(db) -> RoleWorld:
    return role_world()


@pytest.fixture
def fresh_compiled():
    SPAN_ROWS.clear()
    RELATION_ROWS.clear()
    yield
    SPAN_ROWS.clear()
    RELATION_ROWS.clear()


@pytest.fixture
def layered(world):
    for source, target in ((world.span_ann, world.span_ann_b), (world.span_ann_b, world.span_ann)):
        Relation.objects.create(
            document=world.document,
            annotator=world.users["ann"],
            source=source,
            target=target,
            type="supports",
            created_by=world.users["ann"],
        )
    inactive = UserFactory(username="gone", is_active=False)
    MembershipFactory(debate=world.debate, user=inactive, role="reviewer")
    return {**world.users, "inactive": inactive}


@pytest.mark.parametrize("layer", LAYERS)
def test_every_caller_reads_what_the_lists_read(world, layered, fresh_compiled, layer):
    for name, user in layered.items():
        for document in (world.document, world.foreign_document):
            spans = layer_spans_payload(user=user, document=document, layer=layer)
            relations = layer_relations_payload(user=user, document=document, layer=layer)
            expected_spans = span_list_payload(span_list(user=user, document=document, layer=layer))
            assert spans == expected_spans, (name, document.pk)
            assert relations == relation_list_payload(
                relation_list(user=user, document=document, layer=layer)
            ), (name, document.pk)


def test_the_layers_are_exact(world, layered, fresh_compiled):
    def quotes(who: str, layer: str) -> list[str]:
        spans = layer_spans_payload(user=layered[who], document=world.document, layer=layer)
        return [span["quote"] for span in spans]

    assert quotes("ann", "mine") == ["Tech firms", "weakens security"]
    assert quotes("ann", "ann2") == []  # another annotator's layer: as if empty
    assert quotes("ann", "gold") == []  # before review
    assert quotes("rev", "ann2") == ["weakens security"]
    assert quotes("rev", "gold") == ["weakens security"]
    assert len(quotes("rev", "all")) == 4
    assert quotes("outsider", "all") == []
    relations = layer_relations_payload(user=layered["rev"], document=world.document, layer="ann")
    assert [(r["source"], r["target"]) for r in relations] == [
        (world.span_ann.pk, world.span_ann_b.pk),
        (world.span_ann_b.pk, world.span_ann.pk),
    ]


def test_the_sql_follows_a_change_of_visible_to(world, layered, fresh_compiled, monkeypatch):
    rev = layered["rev"]
    assert len(layer_spans_payload(user=rev, document=world.document, layer="all")) == 4

    # Suppose the rule changed to: everyone sees the gold spans and their own, in any debate.
    monkeypatch.setattr(
        LayeredQuerySet,
        "visible_to",
        lambda self, user: self.filter(Q(annotator__isnull=True) | Q(annotator=user)),
    )
    SPAN_ROWS.clear()  # a new process compiles the new rule
    spans = layer_spans_payload(user=rev, document=world.document, layer="all")
    assert [span["layer"] for span in spans] == ["gold"]
    spans = layer_spans_payload(user=layered["ann"], document=world.document, layer="all")
    assert sorted(span["layer"] for span in spans) == ["ann", "ann", "gold"]
