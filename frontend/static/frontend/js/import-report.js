// The import page's logic without a DOM: how chosen files go up (as they are, or packed into
// one zip), and the rows and counts a report from the server is drawn with. Tested by node.

/** Return a file name's suffix, lower case, with its dot ("Notes.TXT" → ".txt"). */
export function suffixOf(name) {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot).toLowerCase() : "";
}

const MEDIA_TYPES = { ".zip": "application/zip", ".jsonl": "application/x-ndjson" };

/**
 * Decide how the chosen document files go up: one zip or JSON Lines file as it is, any other
 * choice packed into one zip, whose entries the server reads (and reports on) one by one.
 * Files of other types are sent too: the server's report says why it passed them over.
 * @param {{name: string}[]} files
 * @returns {{refusal: string} | {pack: false, type: string} | {pack: true}}
 */
export function documentUpload(files) {
  if (!files.length) return { refusal: "Choose or drop the files to import first." };
  if (files.length === 1 && MEDIA_TYPES[suffixOf(files[0].name)]) {
    return { pack: false, type: MEDIA_TYPES[suffixOf(files[0].name)] };
  }
  const zips = files.filter((file) => suffixOf(file.name) === ".zip").map((file) => file.name);
  if (zips.length) {
    return { refusal: `${zips.join(", ")}: send a zip on its own, or choose the files inside it with the others.` };
  }
  const names = files.map((file) => file.name);
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated) return { refusal: `${repeated} is chosen twice; choose it once.` };
  return { pack: true };
}

/** Return the name the packed zip of the chosen files is sent under. */
export function packedName(files) {
  return files.length === 1 ? `${files[0].name}.zip` : `${files.length} files.zip`;
}

/** Return a count with its noun ("1 document", "3 documents"). */
export function counted(count, noun) {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function where(problem) {
  const parts = [problem.file, problem.line != null ? `line ${problem.line}` : null];
  if (problem.index != null) parts.push(`item ${problem.index + 1}`);
  return parts.filter((part) => part != null && part !== "").join(", ");
}

function problemText(problem) {
  const at = where(problem);
  const field = problem.field ? `${problem.field}: ` : "";
  return `${at ? `${at}: ` : ""}${field}${problem.reason}`;
}

/**
 * Return the rows of a span import's report (brat or JSON Lines), one per document:
 * {item, status, reason, document}; documents passed over are rows of their own.
 */
export function spanReportRows(report) {
  const rows = report.documents.map((outcome) => {
    const reason =
      outcome.status === "imported"
        ? `${counted(outcome.spans, "span")}, ${counted(outcome.relations, "relation")}${outcome.document_created ? "; a new document" : ""}`
        : outcome.problems.map(problemText).join("; ");
    return { item: `${outcome.name} → ${outcome.layer}`, status: outcome.status, reason, document: outcome.document };
  });
  for (const name of report.ignored ?? []) {
    rows.push({ item: name, status: "passed over", reason: "not a brat document", document: null });
  }
  return rows;
}

/** Return the counts a report starts with, as [label, number] pairs. */
export function reportCounts(report) {
  return [
    ["imported", report.imported],
    ["skipped", report.skipped],
    ["rejected", report.rejected],
  ];
}

/**
 * Return the rows of a document import's report: one per item not imported (rejected, or
 * skipped as a duplicate of the `document` that holds its text): {item, status, reason, document}.
 */
export function documentReportRows(report) {
  return report.problems.map((problem) => ({
    item: where(problem) || "the upload",
    status: problem.status,
    reason: `${problem.field ? `${problem.field}: ` : ""}${problem.reason}`,
    document: problem.document ?? null,
  }));
}
