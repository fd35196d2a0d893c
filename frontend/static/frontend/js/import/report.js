// Drawing a section's upload: the progress bar while the bytes go out, then the server's
// report (the counts, a row per item with its reason, links to the documents). Every name and
// reason from the upload or the server is set as text, never as markup.

import { documentUrl } from "./state.js";

function kilobytes(bytes) {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Show the section's progress bar at 0 and hide its last report and error. */
export function startUpload(panel) {
  panel.error.hidden = true;
  panel.report.hidden = true;
  panel.upload.hidden = false;
  panel.submit.disabled = true;
  showProgress(panel, 0, 0);
}

/** Move the progress bar; once every byte is sent, say the server is importing. */
export function showProgress(panel, loaded, total) {
  const percent = total ? Math.min(100, Math.round((loaded * 100) / total)) : 0;
  panel.progress.value = percent;
  panel.progress.textContent = `${percent}%`;
  panel.phase.textContent =
    total && loaded >= total
      ? `Sent ${kilobytes(total)}; the server is importing…`
      : `Uploading… ${percent}%${total ? ` of ${kilobytes(total)}` : ""}`;
}

/** End the upload: the phase line says how it ended, the button works again. */
export function endUpload(panel, phase) {
  panel.submit.disabled = false;
  panel.phase.textContent = phase;
}

export function showError(panel, message) {
  panel.error.textContent = message;
  panel.error.hidden = false;
}

function chip(status) {
  const span = document.createElement("span");
  span.className = `status-chip ${status.replace(/\s+/g, "-")}`;
  span.textContent = status;
  return span;
}

/**
 * Draw a report: counts as [label, number] pairs, rows as {item, status, reason, document},
 * and the link line (an element, or null for none).
 */
export function showReport(page, panel, { counts, rows, link }) {
  panel.counts.replaceChildren(
    ...counts.map(([label, number]) => {
      const li = document.createElement("li");
      li.dataset.count = label;
      const strong = document.createElement("strong");
      strong.textContent = String(number);
      li.append(strong, ` ${label}`);
      return li;
    }),
  );
  panel.rows.replaceChildren(
    ...rows.map((row) => {
      const tr = document.createElement("tr");
      tr.dataset.status = row.status;
      const item = document.createElement("td");
      item.textContent = row.item;
      if (row.document != null) {
        const open = document.createElement("a");
        open.href = documentUrl(page.state, row.document);
        open.textContent = "open";
        item.append(" · ", open);
      }
      const status = document.createElement("td");
      status.append(chip(row.status));
      const reason = document.createElement("td");
      reason.textContent = row.reason;
      tr.append(item, status, reason);
      return tr;
    }),
  );
  panel.link.replaceChildren(...(link ? [link] : []));
  panel.link.hidden = !link;
  panel.report.hidden = false;
}

/** Return the list of chosen files, drawn as text. */
export function showChosen(panel, files) {
  panel.chosen.replaceChildren(
    ...files.map((file) => {
      const li = document.createElement("li");
      li.textContent = `${file.name} (${kilobytes(file.size)})`;
      return li;
    }),
  );
}
