"""Writing UIMA CAS XMI: one CAS per document and layer, zipped with the type system."""

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from cassis import Cas, TypeSystem

from annotations.formats.rows import ExportSpan, blocks
from annotations.formats.xmi.types import (
    DEPENDENT,
    GOVERNOR,
    METADATA_TYPE,
    RELATION_LABEL,
    RELATION_TYPE,
    SPAN_TYPE,
    TYPESYSTEM_FILE,
    xmi_typesystem,
    xml_safe,
)
from annotations.formats.zip_stream import ZipStream, layer_folder, layer_groups


def xmi_cas(spans: list[ExportSpan], *, typesystem: TypeSystem, collection: str) -> Cas:
    """Return the CAS of one document's layer: its text, metadata, spans and relations.

    A relation whose target is not among ``spans`` (filtered out) is left out. A relation
    covers its Dependent's text, as INCEpTION places one. Offsets are code points here;
    cassis writes them as the UTF-16 units XMI counts.
    """
    document = spans[0].document
    text = xml_safe(document.text or "")
    cas = Cas(typesystem=typesystem, sofa_string=text, sofa_mime="text/plain")
    metadata = typesystem.get_type(METADATA_TYPE)
    cas.add(
        metadata(
            begin=0,
            end=len(text),
            language="x-unspecified",
            documentTitle=xml_safe(document.title),
            documentId=str(document.id),
            collectionId=xml_safe(collection),
            isLastSegment=False,
        )
    )
    span_type = typesystem.get_type(SPAN_TYPE)
    annotations = {}
    for span in spans:
        annotations[span.id] = span_type(
            begin=span.start,
            end=span.end,
            stance=xml_safe(span.stance),
            role=xml_safe(span.role),
            actor=None if span.actor is None else xml_safe(span.actor.name),
            note=xml_safe(span.note) if span.note else None,
        )
    cas.add_all(annotations.values())
    relation_type = typesystem.get_type(RELATION_TYPE)
    for span in spans:
        for link in span.relations:
            target = annotations.get(link.target)
            if target is None:
                continue
            cas.add(
                relation_type(
                    begin=target.begin,
                    end=target.end,
                    **{
                        GOVERNOR: annotations[span.id],
                        DEPENDENT: target,
                        RELATION_LABEL: xml_safe(link.type),
                    },
                )
            )
    return cas


def xmi_export(
    *, provenance: dict[str, Any], spans: Iterable[ExportSpan], now: datetime
) -> Iterator[bytes]:
    """Yield a zip of XMI files (one per document and layer) and ``TypeSystem.xml``.

    Written entry by entry as the spans arrive: one document's layer is held at a time.
    """
    typesystem = xmi_typesystem()
    collection = provenance["debate"]["slug"]

    def pieces() -> Iterator[bytes]:
        archive = ZipStream(now=now)
        yield archive.entry("provenance.json", json.dumps(provenance, ensure_ascii=False, indent=2))
        yield archive.entry(TYPESYSTEM_FILE, typesystem.to_xml())
        for group in layer_groups(spans):
            first = group[0]
            name = f"{layer_folder(first.layer, first.annotator)}/doc-{first.document.id}.xmi"
            cas = xmi_cas(group, typesystem=typesystem, collection=collection)
            yield archive.entry(name, cas.to_xmi())
        yield archive.close()  # the central directory

    return blocks(pieces())
