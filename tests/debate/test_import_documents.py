import datetime
import hashlib
import io
import json
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management.base import CommandError
from django.db import DataError, IntegrityError

from debate.importers import html_visible_text
from debate.imports import services
from debate.models import Document
from debate.text import normalize_text
from tests.factories import DebateFactory, DocumentFactory

# The demo corpus in the repository: news-style articles with curly quotes, emoji, NBSP and
# decomposed accents. (The shared corpus beside the project was imported the same way by hand.)
CORPUS = Path(settings.BASE_DIR) / "debate" / "demo"
SUPPORTED = ".txt, .md, .html, .htm, .jsonl"


def _write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8"))
    return path


def _rejections(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line]


# --- plain text and Markdown ------------------------------------------------------------------


def test_txt_is_stored_normalised_with_its_first_line_as_title(debate, run_command, tmp_path):
    raw = (
        "\ufeffRow over scanning\r\n\r\nGovender said it is a fal" + "se\u00a0choice \U0001f510.\r"
    )
    path = _write(tmp_path, "row.txt", raw)

    stdout, stderr = run_command("import_documents", "encryption", str(path))

    assert stdout == "Imported 1, skipped 0 duplicate(s), rejected 0 into encryption.\n"
    assert stderr == ""  # no progress bar when stderr is not a terminal
    document = Document.objects.get()
    assert document.debate == debate
    assert (
        document.text
        == "Row over scanning\n\nGovender said it is a false\u00a0choice \U0001f510.\n"
    )
    assert document.title == "Row over scanning"
    assert document.source == "row.txt"
    assert document.sha256 == hashlib.sha256(document.text.encode("utf-8")).hexdigest()


def test_md_takes_its_title_from_the_first_heading(debate, run_command, tmp_path):
    _write(
        tmp_path,
        "a.md",
        "\ufeff# Encryption row: charities and tech firms clash #\r\n\r\nBody with cafe\u0301.\r\n",
    )
    _write(tmp_path, "b.md", "Intro line before the heading.\n\n## Lessons from C#\n\nBody.\n")
    _write(tmp_path, "c.md", "No heading here.\nSecond line.\n")

    stdout, stderr = run_command("import_documents", "encryption", str(tmp_path))

    assert stdout == "Imported 3, skipped 0 duplicate(s), rejected 0 into encryption.\n"
    assert stderr == ""
    by_source = {d.source: d for d in Document.objects.all()}
    assert by_source["a.md"].title == "Encryption row: charities and tech firms clash"
    assert by_source["a.md"].text == (
        "# Encryption row: charities and tech firms clash #\n\nBody with caf\u00e9.\n"
    )
    assert by_source["b.md"].title == "Lessons from C#"
    assert by_source["c.md"].title == "No heading here."


# --- HTML -------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html>
<head>
  <title>Researchers warn against
     \u201cdrilling holes\u201d</title>
  <style>p { color: red; }</style>
  <script>var tracking = "do not import";</script>
</head>
<body>
  <!-- a comment nobody sees -->
  <nav hidden>Menu Home Login</nav>
  <h1>Researchers warn</h1>
  <p>Kate <em>Robertson</em> of <a href="https://citizenlab.ca">Citizen Lab</a> said
     client&#8209;side scanning weakens 6&nbsp;000 systems.<br>A new line.</p>
  <script>document.write("nor this");</script>
  <div style="display: none">Hidden teaser</div>
  <ul><li>First point</li><li>Second point &#128274;</li></ul>
  <noscript>Enable JavaScript</noscript>
