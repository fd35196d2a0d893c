"""UIMA CAS XMI, as INCEpTION exchanges it: written as a zip, read from one.

Written (``write``, the export): a zip with ``provenance.json``, ``TypeSystem.xml`` and per
document and layer ``gold/doc-<id>.xmi`` or ``annotators/<username>/doc-<id>.xmi``: the
document's text as the sofa, DKPro Core's ``DocumentMetaData`` (title, id, the debate as
collection), a ``webanno.custom.DebateSpan`` per span (features ``stance``, ``role``,
``actor``, ``note``) and a ``webanno.custom.DebateRelation`` per relation (``Governor``, the
source span; ``Dependent``, the target; ``relationType``). ``types`` declares them.

Read (``read``, the import): every ``.xmi`` of a zip, with the ``TypeSystem.xml`` of its
folder or one above (INCEpTION's XMI export puts one beside each document), else ours. The
labels are checked against the debate's scheme and offsets against the text (mapped to the
normalised text, ``formats.offsets``). Offsets: XMI counts UTF-16 units, cassis converts
them to code points, which Debatemap counts too.
"""

from annotations.formats.xmi.read import XmiFiles, xmi_document_read, xmi_files_from_zip
from annotations.formats.xmi.types import (
    RELATION_TYPE,
    SPAN_TYPE,
    TYPESYSTEM_FILE,
    xmi_typesystem,
    xml_safe,
)
from annotations.formats.xmi.write import xmi_cas, xmi_export

__all__ = [
    "RELATION_TYPE",
    "SPAN_TYPE",
    "TYPESYSTEM_FILE",
    "XmiFiles",
    "xmi_cas",
    "xmi_document_read",
    "xmi_export",
    "xmi_files_from_zip",
    "xmi_typesystem",
    "xml_safe",
]
