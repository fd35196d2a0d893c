"""The limits an upload is checked against before anything of it is read into the database.

They are settings:

- ``DEBATEMAP_IMPORT_MAX_UPLOAD_BYTES`` (default 50 MiB): the uploaded file;
- ``DEBATEMAP_IMPORT_MAX_ENTRIES`` (default 20,000): entries in a zip;
- ``DEBATEMAP_IMPORT_MAX_ENTRY_BYTES`` (default 20 MiB): one entry, uncompressed;
- ``DEBATEMAP_IMPORT_MAX_TOTAL_BYTES`` (default 200 MiB): all entries, uncompressed.
"""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class ImportLimits:
    upload_bytes: int
    entries: int
    entry_bytes: int
    total_bytes: int


def import_limits() -> ImportLimits:
    """Return the upload limits in force (settings, or the defaults documented above)."""
    return ImportLimits(
        upload_bytes=getattr(settings, "DEBATEMAP_IMPORT_MAX_UPLOAD_BYTES", 50 * 2**20),
        entries=getattr(settings, "DEBATEMAP_IMPORT_MAX_ENTRIES", 20_000),
        entry_bytes=getattr(settings, "DEBATEMAP_IMPORT_MAX_ENTRY_BYTES", 20 * 2**20),
        total_bytes=getattr(settings, "DEBATEMAP_IMPORT_MAX_TOTAL_BYTES", 200 * 2**20),
    )


class UploadRefused(Exception):
    """The upload as a whole is refused before anything is written; ``status`` says why."""

    def __init__(self, message: str, *, status: int = 400):
        self.status = status
        super().__init__(message)
