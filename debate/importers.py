"""Read documents from files: plain text, Markdown, HTML (visible text only) and JSON Lines.

Reading is separate from storing: ``read_import_items`` yields one ``ImportItem`` per document
found (or per problem, naming the file and line), and the caller stores each in its own
transaction so a bad item rejects only itself.
"""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import orjson
from bs4 import BeautifulSoup
from bs4.element import NavigableString, PreformattedString, Tag

from debate.services import DocumentInput
from debate.text import normalize_text
from debate.titles import page_title

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl")
# Elements whose content a reader never sees.
INVISIBLE_TAGS = ("script", "style", "noscript", "template", "head", "svg", "iframe")
JSONL_FIELDS = {"text", "title", "source", "url", "published"}


@dataclass(frozen=True)
class ImportItem:
    """One document read from a file, or the reason it could not be read."""

    where: str
    data: DocumentInput | None = None
    error: str = ""


def _unsupported(path: Path) -> ImportItem:
    return ImportItem(
        str(path),
        error=(
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
            problems.append(ImportItem(str(path), error="no such file or folder"))
    return files, problems


def read_import_items(path: Path, *, source: str = "") -> Iterator[ImportItem]:
    """Yield the documents in one file, or one item per problem found in it.

    ``source`` is the outlet the documents came from, for those whose file names none (a JSON
    Lines item may); without it, the file's name. A title the file gives is kept; one read
    from a heading or a page's title loses the outlet's name, and a document without one is
    titled by its headline (``debate.titles``).
    """
    try:
        raw = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        yield ImportItem(str(path), error=f"not UTF-8 text (byte {exc.start})")
        return
    except OSError as exc:
        yield ImportItem(str(path), error=f"cannot read: {exc.strerror}")
        return
    # Editors on Windows start UTF-8 files with a byte-order mark; it is not content.
    raw = raw.removeprefix("\ufeff")
    suffix = path.suffix.lower()
    source = source or path.name
    if suffix == ".jsonl":
        yield from _read_jsonl(path, raw, source)
    elif suffix in (".html", ".htm"):
        yield _read_html(path, raw, source)
    else:
        yield _plain(path, raw, source)


# An ATX heading (CommonMark): up to three spaces, 1-6 hashes, a space, the title, and an
# optional closing run of hashes after a space (so "# Lessons from C#" keeps its "#").
MARKDOWN_HEADING = re.compile(r"^[ ]{0,3}#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)


def _plain(path: Path, raw: str, source: str) -> ImportItem:
    if not raw.strip():
        return ImportItem(str(path), error="the file is empty")
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


def _read_html(path: Path, raw: str, source: str) -> ImportItem:
    title, text = html_visible_text(raw, source=source)
    if not text.strip():
        return ImportItem(str(path), error="the page has no visible text")
    return ImportItem(str(path), DocumentInput(text=text, title=title, source=source))


def _parse_published(value: object) -> date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ValueError("published: must be an ISO date string such as 2023-07-01")
    try:
        return date.fromisoformat(value)
    except ValueError:
        try:
            return datetime.fromisoformat(value).date()
        except ValueError:
            raise ValueError(
                f"published: {value!r} is not an ISO date such as 2023-07-01"
            ) from None


def _read_jsonl(path: Path, raw: str, source: str) -> Iterator[ImportItem]:
    found = False
    # Split on line ends only: str.splitlines() would also split at U+2028, U+0085 and other
    # characters that JSON strings may hold unescaped, and so misnumber every later line.
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        found = True
        where = f"{path}:{number}"
        try:
            obj = orjson.loads(line)
        except json.JSONDecodeError as exc:
            yield ImportItem(where, error=f"invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(obj, dict):
            yield ImportItem(where, error="each line must be a JSON object")
            continue
        text = obj.get("text")
        if not isinstance(text, str) or not text.strip():
            yield ImportItem(where, error="text: required, a non-empty string")
            continue
        unknown = sorted(set(obj) - JSONL_FIELDS)
        if unknown:
            yield ImportItem(
                where,
                error=(
                    f"unknown fields: {', '.join(unknown)} "
                    f"(allowed: {', '.join(sorted(JSONL_FIELDS))})"
                ),
            )
            continue
        bad = [key for key in ("title", "source", "url") if not isinstance(obj.get(key, ""), str)]
        if bad:
            yield ImportItem(where, error=f"{bad[0]}: must be a string")
            continue
        try:
            published = _parse_published(obj.get("published"))
        except ValueError as exc:
            yield ImportItem(where, error=str(exc))
            continue
        yield ImportItem(
            where,
            DocumentInput(
                text=text,
                title=obj.get("title", ""),
                source=obj.get("source", "") or source,
                url=obj.get("url", ""),
                published=published,
            ),
        )
    if not found:
        yield ImportItem(str(path), error="the file holds no lines")
