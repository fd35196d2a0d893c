"""A zip written entry by entry as the spans arrive, for the exports that are archives.

``zipfile`` writes to a file it cannot seek (``_Sink``), so each entry's bytes are taken out
as soon as it is written and the download starts before the last document is read.
"""

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime

from annotations.formats.rows import ExportSpan

GOLD_FOLDER = "gold"
ANNOTATORS_FOLDER = "annotators"
_NOT_PATH_PART = re.compile(r"[^\w.@+-]")


class _Sink(io.RawIOBase):
    """A write-only, unseekable file: what zipfile writes is taken out block by block."""

    def __init__(self) -> None:
        self._pending: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._pending.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._pending)
        self._pending.clear()
        return data


class ZipStream:
    """Write a zip entry by entry; ``entry`` and ``close`` return the bytes to send on."""

    def __init__(self, *, now: datetime) -> None:
        self._sink = _Sink()
        self._stamp = (max(now.year, 1980), now.month, now.day, now.hour, now.minute, now.second)
        self._archive = zipfile.ZipFile(self._sink, mode="w")

    def entry(self, name: str, data: str | bytes) -> bytes:
        """Add one file to the archive and return the bytes written for it."""
        info = zipfile.ZipInfo(name, date_time=self._stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        self._archive.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)
        return self._sink.take()

    def close(self) -> bytes:
        """Finish the archive and return its central directory."""
        self._archive.close()
        return self._sink.take()


def layer_groups(spans: Iterable[ExportSpan]) -> Iterator[list[ExportSpan]]:
    """Group consecutive spans of one document and layer (the order the selector gives)."""
    group: list[ExportSpan] = []
    for span in spans:
        if group and (span.document is not group[0].document or span.layer != group[0].layer):
            yield group
            group = []
        group.append(span)
    if group:
        yield group


def layer_folder(layer: str, annotator: str | None) -> str:
    """Return the zip folder of a layer: ``gold`` or ``annotators/<username>``."""
    if annotator is None:
        return GOLD_FOLDER
    part = _NOT_PATH_PART.sub("_", annotator)
    if part in {".", ".."}:
        part = part.replace(".", "_")
    return f"{ANNOTATORS_FOLDER}/{part}"
