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

from bs4 import BeautifulSoup

from debate.services import DocumentInput

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


def collect_paths(paths: list[Path]) -> tuple[list[Path], list[ImportItem]]:
    """Expand folders into their supported files (sorted); report what cannot be read."""
    files: list[Path] = []
    problems: list[ImportItem] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(
                    p.startswith(".") for p in child.relative_to(path).parts
                ):
                    if child.suffix.lower() in SUPPORTED_SUFFIXES:
                        files.append(child)
                    else:
                        problems.append(
                            ImportItem(
                                str(child),
                                error=f"unsupported file type {child.suffix or '(none)'!r}",
                            )
                        )
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                files.append(path)
            else:
                problems.append(
                    ImportItem(
                        str(path),
                        error=(
                            f"unsupported file type {path.suffix or '(none)'!r}; "
                            f"use {', '.join(SUPPORTED_SUFFIXES)}"
                        ),
                    )
                )
        else:
            problems.append(ImportItem(str(path), error="no such file or folder"))
    return files, problems


def read_import_items(path: Path) -> Iterator[ImportItem]:
    """Yield the documents in one file, or one item per problem found in it."""
    try:
        raw = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        yield ImportItem(str(path), error=f"not UTF-8 text (byte {exc.start})")
        return
    except OSError as exc:
        yield ImportItem(str(path), error=f"cannot read: {exc.strerror}")
        return
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from _read_jsonl(path, raw)
    elif suffix in (".html", ".htm"):
        yield _read_html(path, raw)
    else:
        yield _plain(path, raw)


def _plain(path: Path, raw: str) -> ImportItem:
    if not raw.strip():
        return ImportItem(str(path), error="the file is empty")
    title = ""
    if path.suffix.lower() == ".md":
        heading = re.search(r"^\s*#{1,6}\s+(.+?)\s*#*\s*$", raw, flags=re.MULTILINE)
        title = heading.group(1) if heading else ""
    return ImportItem(str(path), DocumentInput(text=raw, title=title, source=path.name))


def html_visible_text(raw: str) -> tuple[str, str]:
    """Return (title, visible text) of an HTML page, one block of text per line."""
    soup = BeautifulSoup(raw, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup.find_all(INVISIBLE_TAGS):
        tag.decompose()
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in soup.get_text("\n").split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    if not title:
        heading = soup.find("h1")
        title = heading.get_text(" ", strip=True) if heading else ""
    return title, text


def _read_html(path: Path, raw: str) -> ImportItem:
    title, text = html_visible_text(raw)
    if not text.strip():
        return ImportItem(str(path), error="the page has no visible text")
    return ImportItem(str(path), DocumentInput(text=text, title=title, source=path.name))


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


def _read_jsonl(path: Path, raw: str) -> Iterator[ImportItem]:
    found = False
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        found = True
        where = f"{path}:{number}"
        try:
            obj = json.loads(line)
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
                source=obj.get("source", "") or path.name,
                url=obj.get("url", ""),
                published=published,
            ),
        )
    if not found:
        yield ImportItem(str(path), error="the file holds no lines")
