"""Relations: two spans of one document and one layer, typed from the debate's scheme."""

from datetime import UTC, datetime

from rest_framework import generics
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIRequestFactory, force_authenticate

from annotations.models import Relation
from annotations.views import RelationListView
from tests.factories import DocumentFactory, RelationFactory, SpanFactory
from tests.scenes import tag


def relations_url(world) -> str:
    return f"/api/v1/documents/{world.document.pk}/relations/"


def link(world, source, target, who: str = "ann", type: str = "supports"):
    body = {"source": source.pk, "target": target.pk, "type": type}
    return world.client(who).post(relations_url(world), body, format="json")


def test_annotator_links_two_spans_of_their_layer(world):
    response = link(world, world.span_ann_b, world.span_ann)
    assert response.status_code == 201
    relation = Relation.objects.get()
    assert response.json() == {
        "id": relation.pk,
        "document": world.document.pk,
        "layer": "ann",
        "source": world.span_ann_b.pk,
        "target": world.span_ann.pk,
        "type": "supports",
        "created_by": "ann",
        "created_at": response.json()["created_at"],
    }


def test_a_relation_across_layers_is_refused(world):
    response = link(world, world.span_gold, world.span_ann2, who="rev")
    assert response.status_code == 400
    assert response.json() == {
        "target": ["Must be in the same layer as the source (gold), not ann2."]
    }
    assert not Relation.objects.exists()


def test_a_span_of_another_document_is_refused(world):
    other = DocumentFactory(debate=world.debate, text="Another text about scanning here.")
    foreign_span = tag(other, world.users["ann"], "scanning")
    response = link(world, world.span_ann, foreign_span)
    assert response.status_code == 400
    assert response.json() == {"target": [f"No span {foreign_span.pk} in this document."]}


def test_a_span_the_user_cannot_see_does_not_exist_for_them(world):
    response = link(world, world.span_ann, world.span_ann2)
    assert response.status_code == 400
    assert response.json() == {"target": [f"No span {world.span_ann2.pk} in this document."]}


def test_relation_type_comes_from_the_scheme(world):
    response = link(world, world.span_ann, world.span_ann_b, type="hugs")
    assert response.status_code == 400
    assert response.json() == {
        "type": ["Must be one of this debate's relation types: supports, attacks."]
    }


def test_a_span_cannot_relate_to_itself_nor_twice_the_same_way(world):
    itself = link(world, world.span_ann, world.span_ann)
    assert itself.status_code == 400
    assert itself.json() == {"target": ["A span cannot be related to itself."]}
    assert link(world, world.span_ann, world.span_ann_b).status_code == 201
    twice = link(world, world.span_ann, world.span_ann_b)
    assert twice.status_code == 400
    assert twice.json() == {"non_field_errors": ["These spans already have this relation."]}
    assert link(world, world.span_ann, world.span_ann_b, type="attacks").status_code == 201


def test_reviewer_links_gold_spans(world):
    other_gold = tag(world.document, None, "NSPCC", by=world.users["rev"])
    response = link(world, other_gold, world.span_gold, who="rev", type="attacks")
    assert response.status_code == 201
    assert response.json()["layer"] == "gold"


def test_relation_lists_follow_the_layer_parameter(world):
    link(world, world.span_ann, world.span_ann_b)
    assert len(world.client("ann").get(relations_url(world)).json()["results"]) == 1
    assert world.client("ann2").get(relations_url(world)).json()["results"] == []
    rev = world.client("rev").get(relations_url(world), {"layer": "ann"}).json()["results"]
    assert [relation["layer"] for relation in rev] == ["ann"]


def test_deleting_a_relation(world):
    relation_id = link(world, world.span_ann, world.span_ann_b).json()["id"]
    response = world.client("ann").delete(f"/api/v1/relations/{relation_id}/")
    assert response.status_code == 204
    assert not Relation.objects.exists()


