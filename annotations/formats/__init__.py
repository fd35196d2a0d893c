"""Exchange formats of spans: one module per format, reading and writing it.

Nothing here touches the database. Readers turn files into drafts (``drafts``: the text, the
spans and relations a file holds, or the problems found, each naming file, line and reason),
which ``annotations.imports`` writes through the services. Writers are generators from plain
rows (``rows``) to the bytes of a download, fed by ``annotations.exports`` in chunks; each
keeps at most one chunk of spans, one document's layer (brat) or one span (CSV, W3C) in
memory, so an export of any size runs in flat memory, and sends its first piece (the
provenance) alone and at once.

- ``jsonl``: Debatemap's own JSON Lines, self-contained: read and written.
- ``brat``: brat standoff files in a zip: read (with a label mapping) and written.
- ``csv``: one row per span: written.
- ``w3c``: W3C Web Annotation JSON-LD, the API's ``format=w3c`` (``webanno`` is its deprecated
  old name, kept for one release: it never was WebAnno TSV): written.

Shared pieces: ``offsets`` (offsets into a text as a file holds it, mapped to the stored
normalised text); the checks of an upload (its limits, a zip checked whole) are
``core.uploads``, shared with the document import.
"""

FORMATS = ("jsonl", "csv", "w3c", "brat")
# Old names a client may still send, and the format each now is. ``webanno`` was W3C Web
# Annotation JSON-LD all along, not WebAnno TSV, which the name made people expect.
DEPRECATED_FORMATS = {"webanno": "w3c"}

MEDIA_TYPES = {
    "jsonl": "application/x-ndjson; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "w3c": 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"',
    "brat": "application/zip",
}
EXTENSIONS = {"jsonl": "jsonl", "csv": "csv", "w3c": "jsonld", "brat": "zip"}


def needs_text(format: str) -> bool:
    """Return whether a format writes document text (or quote context taken from it)."""
    return format != "csv"
