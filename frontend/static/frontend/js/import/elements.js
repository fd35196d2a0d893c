// The import page's elements, looked up once by the entry (main.js): the same set for each of
// its two sections, documents and spans.

function section(document, name) {
  const $ = (suffix) => document.getElementById(`${name}-${suffix}`);
  return {
    form: $("form"),
    drop: $("drop"),
    input: $(name === "documents" ? "files" : "file"),
    chosen: $("chosen"),
    submit: $("submit"),
    upload: $("upload"),
    progress: $("progress"),
    phase: $("phase"),
    error: $("error"),
    report: $("report"),
    counts: $("counts"),
    link: $("link"),
    rows: $("rows"),
  };
}

export function findElements(document) {
  return {
    documents: section(document, "documents"),
    spans: section(document, "spans"),
    spansKind: document.getElementById("spans-kind"),
    spansLayer: document.getElementById("spans-layer"),
  };
}
