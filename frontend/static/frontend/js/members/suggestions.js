// The members page's suggestions settings: when annotators see the suggestion model's spans,
// and which annotators see them whatever the setting. Saved through the suggestions settings
// API; every name is set as text, never as markup.

import { api, errorMessage } from "../api.js";
import { say } from "../notice.js";

/** Draw the mode and one checkbox per annotator, from the state. */
export function renderSuggestions(page) {
  const { state, el } = page;
  el.suggestMode.value = state.suggestions.mode;
  const granted = new Set(state.suggestions.annotators);
  const annotators = state.members.filter((m) => m.role === "annotator").map((m) => m.username);
  const boxes = annotators.map((username) => {
    const label = document.createElement("label");
    label.className = "choice";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.value = username;
    box.checked = granted.has(username);
    label.append(box, ` ${username}`);
    return label;
  });
  el.suggestChoices.replaceChildren(...boxes);
  el.suggestNone.hidden = annotators.length > 0;
}

export async function saveSuggestions(page) {
  const { state, el } = page;
  const annotators = [...el.suggestChoices.querySelectorAll("input:checked")].map((b) => b.value);
  el.suggestSubmit.disabled = true;
  const result = await api("PUT", state.urls.suggestions, {
    body: { mode: el.suggestMode.value, annotators },
  });
  el.suggestSubmit.disabled = false;
  if (result.status !== 200) {
    say(page, errorMessage(result), "error");
    return;
  }
  state.suggestions = result.data;
  renderSuggestions(page);
  const who = result.data.annotators.length;
  const mode = el.suggestMode.selectedOptions[0]?.textContent ?? result.data.mode;
  say(page, `Suggestions saved: ${mode}${who ? `; shown anyway to ${result.data.annotators.join(", ")}` : ""}.`, "status");
}
