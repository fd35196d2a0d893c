// Choosing files: from the file picker or dropped on a section's zone. The chosen files are
// kept in the state and listed under the zone; the spans section takes one file.

import { showChosen } from "./report.js";

function choose(page, which, files) {
  const chosen = which === "spans" ? files.slice(0, 1) : files;
  page.state.files[which] = chosen;
  showChosen(page.el[which], chosen);
}

/** Listen to a section's picker and drop zone. */
export function listenForFiles(page, which) {
  const panel = page.el[which];
  panel.input.addEventListener("change", () => choose(page, which, [...panel.input.files]));
  panel.drop.addEventListener("dragover", (event) => {
    event.preventDefault();
    panel.drop.dataset.over = "true";
  });
  panel.drop.addEventListener("dragleave", () => {
    panel.drop.dataset.over = "false";
  });
  panel.drop.addEventListener("drop", (event) => {
    event.preventDefault();
    panel.drop.dataset.over = "false";
    panel.input.value = "";
    choose(page, which, [...(event.dataTransfer?.files ?? [])]);
  });
}
