"""Read documents from files: plain text, Markdown, HTML (visible text only) and JSON Lines.

Reading is separate from storing: ``read_import_items`` (a file on disk), ``read_file_items``
(a file's bytes, such as a zip entry), ``read_jsonl_stream`` (an upload, line by line) and
``read_json_list`` (the items of a JSON body) yield one ``ImportItem`` per document found (or
per problem, naming the file and line, or the list index, and the field), and the caller
stores them so that a bad item rejects only itself.
"""

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePath
from typing import IO

import orjson
from bs4 import BeautifulSoup
from bs4.element import NavigableString, PreformattedString, Tag

from debate.models import MAX_TEXT_CHARS
from debate.services import DocumentInput
from debate.text import normalize_text
from debate.titles import page_title

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl")
# Elements whose content a reader never sees.
INVISIBLE_TAGS = ("script", "style", "noscript", "template", "head", "svg", "iframe")
JSONL_FIELDS = {"text", "title", "source", "url", "published"}
# The longest line a JSON Lines upload may hold: the longest text (MAX_TEXT_CHARS code points)
# at four UTF-8 bytes each, with room for the other fields. A longer line is refused alone,
# and is never held in memory whole.
MAX_JSONL_LINE_BYTES = 8 * MAX_TEXT_CHARS + 64 * 1024
UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class ImportItem:
    """One document read from a file, or the reason it could not be read.

    ``file`` names the file (or zip entry) it came from, ``line`` its line in a JSON Lines
    file, ``index`` its place in a JSON list; ``field`` is the field a problem is in, empty
    when it is the item's (or the file's) as a whole.
    """

    file: str = ""
    data: DocumentInput | None = None
    reason: str = ""
    field: str = ""
    line: int | None = None
    index: int | None = None

    @property
    def where(self) -> str:
        """Return where the item was read, as a person reads it: file, file:line or [index]."""
        if self.index is not None:
            return f"[{self.index}]"
        return self.file if self.line is None else f"{self.file}:{self.line}"

    @property
    def error(self) -> str:
        """Return the problem as one line, the field first."""
        return f"{self.field}: {self.reason}" if self.field else self.reason


def _unsupported(path: PurePath) -> ImportItem:
    return ImportItem(
        str(path),
        reason=(
            f"unsupported file type {path.suffix or '(none)'!r}; "
            f"use {', '.join(SUPPORTED_SUFFIXES)}"
        ),
    )


def collect_paths(paths: list[Path]) -> tuple[list[Path], list[ImportItem]]:
    """Expand folders into their supported files (sorted); report what cannot be read.

    Hidden files and folders (a name starting with a dot) inside a folder are passed over.
    """
    files: list[Path] = []
    problems: list[ImportItem] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if not child.is_file() or any(
                    part.startswith(".") for part in child.relative_to(path).parts
                ):
                    continue
                if child.suffix.lower() in SUPPORTED_SUFFIXES:
                    files.append(child)
                else:
                    problems.append(_unsupported(child))
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                files.append(path)
            else:
                problems.append(_unsupported(path))
        else:
            problems.append(ImportItem(str(path), reason="no such file or folder"))
    return files, problems


def read_import_items(path: Path, *, source: str = "") -> Iterator[ImportItem]:
    """Yield the documents in one file, or one item per problem found in it.

    ``source`` is the outlet the documents came from, for those whose file names none (a JSON
    Lines item may); without it, the file's name. A title the file gives is kept; one read
    from a heading or a page's title loses the outlet's name, and a document without one is
    titled by its headline (``debate.titles``).
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        yield ImportItem(str(path), reason=f"cannot read: {exc.strerror}")
        return
    yield from read_file_items(path, raw, source=source)


def read_file_items(path: PurePath, raw: bytes, *, source: str = "") -> Iterator[ImportItem]:
    """Yield the documents in one file's bytes (``path`` names it), as ``read_import_items``."""
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        yield _unsupported(path)
        return
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        yield ImportItem(str(path), reason=f"not UTF-8 text (byte {exc.start})")
        return
    # Editors on Windows start UTF-8 files with a byte-order mark; it is not content.
    text = text.removeprefix("\ufeff")
    suffix = path.suffix.lower()
    source = source or path.name
    if suffix == ".jsonl":
        yield from _read_jsonl(path, text, source)
    elif suffix in (".html", ".htm"):
        yield _read_html(path, text, source)
    else:
        yield _plain(path, text, source)


