// The documents section: the chosen files go up in one request to the bulk document import
// (one zip or JSON Lines file as it is, several files packed into a zip here, zip-store.js),
// with the upload's progress; then the report: the counts, every item skipped or rejected
// with its reason, and the way to the debate's documents.

import { apiUpload, errorMessage } from "../api.js";
import { documentReportRows, documentUpload, packedName, reportCounts } from "../import-report.js";
import { zipStore } from "../zip-store.js";
import { endUpload, showError, showProgress, showReport, startUpload } from "./report.js";

async function uploadFile(files) {
  const plan = documentUpload(files);
  if (plan.refusal) return { refusal: plan.refusal };
  if (!plan.pack) return { file: new File([files[0]], files[0].name, { type: plan.type }) };
  const entries = await Promise.all(
    files.map(async (file) => ({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) })),
  );
  return { file: new File([zipStore(entries)], packedName(files), { type: "application/zip" }) };
}

function documentsLink(page, imported) {
  if (!imported) return null;
  const link = document.createElement("a");
  link.href = page.state.urls.documents_list;
  link.textContent = "See the debate's documents";
  return link;
}

export async function importDocuments(page) {
  const { state, el } = page;
  const panel = el.documents;
  if (state.sending.documents) return;
  const upload = await uploadFile(state.files.documents);
  if (upload.refusal) {
    showError(panel, upload.refusal);
    return;
  }
  const form = new FormData();
  form.append("file", upload.file);
  state.sending.documents = true;
  startUpload(panel);
  const result = await apiUpload(state.urls.documents, form, (loaded, total) => showProgress(panel, loaded, total));
  state.sending.documents = false;
  const report = result.data && Array.isArray(result.data.problems) ? result.data : null;
  if (report) {
    showReport(page, panel, {
      counts: reportCounts(report),
      rows: documentReportRows(report),
      link: documentsLink(page, report.imported),
    });
  }
  if (result.status === 200) {
    endUpload(panel, "Done.");
  } else {
    endUpload(panel, "Not imported.");
    showError(panel, report && result.status === 422 ? "No document could be imported; the report says why." : errorMessage(result));
  }
}
