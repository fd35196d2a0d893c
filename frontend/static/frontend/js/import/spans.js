// The spans section: a brat zip or a JSON Lines span export, into the layer chosen, through
// the span import API; the report names each document with its layer and outcome.

import { apiUpload, errorMessage } from "../api.js";
import { reportCounts, spanReportRows } from "../import-report.js";
import { endUpload, showError, showProgress, showReport, startUpload } from "./report.js";

const FORMATS = {
  brat: { accept: ".zip", type: "application/zip" },
  spans: { accept: ".jsonl", type: "application/x-ndjson" },
};

/** Offer the files and layers the chosen format takes. */
export function switchFormat(page) {
  const { el } = page;
  const kind = el.spansKind.value;
  el.spans.input.accept = FORMATS[kind].accept;
  for (const option of el.spansLayer.options) {
    if (option.dataset.only) option.hidden = option.disabled = option.dataset.only !== kind;
  }
  if (el.spansLayer.selectedOptions[0]?.disabled) el.spansLayer.value = "gold";
}

export async function importSpans(page) {
  const { state, el } = page;
  const panel = el.spans;
  if (state.sending.spans) return;
  const [file] = state.files.spans;
  if (!file) {
    showError(panel, "Choose or drop the file to import first.");
    return;
  }
  const kind = el.spansKind.value;
  const form = new FormData();
  form.append("file", new File([file], file.name, { type: FORMATS[kind].type }));
  form.append("layer", el.spansLayer.value);
  state.sending.spans = true;
  startUpload(panel);
  const result = await apiUpload(state.urls[kind], form, (loaded, total) => showProgress(panel, loaded, total));
  state.sending.spans = false;
  const report = result.data && Array.isArray(result.data.documents) ? result.data : null;
  if (report) {
    showReport(page, panel, { counts: reportCounts(report), rows: spanReportRows(report), link: null });
  }
  if (result.status === 200) {
    endUpload(panel, "Done.");
  } else {
    endUpload(panel, "Not imported.");
    showError(panel, report && result.status === 422 ? "No document could be imported; the report says why." : errorMessage(result));
  }
}