# An ATX heading (CommonMark): up to three spaces, 1-6 hashes, a space, the title, and an
# optional closing run of hashes after a space (so "# Lessons from C#" keeps its "#").
MARKDOWN_HEADING = re.compile(r"^[ ]{0,3}#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)


def _plain(path: PurePath, raw: str, source: str) -> ImportItem:
    if not raw.strip():
        return ImportItem(str(path), reason="the file is empty")
    title = ""
    if path.suffix.lower() == ".md":
        heading = MARKDOWN_HEADING.search(normalize_text(raw))
        title = page_title(heading.group(1), source=source) if heading else ""
    return ImportItem(str(path), DocumentInput(text=raw, title=title, source=source))


# Elements a browser lays out on lines of their own; everything else flows inline.
# fmt: off
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "main", "nav", "ol", "p",
    "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
# fmt: on
# HTML collapses runs of these into one space; a no-break space (U+00A0) is content.
HTML_WHITESPACE = re.compile(r"[ \t\n\r\f]+")
_BREAK = "\n"
_PARAGRAPH = "\n\n"


def _is_hidden(tag: Tag) -> bool:
    style = re.sub(r"\s+", "", str(tag.get("style", ""))).lower()
    return (
        tag.name in INVISIBLE_TAGS
        or tag.has_attr("hidden")
        or "display:none" in style
        or "visibility:hidden" in style
    )


def _visible_chunks(node: Tag, chunks: list[str], preformatted: bool = False) -> None:
    for child in node.children:
        if isinstance(child, Tag):
            if _is_hidden(child):
                continue
            if child.name == "br":
                chunks.append(_BREAK)
                continue
            block = child.name in BLOCK_TAGS
            if block:
                chunks.append(_PARAGRAPH)
            _visible_chunks(child, chunks, preformatted or child.name == "pre")
            if block:
                chunks.append(_PARAGRAPH)
        elif isinstance(child, NavigableString) and not isinstance(child, PreformattedString):
            # Comments, doctypes and CDATA are PreformattedStrings: never shown.
            chunks.append(str(child) if preformatted else HTML_WHITESPACE.sub(" ", child))


def html_visible_text(raw: str, *, source: str = "") -> tuple[str, str]:
    """Return (title, visible text) of an HTML page: blocks apart, inline text joined.

    Source line breaks inside a paragraph are spaces, as a browser shows them; block elements
    become paragraphs separated by a blank line and ``<br>`` a line break. The title is the
    page's ``<title>`` without the outlet's name (``source`` or a known one), else its first
    ``<h1>``.
    """
    soup = BeautifulSoup(raw, "html.parser")
    title = HTML_WHITESPACE.sub(" ", soup.title.get_text()).strip(" ") if soup.title else ""
    title = page_title(title, source=source)
    chunks: list[str] = []
    _visible_chunks(soup, chunks)
    lines = [line.strip(" ") for line in "".join(chunks).split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    if not title:
        heading = soup.find("h1")
        title = HTML_WHITESPACE.sub(" ", heading.get_text()).strip(" ") if heading else ""
        title = page_title(title, source=source)
    return title, text


def _read_html(path: PurePath, raw: str, source: str) -> ImportItem:
    title, text = html_visible_text(raw, source=source)
    if not text.strip():
        return ImportItem(str(path), reason="the page has no visible text")
    return ImportItem(str(path), DocumentInput(text=text, title=title, source=source))


class _Invalid(ValueError):
    def __init__(self, field: str, reason: str):
        super().__init__(reason)
        self.field = field
        self.reason = reason


def _parse_published(value: object) -> date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise _Invalid("published", "must be an ISO date string such as 2023-07-01")
    try:
        return date.fromisoformat(value)
    except ValueError:
        try:
            return datetime.fromisoformat(value).date()
        except ValueError:
            raise _Invalid(
                "published", f"{value!r} is not an ISO date such as 2023-07-01"
            ) from None


def document_input_from_json(obj: object, *, source: str, noun: str = "line") -> DocumentInput:
    """Return the document a JSON object describes, or raise ``ValueError`` naming the field.

    The fields are those of a JSON Lines document file (``JSONL_FIELDS``); ``source`` is used
    when the object names none. ``noun`` is what holds one object, for the messages.
    """
    if not isinstance(obj, dict):
        raise _Invalid("", f"each {noun} must be a JSON object")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise _Invalid("text", "required, a non-empty string")
    unknown = sorted(set(obj) - JSONL_FIELDS)
    if unknown:
        raise _Invalid(
            "",
            f"unknown fields: {', '.join(unknown)} (allowed: {', '.join(sorted(JSONL_FIELDS))})",
        )
    bad = [key for key in ("title", "source", "url") if not isinstance(obj.get(key, ""), str)]
    if bad:
        raise _Invalid(bad[0], "must be a string")
    return DocumentInput(
        text=text,
        title=obj.get("title", ""),
        source=obj.get("source", "") or source,
        url=obj.get("url", ""),
        published=_parse_published(obj.get("published")),
    )


def _jsonl_item(file: str, number: int, line: str | bytes, source: str) -> ImportItem:
    try:
        obj = orjson.loads(line)
    except json.JSONDecodeError as exc:
        return ImportItem(
            file, line=number, reason=f"invalid JSON ({exc.msg} at column {exc.colno})"
        )
    try:
        data = document_input_from_json(obj, source=source)
    except _Invalid as exc:
        return ImportItem(file, line=number, field=exc.field, reason=exc.reason)
    return ImportItem(file, data, line=number)


def _read_jsonl(path: PurePath, raw: str, source: str) -> Iterator[ImportItem]:
    found = False
    # Split on line ends only: str.splitlines() would also split at U+2028, U+0085 and other
    # characters that JSON strings may hold unescaped, and so misnumber every later line.
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        found = True
        yield _jsonl_item(str(path), number, line, source)
    if not found:
        yield ImportItem(str(path), reason="the file holds no lines")


def _byte_lines(stream: IO[bytes]) -> Iterator[bytes | None]:
    """Yield the lines of a binary stream without their ends (``\n``, ``\r\n`` or ``\r``).

    A line longer than ``MAX_JSONL_LINE_BYTES`` is read past and yielded as None, so no line
    is ever held whole beyond that.
    """
    while True:
        chunk = stream.readline(MAX_JSONL_LINE_BYTES + 1)
        if not chunk:
            return
        if len(chunk) > MAX_JSONL_LINE_BYTES and not chunk.endswith(b"\n"):
            while chunk and not chunk.endswith(b"\n"):
                chunk = stream.readline(MAX_JSONL_LINE_BYTES)
            yield None
            continue
        chunk = chunk.removesuffix(b"\n").removesuffix(b"\r")
        # JSON escapes every CR inside a string, so a bare CR can only be a line end.
        yield from chunk.split(b"\r")


def read_jsonl_stream(stream: IO[bytes], *, file: str, source: str = "") -> Iterator[ImportItem]:
    """Yield the documents of a JSON Lines stream read a line at a time, numbered as a file.

    Lines are numbered as ``read_import_items`` numbers them (blank lines count); a line that
    is not UTF-8 or is too long rejects itself only. ``source`` as for ``read_import_items``.
    """
    found = False
    source = source or PurePath(file).name
    for number, line in enumerate(_byte_lines(stream), start=1):
        if line is None:
            found = True
            yield ImportItem(
                file, line=number, reason=f"longer than {MAX_JSONL_LINE_BYTES:,} bytes"
            )
            continue
        if number == 1:
            line = line.removeprefix(UTF8_BOM)
        if not line.strip():
            continue
        found = True
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield ImportItem(file, line=number, reason=f"not UTF-8 text (byte {exc.start})")
            continue
        yield _jsonl_item(file, number, line, source)
    if not found:
        yield ImportItem(file, reason="the file holds no lines")


def read_json_list(objects: Iterable[object], *, source: str = "") -> Iterator[ImportItem]:
    """Yield the documents of a JSON list, each named by its index (from 0)."""
    for index, obj in enumerate(objects):
        try:
            data = document_input_from_json(obj, source=source, noun="item")
        except _Invalid as exc:
            yield ImportItem(index=index, field=exc.field, reason=exc.reason)
            continue
        yield ImportItem(data=data, index=index)
