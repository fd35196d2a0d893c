"""The UIMA type system of the XMI exchange: two INCEpTION custom layers and DKPro metadata.

INCEpTION names a project's custom layers ``webanno.custom.<Name>``; a relation layer holds
``Governor`` and ``Dependent``, features pointing at annotations of the span layer it is
attached to. Feature names avoid those INCEpTION refuses for a custom feature (``type``,
``begin``, ``end``, ``sofa`` and other names of the CAS's own), so the relation's label is
``relationType``. ``DocumentMetaData`` is DKPro Core's document annotation, which INCEpTION
reads for the document's title and name.
"""

import re

from cassis import TypeSystem

SPAN_TYPE = "webanno.custom.DebateSpan"
RELATION_TYPE = "webanno.custom.DebateRelation"
METADATA_TYPE = "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData"
SPAN_FEATURES = ("stance", "role", "actor", "note")
GOVERNOR, DEPENDENT, RELATION_LABEL = "Governor", "Dependent", "relationType"
METADATA_FEATURES = ("documentTitle", "documentId", "documentUri", "collectionId")
STRING = "uima.cas.String"
TYPESYSTEM_FILE = "TypeSystem.xml"

# Characters XML 1.0 cannot hold, not even escaped (its Char production).
_NOT_XML_10 = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"


def xmi_typesystem() -> TypeSystem:
    """Return a fresh type system with the span layer, the relation layer and the metadata."""
    typesystem = TypeSystem()
    span = typesystem.create_type(
        SPAN_TYPE,
        supertypeName="uima.tcas.Annotation",
        description="A Debatemap span: a passage with its stance, role, actor and note.",
    )
    for name in SPAN_FEATURES:
        typesystem.create_feature(span, name, STRING)
    relation = typesystem.create_type(
        RELATION_TYPE,
        supertypeName="uima.tcas.Annotation",
        description="A Debatemap relation: the Governor span supports or attacks the "
        "Dependent span.",
    )
    typesystem.create_feature(relation, GOVERNOR, SPAN_TYPE)
    typesystem.create_feature(relation, DEPENDENT, SPAN_TYPE)
    typesystem.create_feature(relation, RELATION_LABEL, STRING)
    metadata = typesystem.create_type(METADATA_TYPE, supertypeName="uima.tcas.DocumentAnnotation")
    for name in METADATA_FEATURES:
        typesystem.create_feature(metadata, name, STRING)
    typesystem.create_feature(metadata, "isLastSegment", "uima.cas.Boolean")
    return typesystem


def xml_safe(value: str) -> str:
    """Return ``value`` with each character XML 1.0 cannot hold replaced by U+FFFD.

    One code point for one (and one UTF-16 unit for one), so every offset stays where it was.
    """
    return _NOT_XML_10.sub(REPLACEMENT, value)
