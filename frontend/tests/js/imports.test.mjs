// The import page's pure modules: the zip it packs chosen files into, how files go up, and
// the rows of the server's reports.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  documentReportRows,
  documentUpload,
  packedName,
  reportCounts,
  spanReportRows,
  suffixOf,
} from "../../static/frontend/js/import-report.js";
import { crc32, zipStore } from "../../static/frontend/js/zip-store.js";

const bytes = (text) => new TextEncoder().encode(text);

/** Read a stored zip back through its central directory: [{name, text, crc, flags}]. */
function readZip(archive) {
  const view = new DataView(archive.buffer, archive.byteOffset, archive.byteLength);
  const end = archive.length - 22;
  assert.equal(view.getUint32(end, true), 0x06054b50);
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const entries = [];
  for (let i = 0; i < count; i++) {
    assert.equal(view.getUint32(at, true), 0x02014b50);
    const nameLength = view.getUint16(at + 28, true);
    const size = view.getUint32(at + 24, true);
    const local = view.getUint32(at + 42, true);
    assert.equal(view.getUint32(local, true), 0x04034b50);
    assert.equal(view.getUint16(local + 8, true), 0, "stored, not compressed");
    const start = local + 30 + view.getUint16(local + 26, true);
    entries.push({
      name: new TextDecoder().decode(archive.subarray(at + 46, at + 46 + nameLength)),
      text: new TextDecoder().decode(archive.subarray(start, start + size)),
      crc: view.getUint32(at + 16, true),
      flags: view.getUint16(at + 8, true),
    });
    at += 46 + nameLength;
  }
  return entries;
}

describe("zipStore", () => {
  test("crc32 is the zip checksum", () => {
    assert.equal(crc32(bytes("123456789")), 0xcbf43926);
    assert.equal(crc32(new Uint8Array()), 0);
  });

  test("each file comes back under its UTF-8 name with its bytes and checksum", () => {
    const archive = zipStore([
      { name: "a.txt", bytes: bytes("Alpha text.\n") },
      { name: "Café notes.md", bytes: bytes("# Café\n\nÉtat 🔐") },
      { name: "empty.txt", bytes: new Uint8Array() },
    ]);
    const entries = readZip(archive);
    assert.deepEqual(
      entries.map(({ name, text }) => [name, text]),
      [
        ["a.txt", "Alpha text.\n"],
        ["Café notes.md", "# Café\n\nÉtat 🔐"],
        ["empty.txt", ""],
      ],
    );
    assert.deepEqual(
      entries.map((entry) => entry.crc),
      [crc32(bytes("Alpha text.\n")), crc32(bytes("# Café\n\nÉtat 🔐")), 0],
    );
    assert.ok(entries.every((entry) => entry.flags === 0x0800));
    // Headers, each name twice (local and central), the bytes: "Café" and "État 🔐" are wider in UTF-8.
    assert.equal(archive.length, 3 * 30 + 3 * 46 + 22 + 2 * (5 + 14 + 9) + 12 + 19 + 0);
  });

  test("an empty zip is only its end record", () => {
    assert.deepEqual([...zipStore([])], [0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]);
  });
});

describe("how chosen files go up", () => {
  const files = (...names) => names.map((name) => ({ name }));

  test("one zip or JSON Lines file goes as it is, with its media type", () => {
    assert.deepEqual(documentUpload(files("Corpus.ZIP")), { pack: false, type: "application/zip" });
    assert.deepEqual(documentUpload(files("a.jsonl")), { pack: false, type: "application/x-ndjson" });
  });

  test("anything else is packed into one zip, unsupported files too (the server says why)", () => {
    assert.deepEqual(documentUpload(files("a.txt")), { pack: true });
    assert.deepEqual(documentUpload(files("a.txt", "b.html", "c.jsonl", "d.pdf")), { pack: true });
    assert.equal(packedName(files("a.txt")), "a.txt.zip");
    assert.equal(packedName(files("a.txt", "b.md")), "2 files.zip");
  });

  test("nothing, a zip among other files, or one name twice is refused here", () => {
    assert.deepEqual(documentUpload([]), { refusal: "Choose or drop the files to import first." });
    assert.deepEqual(documentUpload(files("a.txt", "b.zip")), {
      refusal: "b.zip: send a zip on its own, or choose the files inside it with the others.",
    });
    assert.deepEqual(documentUpload(files("a.txt", "a.txt")), { refusal: "a.txt is chosen twice; choose it once." });
  });

  test("suffixes are read from the last dot, in lower case", () => {
    assert.deepEqual(["x.tar.GZ", "README", ".hidden", "a.Md"].map(suffixOf), [".gz", "", "", ".md"]);
  });
});

describe("report rows", () => {
  test("a document import lists each item not imported, where it was and why", () => {
    const report = {
      read: 4,
      imported: 2,
      skipped: 1,
      rejected: 1,
      problems: [
        { status: "skipped", file: "b.txt", line: null, index: null, field: null, reason: "the debate already holds this text", document: 7 },
        { status: "rejected", file: "c.jsonl", line: 3, index: null, field: "text", reason: "The text is empty.", document: null },
        { status: "rejected", file: null, line: null, index: 0, field: null, reason: "Not an object.", document: null },
      ],
    };
    assert.deepEqual(reportCounts(report), [["imported", 2], ["skipped", 1], ["rejected", 1]]);
    assert.deepEqual(documentReportRows(report), [
      { item: "b.txt", status: "skipped", reason: "the debate already holds this text", document: 7 },
      { item: "c.jsonl, line 3", status: "rejected", reason: "text: The text is empty.", document: null },
      { item: "item 1", status: "rejected", reason: "Not an object.", document: null },
    ]);
  });

  test("a span import lists each document with its layer, what it brought or why not", () => {
    const report = {
      imported: 1,
      skipped: 0,
      rejected: 1,
      documents: [
        { name: "a", layer: "gold", status: "imported", document: 3, document_created: true, spans: 2, relations: 1, problems: [] },
        {
          name: "b",
          layer: "gold",
          status: "rejected",
          document: null,
          document_created: false,
          spans: 0,
          relations: 0,
          problems: [{ file: "b.ann", line: 2, reason: "offsets 5-9 are outside the text" }],
        },
      ],
      ignored: ["annotation.conf"],
    };
    assert.deepEqual(spanReportRows(report), [
      { item: "a → gold", status: "imported", reason: "2 spans, 1 relation; a new document", document: 3 },
      { item: "b → gold", status: "rejected", reason: "b.ann, line 2: offsets 5-9 are outside the text", document: null },
      { item: "annotation.conf", status: "passed over", reason: "not a brat document", document: null },
    ]);
  });
});
