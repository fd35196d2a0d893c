// The annotate page: select text, tag it, link spans, submit. Every change goes through the
// save queue at once; the server's code point offsets are converted at the edge
// (offsets.js, through state.js), so the rest of the page works in the browser's UTF-16
// offsets.
//
// The page arrives with its layer's spans and relations in it (json_script), so it draws them
// without waiting for a request; the API is asked again only when the page may be out of date.
//
// This entry is the only module that reads the document at load: it creates the state, looks
// up the elements and hands both, as one `page` object, to the modules that draw and listen.
// The modules it imports, directly or not, are preloaded by the page (ANNOTATE_MODULES in
// frontend/views/annotate.py).

import { SaveQueue } from "../savequeue.js";
import { findElements } from "./elements.js";
import { listenForGuidelines } from "./guidelines.js";
import { listenForKeys } from "./keys.js";
import { canDrawWhenNearView } from "./near-view.js";
import { listenForPointer } from "./pointer.js";
import { listenForTagForm } from "./popover.js";
import { listenForPageShow, saveStatusChanged } from "./reload.js";
import { render } from "./render.js";
import { sourceHighlightFrom } from "./source-highlight.js";
import { createListDrawing, watchListGroups } from "./span-list.js";
import { adoptStanceColors } from "./stance-colors.js";
import { adopt, createState } from "./state.js";
import { listenForSuggestions } from "./suggestion-events.js";
import { loadSuggestions } from "./suggestions.js";
import { listenForStart, listenForSubmit } from "./submit.js";
import { createTextDrawing, watchTextBlocks } from "./text-view.js";
import { listenForUndo } from "./undo.js";

function start() {
  const data = JSON.parse(document.getElementById("annotate-data").textContent);
  const state = createState(data);
  const page = {
    state,
    el: findElements(document),
    stanceClasses: adoptStanceColors(document, state.stances),
    queue: null,
    drawWhenNearView: canDrawWhenNearView(window),
    textDrawn: createTextDrawing(),
    listDrawn: createListDrawing(),
    source: sourceHighlightFrom(window.location.search, state.conv),
  };
  page.queue = new SaveQueue({ onChange: (snapshot) => saveStatusChanged(page, snapshot) });

  watchTextBlocks(page);
  watchListGroups(page);
  listenForPointer(page);
  listenForTagForm(page);
  listenForKeys(page);
  listenForSubmit(page);
  listenForStart(page);
  listenForUndo(page);
  listenForPageShow(page);
  listenForGuidelines(document, data.guidelines);
  listenForSuggestions(page);

  adopt(state, data.spans, data.relations);
  data.spans = data.relations = null; // the state holds them now
  render(page);
  saveStatusChanged(page, page.queue.snapshot());
  document.body.dataset.ready = "true";
  loadSuggestions(page);
}

start();
