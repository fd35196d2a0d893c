// The annotator's ways to a suggestion: its buttons in the side panel, a click on its dashed
// highlight, and the tag form opened pre-filled with it (Edit).

import { openPopover } from "./popover.js";
import { suggestionByKey } from "./suggestion-view.js";
import { chooseSuggestion, decideSuggestion } from "./suggestions.js";

/** Open the tag form pre-filled with a suggestion; saving it records an edit. */
export function editSuggestion(page, key) {
  const suggestion = suggestionByKey(page.state, key);
  if (!suggestion || suggestion.pending) return;
  page.state.suggestionCurrent = key;
  const mark = page.el.text.querySelector(`mark[data-suggestion="${CSS.escape(key)}"]`);
  openPopover(page, { start: suggestion.start16, end: suggestion.end16, suggestion: key }, mark?.getBoundingClientRect() ?? null);
}

/** The buttons of the suggestion list, and clicks on a suggestion's highlight. */
export function listenForSuggestions(page) {
  const { el } = page;
  if (!el.suggestionList) return;
  el.suggestionList.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-suggestion-act]");
    const item = event.target.closest("li[data-suggestion]");
    if (!item) return;
    const key = item.dataset.suggestion;
    if (!button) {
      chooseSuggestion(page, key);
      return;
    }
    const act = button.dataset.suggestionAct;
    if (act === "edit") editSuggestion(page, key);
    else decideSuggestion(page, key, act);
  });
  el.text.addEventListener("click", (event) => {
    const mark = event.target.closest("mark[data-suggestion]");
    if (mark && window.getSelection().isCollapsed) chooseSuggestion(page, mark.dataset.suggestion);
  });
}