def test_relation_history_records_creation_and_deletion(world):
    relation_id = link(world, world.span_ann, world.span_ann_b).json()["id"]
    world.client("ann").delete(f"/api/v1/relations/{relation_id}/")

    response = world.client("rev").get(f"/api/v1/relations/{relation_id}/history/")

    assert response.status_code == 200
    state = {
        "document": world.document.pk,
        "layer": "ann",
        "source": world.span_ann.pk,
        "target": world.span_ann_b.pk,
        "type": "supports",
    }
    events = response.json()["results"]
    assert [(e["action"], e["by"], e["relation"], e["before"], e["after"]) for e in events] == [
        ("created", "ann", relation_id, None, state),
        ("deleted", "ann", relation_id, state, None),
    ]
    # Like the relation itself, its history is hidden from those who cannot read its layer.
    assert world.client("ann2").get(f"/api/v1/relations/{relation_id}/history/").status_code == 404


def test_relations_that_go_with_a_deleted_span_are_recorded(world):
    relation_id = link(world, world.span_ann, world.span_ann_b).json()["id"]
    world.client("ann").delete(f"/api/v1/spans/{world.span_ann_b.pk}/?version=1")

    events = world.client("ann").get(f"/api/v1/relations/{relation_id}/history/").json()
    assert [(e["action"], e["reason"]) for e in events["results"]] == [
        ("created", ""),
        ("deleted", f"span {world.span_ann_b.pk} was deleted"),
    ]


class _SerializedRelationList(RelationListView):
    """The relation list as it was: relations through RelationSerializer, DRF's JSONRenderer."""

    renderer_classes = [JSONRenderer]

    def list(self, request, *args, **kwargs):
        return generics.ListAPIView.list(self, request, *args, **kwargs)


def test_relation_list_pages_give_byte_for_byte_what_the_serializer_gave(world):
    ann, rev = world.users["ann"], world.users["rev"]
    spans = [
        SpanFactory(document=world.document, annotator=ann, start=i, end=i + 4) for i in range(4)
    ]
    for i, (source, target) in enumerate([(0, 1), (1, 2), (2, 3), (3, 0), (0, 2)]):
        type_ = "supports" if i % 2 else "attacks"
        RelationFactory(source=spans[source], target=spans[target], type=type_)
    gold_other = tag(world.document, None, "NSPCC", by=rev)
    gold = RelationFactory(source=gold_other, target=world.span_gold, type="attacks")
    # A whole second, no microseconds to write.
    Relation.objects.filter(pk=gold.pk).update(created_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    RelationFactory(source=world.span_ann2, target=SpanFactory(document=world.document))

    client, before = world.client("rev"), _SerializedRelationList.as_view()
    url = f"{relations_url(world)}?layer=all&page_size=2"
    pages, seen = 0, []
    while url:
        response = client.get(url)
        request = APIRequestFactory().get(url)
        force_authenticate(request, user=rev)
        old = before(request, pk=world.document.pk)
        old.render()
        assert response.status_code == old.status_code == 200
        assert response["Content-Type"] == old["Content-Type"] == "application/json"
        assert response.content == old.content
        seen += response.json()["results"]
        url, pages = response.json()["next"], pages + 1

    assert pages == 4
    assert len(seen) == 7 and seen == sorted(seen, key=lambda item: item["id"])
    assert [item["layer"] for item in seen].count("gold") == 1
    assert {item["type"] for item in seen} == {"supports", "attacks"}
    assert next(item for item in seen if item["id"] == gold.pk)["created_at"] == (
        "2026-01-02T03:04:05Z"
    )
    # Back from the last page, as the previous link leads.
    previous = client.get(response.json()["previous"])
    request = APIRequestFactory().get(response.json()["previous"])
    force_authenticate(request, user=rev)
    old = before(request, pk=world.document.pk)
    old.render()
    assert previous.content == old.content
    assert [item["id"] for item in previous.json()["results"]] == [s["id"] for s in seen[4:6]]


def test_relation_list_reads_its_relations_in_one_query_however_many(
    world, django_assert_num_queries
):
    ann = world.users["ann"]
    spans = [
        SpanFactory(document=world.document, annotator=ann, start=i, end=i + 4) for i in range(6)
    ]
    for source in spans:
        for target in spans:
            if source != target:
                RelationFactory(source=source, target=target)
    client = world.client("ann")
    # The token with its user, the document with the access, then the rows with both usernames.
    with django_assert_num_queries(3):
        response = client.get(f"{relations_url(world)}?page_size=500")
    assert len(response.json()["results"]) == 30
