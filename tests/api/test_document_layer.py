"""GET /api/v1/documents/{id}/?include=spans,relations: the document and a layer in one answer.

The spans and relations are exactly what their lists give the same caller for the same layer.
"""

import pytest

from annotations.models import Relation

URL = "/api/v1/documents/{}/"
EMPTY_LAYER = "Give a layer name of 1 to 150 characters."


@pytest.fixture
def relation(world):
    return Relation.objects.create(
        document=world.document,
        annotator=world.users["ann"],
        source=world.span_ann,
        target=world.span_ann_b,
        type="supports",
        created_by=world.users["ann"],
    )


def _listed(client, document, kind, layer):
    response = client.get(f"/api/v1/documents/{document.pk}/{kind}/", {"layer": layer})
    assert response.status_code == 200
    assert response.json()["next"] is None
    return response.json()["results"]


@pytest.mark.parametrize(
    ("who", "layer", "span_count", "relation_count"),
    [
        ("ann", "mine", 2, 1),
        ("ann2", "mine", 1, 0),
        ("ann2", "ann", 0, 0),  # another annotator's layer is empty to them, as in the lists
        ("rev", "all", 4, 1),
        ("rev", "gold", 1, 0),
        ("res", "ann", 2, 1),
    ],
)
def test_the_layer_is_exactly_what_the_lists_give(
    world, relation, who, layer, span_count, relation_count
):
    client = world.client(who)
    plain = client.get(URL.format(world.document.pk)).json()

    response = client.get(
        URL.format(world.document.pk), {"include": "spans,relations", "layer": layer}
    )

    assert response.status_code == 200
    body = response.json()
    spans, relations = body.pop("spans"), body.pop("relations")
    assert body == plain
    assert spans == _listed(client, world.document, "spans", layer)
    assert relations == _listed(client, world.document, "relations", layer)
    assert (len(spans), len(relations)) == (span_count, relation_count)


def test_the_layer_defaults_to_mine_and_include_names_what_comes(world, relation):
    client = world.client("ann")
    spans_only = client.get(URL.format(world.document.pk), {"include": "spans"}).json()
    both = client.get(URL.format(world.document.pk), {"include": "relations,spans"}).json()
    assert "relations" not in spans_only
    assert [span["id"] for span in spans_only["spans"]] == [world.span_ann.pk, world.span_ann_b.pk]
    assert [item["id"] for item in both["relations"]] == [relation.pk]
    assert "spans" not in client.get(URL.format(world.document.pk)).json()


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({"include": "spans,notes"}, {"include": ["Unknown: 'notes'; use spans, relations."]}),
        ({"include": ""}, {"include": ["Unknown: ''; use spans, relations."]}),
        ({"layer": "gold"}, {"layer": ["A layer is read with include=spans,relations."]}),
        (
            {"include": "spans", "layer": ""},
            {"layer": ["Give a layer name of 1 to 150 characters."]},
        ),
    ],
)
def test_unknown_includes_and_a_layer_alone_are_named(world, query, errors):
    response = world.client("ann").get(URL.format(world.document.pk), query)
    assert (response.status_code, response.json()) == (400, errors)


@pytest.mark.parametrize(("who", "status"), [("outsider", 404), (None, 401)])
def test_strangers_get_nothing(world, who, status):
    response = world.client(who).get(
        URL.format(world.document.pk), {"include": "spans,relations", "layer": "all"}
    )
    assert response.status_code == status
    assert "spans" not in response.json()


def test_a_patch_takes_no_include(world):
    response = world.client("man").patch(
        URL.format(world.document.pk) + "?include=spans", {"title": "New"}, format="json"
    )
    assert (response.status_code, response.json()) == (
        400,
        {"include": ["Unknown query parameter."]},
    )
