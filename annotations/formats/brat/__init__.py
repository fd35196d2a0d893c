"""brat standoff files: read into drafts through a label mapping, and written as a zip.

Written (``write``, the export): a zip with ``provenance.json``, ``annotation.conf`` and per
document and layer ``gold/doc-<id>.txt|.ann`` or ``annotators/<username>/doc-<id>.txt|.ann``.
T lines carry the role as entity type, A lines the stance and actor, ``#`` lines the note, R
lines the relations (Arg1 = source, Arg2 = target). Offsets are code points of the UTF-8
``.txt``; a span over a line break becomes brat fragments (``0 5;6 9``) split at line breaks.

Read (``read``, the import): ``<name>.txt`` beside ``<name>.ann`` in any folders of a zip or
a folder; each document becomes a draft whose offsets are checked against its text (mapped
to the normalised text, ``formats.offsets``) and whose labels go through a ``BratMapping``
(``mapping``). Without a mapping file the default mapping reads Debatemap's own export back
unchanged. ``names`` holds what both sides name alike.
"""

from annotations.formats.brat.mapping import (
    AttributeRule,
    BratMapping,
    MappingInvalid,
    brat_mapping_default,
    brat_mapping_parse,
)
from annotations.formats.brat.names import (
    BRAT_ACTOR,
    BRAT_CONFIG_FILES,
    BRAT_NOTE,
    BRAT_STANCE,
    actor_tokens,
    brat_fragments,
    brat_name,
)
from annotations.formats.brat.read import (
    BratFiles,
    brat_document_read,
    brat_files_from_folder,
    brat_files_from_zip,
)
from annotations.formats.brat.write import ann_lines, annotation_conf, brat_export

__all__ = [
    "BRAT_ACTOR",
    "BRAT_CONFIG_FILES",
    "BRAT_NOTE",
    "BRAT_STANCE",
    "AttributeRule",
    "BratFiles",
    "BratMapping",
    "MappingInvalid",
    "actor_tokens",
    "ann_lines",
    "annotation_conf",
    "brat_document_read",
    "brat_export",
    "brat_files_from_folder",
    "brat_files_from_zip",
    "brat_fragments",
    "brat_mapping_default",
    "brat_mapping_parse",
    "brat_name",
]
