"""Hostile uploads to the import API: refused whole, with a clear message, nothing written.

tests/annotations/test_imports.py covers what a well-formed upload holds (round trips, offsets
checked by file and line, mappings, one bad document among good ones). This file covers the
upload itself: zip entries that climb out (``..``), absolute and drive paths, backslashes, NUL,
links, encrypted and duplicate entries; zip bombs by entry count, by one entry's or all
entries' unpacked size, and by an entry that unpacks to more than it declares; uploads over the
size limit (declared or not); wrong content types, non-zip data, an archive sent as JSON Lines,
text that is not UTF-8, a bad mapping file; XMI and type systems with a DOCTYPE (external
entities, entity bombs). Each answers 4xx naming the problem, and not one row of the database
changes.
"""

import io
import json
import random
import re
import stat
import struct
import warnings
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from annotations.formats.xmi import xmi_typesystem
from annotations.models import Span
from debate.models import Actor, Document, Role
from tests.annotations.export_corpus import xmi_document
from tests.factories import DebateFactory, MembershipFactory, UserFactory, api_token
from tests.scenes import changed_tables, database_state

pytestmark = pytest.mark.django_db

BRAT = "/api/v1/debates/alpha/import/brat/"
JSONL = "/api/v1/debates/alpha/import/spans/"
TXT = b"Tech firms say a backdoor weakens security."
ANN = b"T1\tclaim 0 10\tTech firms\nA1\tStance T1 pro\n"


@pytest.fixture
def manager(db) -> APIClient:
    """Return the API client of a manager of debate alpha (imports are theirs)."""
    user = UserFactory(username="alpha-manager")
    MembershipFactory(debate=DebateFactory(slug="alpha"), user=user, role=Role.MANAGER)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


@pytest.fixture
def limits(settings):
    settings.DEBATEMAP_IMPORT_MAX_UPLOAD_BYTES = 4096
    settings.DEBATEMAP_IMPORT_MAX_ENTRIES = 6
    settings.DEBATEMAP_IMPORT_MAX_ENTRY_BYTES = 2000
    settings.DEBATEMAP_IMPORT_MAX_TOTAL_BYTES = 5000
    return settings


