// The import page, for a debate's managers: documents (text, Markdown, HTML, JSON Lines, or a
// zip of them) through the bulk document import, and spans (a brat zip or a JSON Lines
// export) through the span imports; each upload shows its progress, then the server's report.
//
// This entry is the only module that reads the document at load: it creates the state, looks
// up the elements and hands both, as one `page` object, to the other modules.

import { listenForFiles } from "./choose.js";
import { importDocuments } from "./documents.js";
import { findElements } from "./elements.js";
import { importSpans, switchFormat } from "./spans.js";
import { createState } from "./state.js";

function listen(page) {
  const { el } = page;
  listenForFiles(page, "documents");
  listenForFiles(page, "spans");
  el.documents.form.addEventListener("submit", (event) => {
    event.preventDefault();
    importDocuments(page);
  });
  el.spans.form.addEventListener("submit", (event) => {
    event.preventDefault();
    importSpans(page);
  });
  el.spansKind.addEventListener("change", () => switchFormat(page));
}

function start() {
  const data = JSON.parse(document.getElementById("import-data").textContent);
  const page = { state: createState(data), el: findElements(document) };
  listen(page);
  switchFormat(page);
  document.body.dataset.ready = "true";
}

start();
