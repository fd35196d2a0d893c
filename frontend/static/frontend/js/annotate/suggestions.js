// The suggestion model's candidate spans: dashed, unsaved highlights in the text and a list in
// the side panel, each with its suggested stance and role and the model's confidence. The
// annotator accepts one (A, or its button), edits it (the tag form opens pre-filled with it) or
// dismisses it (X); an accepted or edited suggestion becomes the annotator's own span, and the
// server records which model it came from. Nothing is saved until the annotator decides.
//
// The page gets its suggestions' URL only where the debate shows them to this annotator
// (frontend/views/annotate.py); elsewhere this module does nothing.

import { api, errorMessage } from "../api.js";
import { select } from "./navigation.js";
import { render } from "./render.js";
import { fromApi, handleOf, liveId, shortQuote } from "./state.js";
import { PREFIX, renderSuggestions, suggestionByKey } from "./suggestion-view.js";
import { notify } from "./status.js";
import { record } from "./undo.js";
import { createSpan, deleteSpan } from "./writes.js";

function adoptSuggestions(page, data) {
  const { state } = page;
  state.suggestionModel = data.model;
  state.suggestionModelLabel = data.model_label ?? "";
  state.suggestionMessage = data.message;
  state.suggestions = data.results.map((s, index) => {
    const { start, end } = state.conv.rangeToUtf16(s.start, s.end);
    return { ...s, key: `${PREFIX}${index}`, start16: start, end16: end, pending: false };
  });
  state.suggestionCurrent = null;
}

/** Ask for the document's suggestions once the page has drawn its layer. */
export async function loadSuggestions(page) {
  const { state } = page;
  if (!state.suggestionsOn) return;
  const result = await api("GET", state.urls.suggestions);
  if (result.status !== 200) {
    state.suggestionMessage = `Suggestions could not be loaded: ${errorMessage(result)}`;
    renderSuggestions(page);
    return;
  }
  adoptSuggestions(page, result.data);
  render(page);
}

function drop(state, key) {
  state.suggestions = state.suggestions.filter((s) => s.key !== key);
  if (state.suggestionCurrent === key) state.suggestionCurrent = null;
}

/** Send the annotator's decision on a suggestion; accept and edit add the span it became. */
export function decideSuggestion(page, key, action, fields = {}) {
  const { state, queue } = page;
  const suggestion = suggestionByKey(state, key);
  if (!suggestion || suggestion.pending) return;
  suggestion.pending = true;
  const verb = { accept: "Accept", edit: "Save", dismiss: "Dismiss" }[action];
  const label = `${verb} suggestion “${shortQuote(suggestion.quote, 30)}”`;
  queue
    .enqueue(label, () =>
      api("POST", state.urls.suggestion_decisions, {
        body: { model: state.suggestionModel, start: suggestion.start, end: suggestion.end, action, ...fields },
      }),
    )
    .then((result) => {
      drop(state, key);
      const detail = result.data.span_detail;
      if (detail) {
        const saved = fromApi(state, detail);
        state.spans.set(saved.id, saved);
        const handle = handleOf(state, saved.id);
        const fields = { stance: saved.stance, role: saved.role, actor: saved.actor, note: saved.note };
        record(page, {
          label: `${action === "accept" ? "accept" : "edit"} suggestion “${shortQuote(saved.quote, 30)}”`,
          undo: () => deleteSpan(page, liveId(state, handle), { record: false }),
          // The suggestion stays decided; redo brings the span back as the annotator's own
          // (its history says created, not accepted: redo is their act, not the model's).
          redo: () => {
            handle.id = createSpan(page, saved.start16, saved.end16, fields, { record: false });
            state.handles.set(handle.id, handle);
            return true;
          },
        });
        select(page, saved.id);
        notify(page, `${action === "accept" ? "Accepted" : "Saved with your changes"}: from ${state.suggestionModelLabel}.`);
      } else {
        notify(page, "Dismissed the suggestion.");
      }
      render(page);
    })
    .catch((result) => {
      suggestion.pending = false;
      if (result.status !== "discarded") notify(page, `The suggestion was not saved: ${errorMessage(result)}`, "error");
      render(page);
    });
  render(page);
}

/** Choose the suggestion the keys act on. */
export function chooseSuggestion(page, key) {
  if (!suggestionByKey(page.state, key)) return;
  page.state.suggestionCurrent = key;
  renderSuggestions(page);
}