def archive(*entries) -> bytes:
    """Return a zip of (name or ZipInfo, bytes) entries, deflated so bombs stay small."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zip_file, warnings.catch_warnings():
        # A name twice is one of the hostile archives made on purpose.
        warnings.filterwarnings("ignore", "Duplicate name", UserWarning)
        for name, data in entries:
            zip_file.writestr(name, data)
    return buffer.getvalue()


def link(name: str) -> zipfile.ZipInfo:
    """Return the header of a symbolic link entry, as ``zip --symlinks`` writes one."""
    entry = zipfile.ZipInfo(name)
    entry.external_attr = (stat.S_IFLNK | 0o777) << 16
    entry.create_system = 3  # unix, so the mode is read
    return entry


def encrypted(data: bytes) -> bytes:
    """Return a zip whose every entry is flagged encrypted (general purpose bit 0)."""
    raw = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := raw.find(signature, start)) != -1:
            raw[start + offset] |= 0x1
            start += 4
    return bytes(raw)


def understated(data: bytes, declared: int) -> bytes:
    """Return a one-entry zip whose headers declare ``declared`` bytes for ``data``."""
    raw = bytearray(archive(("bomb/doc.txt", data), ("bomb/doc.ann", ANN)))
    # The uncompressed size sits at byte 22 of the local header and 24 of the central one.
    local = raw.index(b"PK\x03\x04")
    raw[local + 22 : local + 26] = struct.pack("<I", declared)
    central = raw.index(b"PK\x01\x02")
    raw[central + 24 : central + 28] = struct.pack("<I", declared)
    return bytes(raw)


def upload(client, url: str, data: bytes, content_type: str, name: str = "upload", **fields):
    before = database_state()
    response = client.post(
        url,
        {"file": SimpleUploadedFile(name, data, content_type), "layer": "gold", **fields},
        format="multipart",
    )
    return response, changed_tables(before, database_state())


ZIP_REFUSALS = [
    (
        "climbs out",
        [("../doc.txt", TXT), ("../doc.ann", ANN)],
        400,
        "file: the entry '../doc.txt' climbs out of the archive with '..'.",
    ),
    (
        "climbs out in the middle",
        [("docs/../../doc.txt", TXT)],
        400,
        "file: the entry 'docs/../../doc.txt' climbs out of the archive with '..'.",
    ),
    (
        "absolute",
        [("/etc/doc.txt", TXT)],
        400,
        "file: the entry '/etc/doc.txt' is an absolute path.",
    ),
    (
        "drive",
        [("C:/doc.txt", TXT)],
        400,
        "file: the entry 'C:/doc.txt' is an absolute path.",
    ),
    (
        "backslash climbs out",
        [("docs\\..\\..\\doc.txt", TXT)],
        400,
        "file: the entry 'docs\\\\..\\\\..\\\\doc.txt' climbs out of the archive with '..'.",
    ),
    (
        "backslash root",
        [("\\doc.txt", TXT)],
        400,
        "file: the entry '\\\\doc.txt' is an absolute path.",
    ),
    (
        "backslash folders",
        [("docs\\doc.txt", TXT)],
        400,
        "file: the entry 'docs\\\\doc.txt' uses backslashes as folder separators.",
    ),
    (
        "symbolic link",
        [(link("doc.txt"), b"/etc/passwd"), ("doc.ann", ANN)],
        400,
        "file: the entry 'doc.txt' is a symbolic link.",
    ),
    (
        "twice",
        [("doc.txt", TXT), ("doc.txt", b"Other text.")],
        400,
        "file: the entry 'doc.txt' appears twice.",
    ),
    (
        "too many entries",
        [(f"d{n}.txt", TXT) for n in range(7)],
        400,
        "file: the archive has 9 entries; the limit is 6 (DEBATEMAP_IMPORT_MAX_ENTRIES).",
    ),
    (
        "one entry too big unpacked",
        [("doc.txt", b"a" * 2001), ("doc.ann", ANN)],
        413,
        "file: the entry 'doc.txt' unpacks to 2001 bytes; the limit is 2000 "
        "(DEBATEMAP_IMPORT_MAX_ENTRY_BYTES).",
    ),
    (
        "all entries too big unpacked",
        [(f"d{n}.txt", b"a" * 1800) for n in range(3)],
        413,
        f"file: the archive unpacks to {len(TXT) + len(ANN) + 5400} bytes; the limit is 5000 "
        "(DEBATEMAP_IMPORT_MAX_TOTAL_BYTES).",
    ),
]


@pytest.mark.parametrize(
    ("entries", "status", "detail"),
    [case[1:] for case in ZIP_REFUSALS],
    ids=[case[0] for case in ZIP_REFUSALS],
)
def test_hostile_zip_entries_are_refused_whole(manager, limits, entries, status, detail):
    # A good document first: it must not be imported either.
    data = archive(("good/doc.txt", TXT), ("good/doc.ann", ANN), *entries)

    response, changed = upload(manager, BRAT, data, "application/zip", "hostile.zip")

    assert (response.status_code, response.json()) == (status, {"detail": detail})
    assert changed == []


def test_encrypted_entries_are_refused(manager, limits):
    data = encrypted(archive(("good/doc.txt", TXT), ("good/doc.ann", ANN)))

    response, changed = upload(manager, BRAT, data, "application/zip", "locked.zip")

    assert (response.status_code, response.json()) == (
        400,
        {"detail": "file: the entry 'good/doc.txt' is encrypted."},
    )
    assert changed == []


def test_an_entry_that_unpacks_to_more_than_it_declares_is_refused(manager, limits):
    data = understated(b"a" * 1900, declared=100)

    response, changed = upload(manager, BRAT, data, "application/zip", "liar.zip")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("file: the entry 'bomb/doc.txt' ")
    assert changed == []


def test_a_good_zip_is_imported_so_the_refusals_mean_something(manager, limits):
    response, changed = upload(
        manager,
        BRAT,
        archive(("good/doc.txt", TXT), ("good/doc.ann", ANN)),
        "application/zip",
        "good.zip",
    )

    assert (response.status_code, response.json()["imported"]) == (200, 1)
    # A gold import is part of the review record: its review and one decision per span.
    assert changed == [
        # The debate's documents counted by status, kept by the database (annotations 0008).
        "annotations.debatestatuscount",
        "annotations.documentreview",
        # Each document's gold revision, moved by the database (annotations 0009).
        "annotations.goldrevision",
        "annotations.reviewdecision",
        "annotations.span",
        "annotations.spanevent",
        "debate.document",
    ]


def test_zip_slip_writes_no_file_anywhere(manager, limits, tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)  # where a careless extraction would write, and one level up
    data = archive(("../slipped.txt", b"owned"), ("slipped.txt", b"owned"))

    response, changed = upload(manager, BRAT, data, "application/zip", "slip.zip")

    assert response.status_code == 400
    assert changed == []
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["work"]


@pytest.mark.parametrize(
    ("url", "data", "content_type", "status", "detail"),
    [
        (
            BRAT,
            archive(("doc.txt", TXT)),
            "text/plain",
            415,
            "file: expected a zip archive (application/zip), not text/plain.",
        ),
        (
            BRAT,
            archive(("doc.txt", TXT)),
            "image/png",
            415,
            "file: expected a zip archive (application/zip), not image/png.",
        ),
        (
            BRAT,
            b"<html><script>alert(1)</script></html>",
            "application/zip",
            400,
            "file: not a zip archive (it does not start with PK).",
        ),
        (
            JSONL,
            archive(("doc.txt", TXT)),
            "application/octet-stream",
            415,
            "file: this is an archive, not JSON Lines text.",
        ),
        (
            JSONL,
            b"\x1f\x8b\x08\x00gzipped",
            "application/x-ndjson",
            415,
            "file: this is an archive, not JSON Lines text.",
        ),
        (
            JSONL,
            b'{"type": "provenance"}',
            "application/zip",
            415,
            "file: expected JSON Lines (application/x-ndjson), not application/zip.",
        ),
    ],
    ids=[
        "zip as text",
        "zip as png",
        "html as zip",
        "zip as jsonl",
        "gzip as jsonl",
        "jsonl as zip",
    ],
)
def test_wrong_types_and_non_zip_data_are_refused(
    manager, limits, url, data, content_type, status, detail
):
    response, changed = upload(manager, url, data, content_type, "upload.bin")

    assert (response.status_code, response.json()) == (status, {"detail": detail})
    assert changed == []


def test_a_truncated_zip_is_refused(manager, limits):
    data = archive(("doc.txt", TXT), ("doc.ann", ANN))[:60]

    response, changed = upload(manager, BRAT, data, "application/zip", "cut.zip")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("file: not a readable zip archive (")
    assert changed == []


def test_json_lines_that_are_not_utf8_are_refused(manager, limits):
    data = b'{"type": "provenance"}\n{"type": "document", "text": "caf\xe9"}\n'

    response, changed = upload(manager, JSONL, data, "application/x-ndjson", "latin1.jsonl")

    byte = data.index(b"\xe9")
    assert (response.status_code, response.json()) == (
        400,
        {"file": [f"Not UTF-8 text (byte {byte})."]},
    )
    assert changed == []


def test_oversized_uploads_are_refused(manager, limits):
    noise = random.Random(0).randbytes(5000)
    too_big = archive(("doc.txt", noise), ("doc.ann", ANN))
    assert len(too_big) > 4096

    response, changed = upload(manager, BRAT, too_big, "application/zip", "big.zip")

    assert (response.status_code, response.json()) == (
        413,
        {
            "detail": f"file: {len(too_big)} bytes; the limit is 4096 "
            "(DEBATEMAP_IMPORT_MAX_UPLOAD_BYTES)."
        },
    )
    assert changed == []


def test_a_declared_oversize_body_is_refused_before_it_is_read(manager, limits):
    client = manager
    before = database_state()
    body = b"x" * (4096 + 64 * 1024 + 1)

    response = client.generic(
        "POST", JSONL, body, content_type="multipart/form-data; boundary=nothing"
    )

    assert response.status_code == 413
    assert response.json() == {
        "detail": f"The upload is {len(body)} bytes; the limit is 4096 "
        "(DEBATEMAP_IMPORT_MAX_UPLOAD_BYTES)."
    }
    assert changed_tables(before, database_state()) == []


def test_a_missing_file_and_a_bad_mapping_are_named(manager, limits):
    client = manager
    before = database_state()

    missing = client.post(BRAT, {"layer": "gold"}, format="multipart")
    bad_mapping = client.post(
        BRAT,
        {
            "file": SimpleUploadedFile("ok.zip", archive(("d.txt", TXT)), "application/zip"),
            "mapping": SimpleUploadedFile("map.json", b"\xff not json", "application/json"),
        },
        format="multipart",
    )

    assert (missing.status_code, missing.json()) == (
        400,
        {"file": ["Attach the file to import as the form field file."]},
    )
    assert bad_mapping.status_code == 400
    assert list(bad_mapping.json()) == ["mapping"]
    assert bad_mapping.json()["mapping"][0].startswith("Not a JSON file: ")
    assert changed_tables(before, database_state()) == []


# --- Who an import may create rows for -------------------------------------------------------
def _brat_of(text: bytes) -> bytes:
    return archive(("new/doc.txt", text), ("new/doc.ann", ANN))


def test_a_reviewers_gold_import_adds_no_document_and_no_actor(manager):
    """Managers add documents and actors; a reviewer's gold import reaches only existing ones."""
    debate = DebateFactory(slug="beta")
    reviewer, boss = UserFactory(username="beta-reviewer"), UserFactory(username="beta-manager")
    MembershipFactory(debate=debate, user=reviewer, role=Role.REVIEWER)
    MembershipFactory(debate=debate, user=boss, role=Role.MANAGER)
    clients = {}
    for user in (reviewer, boss):
        clients[user.username] = APIClient()
        clients[user.username].credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    url = "/api/v1/debates/beta/import/brat/"
    existing = Document.objects.create(debate=debate, text="An existing text.", title="Existing")
    actor_line = json.dumps({"type": "actor", "name": "Planted", "kind": "person"})
    span_line = json.dumps(
        {
            "type": "span",
            "document": 1,
            "document_sha256": existing.sha256,
            "start": 0,
            "end": 2,
            "quote": "An",
            "stance": "pro",
            "role": "claim",
            "actor": {"name": "Planted"},
        }
    )
    jsonl = f"{actor_line}\n{span_line}\n".encode()
    before = database_state()

    new_document, changed = upload(clients["beta-reviewer"], url, _brat_of(TXT), "application/zip")
    new_actor, changed_too = upload(
        clients["beta-reviewer"],
        "/api/v1/debates/beta/import/spans/",
        jsonl,
        "application/x-ndjson",
        "actor.jsonl",
    )

    assert new_document.status_code == 422
    assert new_document.json()["documents"][0]["problems"] == [
        {
            "file": "new/doc.ann",
            "line": None,
            "reason": "no document with this text in this debate; only managers add documents",
        }
    ]
    assert new_actor.status_code == 422
    assert new_actor.json()["documents"][0]["problems"] == [
        {
            "file": "actor.jsonl",
            "line": 2,
            "reason": "span line2: no actor 'Planted' in this debate; only managers add actors",
        }
    ]
    assert changed == changed_too == []
    assert changed_tables(before, database_state()) == []
    # Into an existing document, with an existing actor, the reviewer's gold import works...
    Actor.objects.create(debate=debate, name="Planted")
    imported, _changed = upload(
        clients["beta-reviewer"],
        "/api/v1/debates/beta/import/spans/",
        jsonl,
        "application/x-ndjson",
        "actor.jsonl",
    )
    assert (imported.status_code, imported.json()["imported"]) == (200, 1)
    # ...and a manager adds the new document.
    added, _changed = upload(clients["beta-manager"], url, _brat_of(TXT), "application/zip")
    assert (added.status_code, added.json()["documents"][0]["document_created"]) == (200, True)


