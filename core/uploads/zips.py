"""A zip upload checked whole against the limits before any entry is read.

An entry that would leave its folder (``../``, an absolute path), a link, an encrypted entry,
too many entries or too many bytes refuse the upload with ``UploadRefused``, before anything
is written; so does an entry that unpacks to more than it declares, when it is read.
"""

import re
import stat
import zipfile
from typing import IO

from core.uploads.limits import ImportLimits, UploadRefused

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
ZIP_CONTENT_TYPES = frozenset(
    {
        "application/zip",
        "application/x-zip-compressed",
        "application/x-zip",
        "multipart/x-zip",
        "application/octet-stream",
    }
)
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")


def unsafe_name(name: str) -> str | None:
    """Return why a zip entry name could escape the folder it is unpacked in, or None."""
    if "\x00" in name:
        return "holds a NUL character"
    if name.startswith(("/", "\\")) or _WINDOWS_DRIVE.match(name):
        return "is an absolute path"
    if ".." in re.split(r"[\\/]", name):
        return "climbs out of the archive with '..'"
    if "\\" in name:
        return "uses backslashes as folder separators"
    return None


class ZipUpload:
    """A zip archive checked whole against the limits before any entry is read."""

    def __init__(self, fileobj: IO[bytes], *, limits: ImportLimits):
        self.limits = limits
        fileobj.seek(0)
        head = fileobj.read(4)
        fileobj.seek(0)
        if head not in ZIP_MAGIC:
            raise UploadRefused("file: not a zip archive (it does not start with PK).")
        try:
            self.archive = zipfile.ZipFile(fileobj)
            infos = self.archive.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
            raise UploadRefused(f"file: not a readable zip archive ({exc}).") from None
        if len(infos) > limits.entries:
            raise UploadRefused(
                f"file: the archive has {len(infos)} entries; the limit is {limits.entries} "
                "(DEBATEMAP_IMPORT_MAX_ENTRIES)."
            )
        total = 0
        self.entries: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            reason = unsafe_name(info.filename)
            if reason:
                raise UploadRefused(f"file: the entry {info.filename!r} {reason}.")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise UploadRefused(f"file: the entry {info.filename!r} is a symbolic link.")
            if info.flag_bits & 0x1:
                raise UploadRefused(f"file: the entry {info.filename!r} is encrypted.")
            if info.is_dir():
                continue
            if info.file_size > limits.entry_bytes:
                raise UploadRefused(
                    f"file: the entry {info.filename!r} unpacks to {info.file_size} bytes; "
                    f"the limit is {limits.entry_bytes} (DEBATEMAP_IMPORT_MAX_ENTRY_BYTES).",
                    status=413,
                )
            total += info.file_size
            if info.filename in self.entries:
                raise UploadRefused(f"file: the entry {info.filename!r} appears twice.")
            self.entries[info.filename] = info
        if total > limits.total_bytes:
            raise UploadRefused(
                f"file: the archive unpacks to {total} bytes; the limit is "
                f"{limits.total_bytes} (DEBATEMAP_IMPORT_MAX_TOTAL_BYTES).",
                status=413,
            )

    def read(self, name: str) -> bytes:
        """Return an entry's bytes, refusing one that unpacks beyond what it declared."""
        info = self.entries[name]
        try:
            with self.archive.open(info) as entry:
                data = entry.read(min(info.file_size, self.limits.entry_bytes) + 1)
        except (zipfile.BadZipFile, EOFError, ValueError, OSError) as exc:
            raise UploadRefused(f"file: the entry {name!r} cannot be unpacked ({exc}).") from None
        if len(data) > info.file_size:
            raise UploadRefused(f"file: the entry {name!r} unpacks to more than it declares.")
        return data
