"""W3C Web Annotation JSON-LD, the export the API calls ``format=w3c``; written only.

One ``AnnotationCollection`` whose ``first`` page holds one ``Annotation`` per span
(TextQuoteSelector with exact, prefix and suffix; TextPositionSelector with code point
offsets). Its ``@context`` is the W3C annotation context plus a few terms of ours;
``local_document_loader`` lets a JSON-LD processor (pyld) expand it without fetching anything.
"""

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotations.formats.rows import ExportSpan, blocks

QUOTE_CONTEXT = 32  # code points of prefix and suffix in a TextQuoteSelector
ANNO_CONTEXT_URL = "http://www.w3.org/ns/anno.jsonld"
_ANNO_CONTEXT_FILE = Path(__file__).with_name("jsonld") / "anno.jsonld"
VOCAB = "urn:debatemap:"
# Our terms beside the W3C ones: which scheme field a body classifies, the span's layer and
# its relations to other spans (by annotation id).
DEBATEMAP_CONTEXT = {
    "dm": VOCAB,
    "field": "dm:field",
    "layer": "dm:layer",
    "actorId": {"@id": "dm:actorId", "@type": "xsd:integer"},
    "relations": {"@id": "dm:relation", "@container": "@set"},
    "relationType": "dm:relationType",
    "relatedTo": {"@id": "dm:relatedTo", "@type": "@id"},
    "provenance": {"@id": "dm:provenance", "@type": "@json"},
}
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def anno_context() -> dict[str, Any]:
    """Return the W3C Web Annotation JSON-LD context document, from the copy shipped here."""
    return json.loads(_ANNO_CONTEXT_FILE.read_text(encoding="utf-8"))


def local_document_loader(url: str, options: dict | None = None) -> dict[str, Any]:
    """Load the W3C annotation context from the local copy, for pyld; refuse anything else.

    Use it as ``jsonld.expand(doc, {"documentLoader": local_document_loader})`` to expand an
    export offline.
    """
    if url.rstrip("/").replace("https://", "http://", 1) != ANNO_CONTEXT_URL:
        raise ValueError(f"Only {ANNO_CONTEXT_URL} is available offline, not {url}.")
    return {"contextUrl": None, "documentUrl": url, "document": anno_context()}


def web_annotation(span: ExportSpan, *, base_url: str) -> dict[str, Any]:
    """Return one span as a W3C Web Annotation (without @context)."""
    text = span.document.text or ""
    bodies: list[dict[str, Any]] = [
        {"type": "TextualBody", "purpose": "classifying", "field": "stance", "value": span.stance},
        {"type": "TextualBody", "purpose": "classifying", "field": "role", "value": span.role},
    ]
    if span.actor is not None:
        bodies.append(
            {
                "type": "TextualBody",
                "purpose": "identifying",
                "field": "actor",
                "value": span.actor.name,
                "actorId": span.actor.id,
            }
        )
    if span.note:
        bodies.append({"type": "TextualBody", "purpose": "commenting", "value": span.note})
    annotation: dict[str, Any] = {
        "id": f"{base_url}api/v1/spans/{span.id}/",
        "type": "Annotation",
        "motivation": "classifying",
        "created": span.created_at,
        "modified": span.updated_at,
        "creator": {"type": "Person", "nickname": span.created_by},
        "layer": span.layer,
        "body": bodies,
        "target": {
            "source": f"{base_url}api/v1/documents/{span.document.id}/",
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": span.quote,
                    "prefix": text[max(0, span.start - QUOTE_CONTEXT) : span.start],
                    "suffix": text[span.end : span.end + QUOTE_CONTEXT],
                },
                {"type": "TextPositionSelector", "start": span.start, "end": span.end},
            ],
        },
    }
    if span.relations:
        annotation["relations"] = [
            {
                "relationType": relation.type,
                "relatedTo": f"{base_url}api/v1/spans/{relation.target}/",
            }
            for relation in span.relations
        ]
    return annotation


def w3c_export(
    *,
    provenance: dict[str, Any],
    spans: Iterable[ExportSpan],
    base_url: str,
    collection_id: str,
    label: str,
) -> Iterator[bytes]:
    """Yield one JSON-LD AnnotationCollection whose first page holds every span's annotation.

    ``base_url`` ends with a slash; annotation ids and targets are API URLs under it.
    """
    head = {
        "@context": [ANNO_CONTEXT_URL, DEBATEMAP_CONTEXT],
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": label,
        "generator": {
            "type": "Software",
            "name": f"Debatemap {provenance['software']['version']}",
        },
        "generated": provenance["exported_at"],
        "provenance": provenance,
    }
    opening = _JSON.encode(head)[:-1] + ',"first":{"type":"AnnotationPage","items":['

    def pieces() -> Iterator[str]:
        yield opening
        separator = ""
        for span in spans:
            yield separator + _JSON.encode(web_annotation(span, base_url=base_url))
            separator = ",\n"
        yield "]}}\n"

    return blocks(pieces())