def test_a_nul_in_a_brat_note_rejects_its_document_with_a_report_and_keeps_the_others(db):
    debate = DebateFactory(slug="nul")
    manager = UserFactory(username="nul-manager", is_staff=True)
    annotator = UserFactory(username="nul-annotator")
    MembershipFactory(debate=debate, user=manager, role="manager")
    MembershipFactory(debate=debate, user=annotator, role="annotator")
    files = {
        "a/first.txt": "Keys stay with the users. Scanning breaks that.",
        "a/first.ann": "T1\tclaim 0 25\tKeys stay with the users.\nA1\tStance T1 contra\n",
        "b/second.txt": "Scanning finds abuse. Nobody else reads it.",
        "b/second.ann": (
            "T1\tclaim 0 21\tScanning finds abuse.\nA1\tStance T1 pro\n"
            "#1\tAnnotatorNotes T1\tseen\x00here\n"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    client = APIClient()
    client.force_authenticate(manager)

    response = client.post(
        "/api/v1/debates/nul/import/brat/",
        {
            "file": SimpleUploadedFile("c.zip", buffer.getvalue(), "application/zip"),
            "layer": "nul-annotator",
        },
        format="multipart",
    )

    assert response.status_code == 200, response.content[:300]
    report = response.json()
    assert (report["imported"], report["rejected"], report["spans"]) == (1, 1, 1)
    second = next(item for item in report["documents"] if item["name"] == "b/second")
    assert second["status"] == "rejected"
    assert "NUL" in second["problems"][0]["reason"]
    assert Span.objects.filter(document__debate=debate).count() == 1
    assert not Document.objects.filter(text__startswith="Scanning finds abuse").exists()


# --- UIMA CAS XMI: the zip checks of brat, and XML that reaches for more than it holds -------
XMI = "/api/v1/debates/alpha/import/xmi/"
GOOD_XMI = xmi_document(
    "Tech firms say a backdoor weakens security.",
    [{"begin": 0, "end": 10, "stance": "pro", "role": "claim"}],
)


@pytest.mark.parametrize(
    ("entries", "status", "detail"),
    [case[1:] for case in ZIP_REFUSALS],
    ids=[case[0] for case in ZIP_REFUSALS],
)
def test_hostile_zip_entries_are_refused_whole_by_the_xmi_import(
    manager, limits, entries, status, detail
):
    # The same two entries first as for brat (the counts in the messages include them).
    data = archive(("good/doc.txt", TXT), ("good/doc.ann", ANN), *entries)

    response, changed = upload(manager, XMI, data, "application/zip", "hostile.zip")

    assert (response.status_code, response.json()) == (status, {"detail": detail})
    assert changed == []


def _with_doctype(xmi: str, doctype: str, sofa: str) -> bytes:
    """Return the XMI with a DOCTYPE after its declaration and ``sofa`` as its text."""
    head, body = xmi.split("?>", 1)
    body = re.sub(r'sofaString="[^"]*"', f'sofaString="{sofa}"', body)
    return f"{head}?>\n{doctype}\n{body}".encode()


LAUGHS = (
    '<!DOCTYPE xmi:XMI [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)).replace(
        "&lol0;", "&lol;"
    )
    + "]>"
)
DOCTYPES = {
    "external entity": (
        '<!DOCTYPE xmi:XMI [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',
        "&secret;",
    ),
    "billion laughs": (LAUGHS, "&lol9;"),
    "network DTD": ('<!DOCTYPE xmi:XMI SYSTEM "http://192.0.2.1/evil.dtd">', "Tech firms"),
}


@pytest.mark.parametrize("kind", DOCTYPES)
def test_an_xmi_with_a_doctype_is_rejected_before_cassis_reads_it(manager, limits, kind):
    doctype, sofa = DOCTYPES[kind]
    data = archive(("evil.xmi", _with_doctype(GOOD_XMI, doctype, sofa)))

    response, changed = upload(manager, XMI, data, "application/zip", "evil.zip")

    assert response.status_code == 422
    assert response.json()["documents"][0]["problems"] == [
        {
            "file": "evil.xmi",
            "line": None,
            "reason": "it declares a DOCTYPE, which is not accepted (entities are not read)",
        }
    ]
    assert "root:" not in response.content.decode()
    assert changed == []


def test_a_type_system_with_a_doctype_rejects_the_documents_that_use_it(manager):
    typesystem = _with_doctype(xmi_typesystem().to_xml(), DOCTYPES["external entity"][0], "unused")
    data = archive(
        ("a/TypeSystem.xml", typesystem), ("a/doc.xmi", GOOD_XMI.encode()), ("b/doc.xmi", GOOD_XMI)
    )

    response, changed = upload(manager, XMI, data, "application/zip", "ts.zip")

    assert response.status_code == 200
    report = response.json()
    assert [(item["name"], item["status"]) for item in report["documents"]] == [
        ("a/doc", "rejected"),
        ("b/doc", "imported"),
    ]
    assert report["documents"][0]["problems"][0]["file"] == "a/TypeSystem.xml"
    # A gold import is part of the review record (a decision per span, the review's version).
    assert changed == [
        # The debate's documents counted by status, kept by the database (annotations 0008).
        "annotations.debatestatuscount",
        "annotations.documentreview",
        # Each document's gold revision, moved by the database (annotations 0009).
        "annotations.goldrevision",
        "annotations.reviewdecision",
        "annotations.span",
        "annotations.spanevent",
        "debate.document",
    ]


@pytest.mark.parametrize(
    ("data", "content_type", "status", "detail"),
    [
        (
            GOOD_XMI.encode(),
            "application/xml",
            415,
            "file: expected a zip archive (application/zip), not application/xml.",
        ),
        (
            GOOD_XMI.encode(),
            "application/zip",
            400,
            "file: not a zip archive (it does not start with PK).",
        ),
    ],
    ids=["bare xmi", "bare xmi as zip"],
)
def test_a_bare_xmi_is_refused_with_what_to_send(
    manager, limits, data, content_type, status, detail
):
    response, changed = upload(manager, XMI, data, content_type, "doc.xmi")

    assert (response.status_code, response.json()) == (status, {"detail": detail})
    assert changed == []
