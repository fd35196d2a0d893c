// What the page shows of the suggestion model's candidate spans: their ids among the text's
// highlights, the words said about each, and the list in the side panel. The data and the
// decisions are suggestions.js's; this module only reads the state and draws.

import { escapeHtml } from "../html.js";
import { shortQuote } from "./state.js";

export const PREFIX = "sg-";

/** Whether a highlight id names a suggestion (span ids are numbers or "tmp-…"). */
export function isSuggestionId(id) {
  return typeof id === "string" && id.startsWith(PREFIX);
}

/** The suggestions still to decide, as {id, start, end} in UTF-16 offsets, for the text. */
export function suggestionRanges(state) {
  return state.suggestions.map((s) => ({ id: s.key, start: s.start16, end: s.end16 }));
}

export function suggestionByKey(state, key) {
  return state.suggestions.find((s) => s.key === key) ?? null;
}

export function labelOf(state, suggestion) {
  const stance = state.stanceByKey.get(suggestion.stance)?.label ?? suggestion.stance;
  const role = state.roleByKey.get(suggestion.role)?.label ?? suggestion.role;
  return `${stance} · ${role}`;
}

/** The words a suggestion's highlight and row say about it. */
export function suggestionTitle(state, suggestion) {
  return `Suggested by ${state.suggestionModelLabel}: ${labelOf(state, suggestion)}, ${Math.round(suggestion.confidence * 100)}% sure. A accepts, X dismisses.`;
}

/** The suggestion the keys act on: the one chosen last, else the first in the text. */
export function currentSuggestion(state) {
  return suggestionByKey(state, state.suggestionCurrent) ?? state.suggestions[0] ?? null;
}

export function renderSuggestions(page) {
  const { state, el } = page;
  if (!el.suggestions || !state.suggestionsOn) return;
  el.suggestions.hidden = false;
  el.suggestionCount.textContent = String(state.suggestions.length);
  el.suggestionNote.textContent = state.suggestionMessage;
  const current = currentSuggestion(state);
  el.suggestionList.innerHTML = state.suggestions
    .map((s) => {
      const nearest = s.nearest_argument
        ? `<p class="small muted">Nearest map argument: ${escapeHtml(shortQuote(s.nearest_argument.text, 80))}</p>`
        : "";
      const isCurrent = current && current.key === s.key;
      return (
        `<li class="suggestion-item${isCurrent ? " current" : ""}" data-suggestion="${escapeHtml(s.key)}"${s.pending ? ' aria-busy="true"' : ""}>` +
        `<p class="quote">“${escapeHtml(shortQuote(s.quote, 90))}”</p>` +
        `<p class="small"><strong>${escapeHtml(labelOf(state, s))}</strong> · ${Math.round(s.confidence * 100)}% sure</p>` +
        nearest +
        '<p class="suggestion-actions">' +
        `<button type="button" data-suggestion-act="accept"${s.pending ? " disabled" : ""}>Accept${isCurrent ? " (A)" : ""}</button> ` +
        `<button type="button" data-suggestion-act="edit"${s.pending ? " disabled" : ""}>Edit</button> ` +
        `<button type="button" data-suggestion-act="dismiss"${s.pending ? " disabled" : ""}>Dismiss${isCurrent ? " (X)" : ""}</button>` +
        "</p></li>"
      );
    })
    .join("");
}