</body>
</html>
"""


def test_html_keeps_visible_text_only(debate, run_command, tmp_path):
    path = _write(tmp_path, "page.html", PAGE)

    stdout, _ = run_command("import_documents", "encryption", str(path))

    assert stdout == "Imported 1, skipped 0 duplicate(s), rejected 0 into encryption.\n"
    document = Document.objects.get()
    assert document.title == "Researchers warn against \u201cdrilling holes\u201d"
    assert document.text == (
        "Researchers warn\n"
        "\n"
        "Kate Robertson of Citizen Lab said client\u2011side scanning weakens 6\u00a0000 systems.\n"
        "A new line.\n"
        "\n"
        "First point\n"
        "\n"
        "Second point \U0001f512"
    )
    assert document.source == "page.html"


def test_html_title_falls_back_to_the_first_heading():
    title, text = html_visible_text("<body><h1>Grooming at record level</h1><p>Body.</p></body>")
    assert (title, text) == ("Grooming at record level", "Grooming at record level\n\nBody.")


def test_html_title_loses_the_outlets_name_or_gives_way_to_the_heading():
    title, _ = html_visible_text(
        "<title>Scanning row deepens | Shropshire Star</title><body><p>Body.</p></body>"
    )
    masthead, _ = html_visible_text(
        "<title>Hargreaves Weekly</title><body><h1>Why scanning fails</h1><p>B.</p></body>",
        source="Hargreaves Weekly",
    )
    assert (title, masthead) == ("Scanning row deepens", "Why scanning fails")


# --- titles: the headline, not the masthead -----------------------------------------------------

MASTHEAD = (
    "Shropshire Star\n\nCharities and tech firms clash over message scanning\n\n"
    "By Jane Example\nPublished: 12 July 2023\n\nThe argument flared again this week.\n"
)
OWN_MASTHEAD = (
    "The Wrekin Courier\nThursday 13 July 2023\n"
    "Councillors question the cost of checking messages\nA meeting heard objections.\n"
)
LEDE = (
    "Campaigners said on Monday that a plan to check private messages for abuse images would "
    "leave millions of people less safe online, and urged ministers to think again before the "
    "vote. They spoke outside Parliament.\n"
)


def test_an_article_is_titled_by_its_headline_not_its_masthead_or_lede(
    debate, run_command, tmp_path
):
    _write(tmp_path, "1-masthead.txt", MASTHEAD)
    _write(tmp_path, "2-own.txt", OWN_MASTHEAD)
    _write(tmp_path, "3-lede.txt", LEDE)
    _write(tmp_path, "4-lines.jsonl", json.dumps({"text": MASTHEAD.replace("12 July", "1 May")}))
    _write(tmp_path, "5-titled.jsonl", json.dumps({"text": LEDE + "More.", "title": "Kept as is"}))

    stdout, stderr = run_command(
        "import_documents", "encryption", str(tmp_path), "--source", "The Wrekin Courier"
    )

    assert (stdout, stderr) == (
        "Imported 5, skipped 0 duplicate(s), rejected 0 into encryption.\n",
        "",
    )
    assert list(Document.objects.order_by("id").values_list("title", "source")) == [
        ("Charities and tech firms clash over message scanning", "The Wrekin Courier"),
        ("Councillors question the cost of checking messages", "The Wrekin Courier"),
        (
            "Campaigners said on Monday that a plan to check private messages for abuse images "
            "would leave millions of people less…",
            "The Wrekin Courier",
        ),
        ("Charities and tech firms clash over message scanning", "The Wrekin Courier"),
        ("Kept as is", "The Wrekin Courier"),
    ]
    # The text itself is stored whole: the title is picked, nothing is cut from the text.
    assert Document.objects.get(source="The Wrekin Courier", title__startswith="Council").text == (
        OWN_MASTHEAD
    )


def test_without_source_the_masthead_of_an_unknown_outlet_is_still_no_title(
    debate, run_command, tmp_path
):
    path = _write(tmp_path, "own.txt", OWN_MASTHEAD)

    run_command("import_documents", "encryption", str(path))

    document = Document.objects.get()
    # "The Wrekin Courier" has three capitalised words: a masthead's shape, not a headline's.
    assert (document.title, document.source) == (
        "Councillors question the cost of checking messages",
        "own.txt",
    )


def test_html_without_visible_text_is_rejected(debate, run_command, tmp_path):
    path = _write(tmp_path, "empty.htm", "<html><head><title>T</title></head><body> </body></html>")

    stdout, stderr = run_command("import_documents", "encryption", str(path))

    assert _rejections(stderr) == [f"rejected: {path}: the page has no visible text"]
    assert stdout == "Imported 0, skipped 0 duplicate(s), rejected 1 into encryption.\n"
    assert Document.objects.count() == 0


# --- JSON Lines -------------------------------------------------------------------------------


def test_jsonl_imports_good_lines_and_names_each_bad_line(debate, run_command, tmp_path):
    good = {
        "text": "Kate Robertson warns against scanning.",
        "title": " Robertson\r\nwarns at the cafe\u0301 ",  # stored NFC, on one line
        "source": "Citizen Lab",
        "url": "https://example.org/robertson",
        "published": "2023-07-01",
    }
    lines = [
        json.dumps(good),  # 1
        '{"text": broken',  # 2
        "",  # 3: blank lines are passed over, but still counted
        json.dumps({"title": "No text"}),  # 4
        json.dumps({"text": "Dated wrongly.", "published": "2023-02-30"}),  # 5
        json.dumps({"text": "Extra field.", "author": "someone"}),  # 6
        # 7: a raw LINE SEPARATOR inside a string is valid JSON and not a line end
        json.dumps(
            {"text": "Govender\u2028said so.", "published": "2023-07-02T09:30:00"},
            ensure_ascii=False,
        ),
        json.dumps({"text": good["text"]}),  # 8: same text as line 1
        json.dumps({"text": "Bad link.", "url": "javascript:alert(1)"}),  # 9
        "[1, 2]",  # 10
        json.dumps({"text": "Numeric date.", "published": 20230701}),  # 11
        json.dumps({"text": "   "}),  # 12
    ]
    path = _write(tmp_path, "batch.jsonl", "\ufeff" + "\r\n".join(lines) + "\r\n")

    stdout, stderr = run_command("import_documents", "encryption", str(path))

    assert _rejections(stderr) == [
        f"rejected: {path}:2: invalid JSON "
        "(unexpected character, expected a JSON value at column 10)",
        f"rejected: {path}:4: text: required, a non-empty string",
        f"rejected: {path}:5: published: '2023-02-30' is not an ISO date such as 2023-07-01",
        f"rejected: {path}:6: unknown fields: author "
        "(allowed: published, source, text, title, url)",
        f"rejected: {path}:9: url: Enter a valid URL.",
        f"rejected: {path}:10: each line must be a JSON object",
        f"rejected: {path}:11: published: must be an ISO date string such as 2023-07-01",
        f"rejected: {path}:12: text: required, a non-empty string",
    ]
    assert stdout == "Imported 2, skipped 1 duplicate(s), rejected 8 into encryption.\n"
    first, second = Document.objects.order_by("id")
    assert (first.text, first.title, first.source, first.url, first.published) == (
        "Kate Robertson warns against scanning.",
        "Robertson warns at the caf\u00e9",
        "Citizen Lab",
        "https://example.org/robertson",
        datetime.date(2023, 7, 1),
    )
    assert (second.text, second.title, second.source, second.url, second.published) == (
        "Govender\u2028said so.",
        "Govender\u2028said so.",
        "batch.jsonl",
        "",
        datetime.date(2023, 7, 2),
    )


def test_empty_files_are_rejected(debate, run_command, tmp_path):
    txt = _write(tmp_path, "a.txt", " \n\n")
    jsonl = _write(tmp_path, "b.jsonl", "\n\n")

    stdout, stderr = run_command("import_documents", "encryption", str(txt), str(jsonl))

    assert _rejections(stderr) == [
        f"rejected: {txt}: the file is empty",
        f"rejected: {jsonl}: the file holds no lines",
    ]
    assert stdout == "Imported 0, skipped 0 duplicate(s), rejected 2 into encryption.\n"


# --- files, folders and failures --------------------------------------------------------------


def test_duplicates_are_skipped_and_counted(debate, run_command, tmp_path):
    DocumentFactory(debate=debate, text="Already in the debate.")
    a = _write(tmp_path, "a.txt", "Already in the debate.\r\n".removesuffix("\r\n"))
    b = _write(tmp_path, "b.txt", "New text about platforms.")
    c = _write(tmp_path, "c.md", "New text about platforms.")  # same text, another file
    d = _write(tmp_path, "d.txt", "Caf" + "e\u0301 talk.")
    e = _write(tmp_path, "e.txt", "Caf\u00e9 talk.")  # equal once normalised

    stdout, _ = run_command("import_documents", "encryption", *map(str, (a, b, c, d, e)))

    assert stdout == "Imported 2, skipped 3 duplicate(s), rejected 0 into encryption.\n"
    assert Document.objects.filter(debate=debate).count() == 3


def test_same_text_may_be_imported_into_another_debate(debate, run_command, tmp_path):
    DebateFactory(slug="other")
    path = _write(tmp_path, "a.txt", "Shared article.")
    run_command("import_documents", "encryption", str(path))
    stdout, _ = run_command("import_documents", "other", str(path))
    assert stdout == "Imported 1, skipped 0 duplicate(s), rejected 0 into other.\n"
    assert Document.objects.count() == 2


def test_unsupported_missing_and_non_utf8_files_are_rejected_with_a_reason(
    debate, run_command, tmp_path
):
    pdf = _write(tmp_path, "report.pdf", b"%PDF-1.4")
    bare = _write(tmp_path, "README", "no suffix")
    latin1 = _write(tmp_path, "latin1.txt", "Caf\u00e9 society".encode("latin-1"))
    missing = tmp_path / "nowhere.txt"
    ok = _write(tmp_path, "ok.txt", "A good article.")

    stdout, stderr = run_command(
        "import_documents", "encryption", *map(str, (pdf, bare, missing, latin1, ok))
    )

    assert _rejections(stderr) == [
        f"rejected: {pdf}: unsupported file type '.pdf'; use {SUPPORTED}",
        f"rejected: {bare}: unsupported file type '(none)'; use {SUPPORTED}",
        f"rejected: {missing}: no such file or folder",
        f"rejected: {latin1}: not UTF-8 text (byte 3)",
    ]
    assert stdout == "Imported 1, skipped 0 duplicate(s), rejected 4 into encryption.\n"
    assert list(Document.objects.values_list("text", flat=True)) == ["A good article."]


def test_nul_characters_are_rejected_on_every_database(debate, run_command, tmp_path):
    path = _write(tmp_path, "nul.txt", "Text with a \x00 inside.")
    title = _write(tmp_path, "t.jsonl", json.dumps({"text": "Fine text.", "title": "Bad\x00"}))

    stdout, stderr = run_command("import_documents", "encryption", str(path), str(title))

    assert _rejections(stderr) == [
        f"rejected: {path}: text: Contains a NUL character (U+0000).",
        f"rejected: {title}:1: title: Contains a NUL character (U+0000).",
    ]
    assert stdout == "Imported 0, skipped 0 duplicate(s), rejected 2 into encryption.\n"
    assert Document.objects.count() == 0


def test_folders_are_walked_in_order_skipping_hidden_files(debate, run_command, tmp_path):
    _write(tmp_path, "b.txt", "Second by name.")
    _write(tmp_path, "a/nested.md", "# Nested\n\nFirst by path.")
    _write(tmp_path, ".hidden.txt", "Never imported.")
    _write(tmp_path, ".git/x.txt", "Never imported either.")
    notes = _write(tmp_path, "notes.docx", b"PK")

    stdout, stderr = run_command("import_documents", "encryption", str(tmp_path), verbosity=2)

    assert stdout == (
        f"imported: {tmp_path / 'a' / 'nested.md'}\n"
        f"imported: {tmp_path / 'b.txt'}\n"
        "Imported 2, skipped 0 duplicate(s), rejected 1 into encryption.\n"
    )
    assert _rejections(stderr) == [
        f"rejected: {notes}: unsupported file type '.docx'; use {SUPPORTED}"
    ]
    assert list(Document.objects.order_by("id").values_list("title", flat=True)) == [
        "Nested",
        "Second by name.",
    ]


def test_an_item_the_database_refuses_leaves_no_row(debate, run_command, tmp_path, monkeypatch):
    """The batch goes in at once; when the database refuses it, nothing of it stays and its
    documents go in one by one, so the one refused is the only one rejected."""
    batch_insert = services.insert_rows
    original_save = Document.save

    def insert_then_refuse(model, rows):
        batch_insert(model, rows)
        assert Document.objects.filter(debate=debate).count() == 3  # the rows were written...
        raise IntegrityError("simulated: the batch is refused")

    def save_then_refuse(self, *args, **kwargs):
        original_save(self, *args, **kwargs)
        if self.title == "Fails after insert":
            assert Document.objects.filter(pk=self.pk).exists()  # ...this one too...
            raise DataError("simulated: value too long")

    monkeypatch.setattr(services, "insert_rows", insert_then_refuse)
    monkeypatch.setattr(Document, "save", save_then_refuse)
    path = _write(
        tmp_path,
        "mixed.jsonl",
        "\n".join(
            json.dumps(line)
            for line in (
                {"text": "Before."},
                {"text": "Doomed.", "title": "Fails after insert"},
                {"text": "After."},
            )
        ),
    )

    stdout, stderr = run_command("import_documents", "encryption", str(path))

    assert _rejections(stderr) == [
        f"rejected: {path}:2: the database cannot store it (simulated: value too long)"
    ]
    assert stdout == "Imported 2, skipped 0 duplicate(s), rejected 1 into encryption.\n"
    # ...and rolled back with its item, while the items around it stay.
    assert list(Document.objects.order_by("id").values_list("text", flat=True)) == [
        "Before.",
        "After.",
    ]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_shows_on_a_terminal_only(debate, run_command, tmp_path, monkeypatch):
    _write(tmp_path, "a.txt", "First.")
    _write(tmp_path, "b.txt", "Second.")
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)

    stdout, _ = run_command("import_documents", "encryption", str(tmp_path))

    assert stdout == "Imported 2, skipped 0 duplicate(s), rejected 0 into encryption.\n"
    assert "Importing: 100%" in terminal.getvalue()
    assert "2/2" in terminal.getvalue()

    quiet = _Terminal()
    monkeypatch.setattr(sys, "stderr", quiet)
    run_command("import_documents", "encryption", str(tmp_path), verbosity=0)
    assert quiet.getvalue() == ""


def test_unknown_debate_is_an_error(db, run_command, tmp_path):
    path = _write(tmp_path, "a.txt", "Text.")
    with pytest.raises(CommandError, match=r"^No debate with slug 'nope'\. Create it with"):
        run_command("import_documents", "nope", str(path))
    assert Document.objects.count() == 0


# --- a corpus folder ---------------------------------------------------------------------------


def test_a_corpus_folder_imports_byte_for_byte_and_only_once(debate, run_command, tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for path in CORPUS.glob("*.txt"):
        (folder / path.name).write_bytes(path.read_bytes())
    files = sorted(folder.glob("*.txt"))
    assert len(files) == 3
    assert any("e\u0308" in path.read_text(encoding="utf-8") for path in files)  # NFC matters

    stdout, stderr = run_command("import_documents", "encryption", str(folder))

    assert stdout == "Imported 3, skipped 0 duplicate(s), rejected 0 into encryption.\n"
    assert stderr == ""
    for path in files:
        expected = normalize_text(path.read_bytes().decode("utf-8"))
        document = Document.objects.get(debate=debate, source=path.name)
        assert document.text.encode("utf-8") == expected.encode("utf-8")
        assert document.sha256 == hashlib.sha256(expected.encode("utf-8")).hexdigest()
        assert document.title == expected.split("\n", 1)[0].strip()

    stdout, _ = run_command("import_documents", "encryption", str(folder))

    assert stdout == "Imported 0, skipped 3 duplicate(s), rejected 0 into encryption.\n"
    assert Document.objects.count() == 3
