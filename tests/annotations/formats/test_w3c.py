"""W3C Web Annotation JSON-LD (format=w3c): what pyld makes of it, offline."""

import json

import pytest
from pyld import jsonld

from annotations.formats.w3c import ANNO_CONTEXT_URL, local_document_loader
from tests.annotations.export_corpus import (
    TEXT_A,
    export,
    find,
)

OA = "http://www.w3.org/ns/oa#"


def _expanded(corpus, filters=None) -> list[dict]:
    document = json.loads(export(corpus, "w3c", filters))
    return jsonld.expand(document, {"documentLoader": local_document_loader})


def _first(node: dict, key: str):
    return node[key][0]


def test_w3c_is_an_annotation_collection_pyld_expands_offline(corpus):
    document = json.loads(export(corpus, "w3c"))
    assert document["@context"][0] == ANNO_CONTEXT_URL
    assert document["type"] == "AnnotationCollection"
    assert document["provenance"]["software"]["version"] == "0.1.0"
    items = document["first"]["items"]
    assert len(items) == 9
    expanded = jsonld.expand(document, {"documentLoader": local_document_loader})
    collection = expanded[0]
    assert collection["@type"] == ["http://www.w3.org/ns/activitystreams#OrderedCollection"]
    page = _first(collection, "http://www.w3.org/ns/activitystreams#first")
    annotations = page["http://www.w3.org/ns/activitystreams#items"][0]["@list"]
    assert len(annotations) == 9
    assert all(item["@type"] == [f"{OA}Annotation"] for item in annotations)


def test_w3c_annotation_has_quote_and_position_selectors(corpus):
    expanded = _expanded(corpus)
    page = _first(expanded[0], "http://www.w3.org/ns/activitystreams#first")
    annotations = page["http://www.w3.org/ns/activitystreams#items"][0]["@list"]
    backdoor = corpus.spans["a_backdoor"]
    annotation = next(
        item for item in annotations if item["@id"].endswith(f"/spans/{backdoor.pk}/")
    )
    assert annotation["@id"] == f"https://debatemap.test/api/v1/spans/{backdoor.pk}/"
    target = _first(annotation, f"{OA}hasTarget")
    assert _first(target, f"{OA}hasSource")["@id"] == (
        f"https://debatemap.test/api/v1/documents/{corpus.doc_a.pk}/"
    )
    selectors = {item["@type"][0]: item for item in target[f"{OA}hasSelector"]}
    quote = selectors[f"{OA}TextQuoteSelector"]
    start, end = find(TEXT_A, "a “master key” opens any door")
    assert _first(quote, f"{OA}exact")["@value"] == "a “master key” opens any door"
    assert _first(quote, f"{OA}prefix")["@value"] == TEXT_A[max(0, start - 32) : start]
    assert _first(quote, f"{OA}suffix")["@value"] == TEXT_A[end : end + 32]
    position = selectors[f"{OA}TextPositionSelector"]
    assert int(_first(position, f"{OA}start")["@value"]) == start
    assert int(_first(position, f"{OA}end")["@value"]) == end
    bodies = {
        _first(body, "urn:debatemap:field")["@value"]: _first(
            body, "http://www.w3.org/1999/02/22-rdf-syntax-ns#value"
        )["@value"]
        for body in annotation[f"{OA}hasBody"]
    }
    assert bodies == {"stance": "contra", "role": "premise"}
    relation = _first(annotation, "urn:debatemap:relation")
    assert _first(relation, "urn:debatemap:relationType")["@value"] == "supports"
    firms = corpus.spans["a_firms"]
    assert _first(relation, "urn:debatemap:relatedTo")["@id"].endswith(f"/spans/{firms.pk}/")


def test_local_document_loader_refuses_other_contexts():
    with pytest.raises(ValueError, match=r"Only http://www\.w3\.org/ns/anno\.jsonld"):
        local_document_loader("https://example.org/other.jsonld")
    assert local_document_loader("https://www.w3.org/ns/anno.jsonld")["document"]["@context"]
