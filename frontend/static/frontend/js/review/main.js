// The review page: the annotators' layers side by side on one text, aligned into units;
// accept, edit or reject each unit into the gold layer, add spans and relations, finish.
//
// Every decision is one POST to the review API with the review version this page last saw
// (sync.js); the answer is the whole review as it is now, which the page renders.
//
// This entry is the only module that reads the document at load: it creates the state, looks
// up the elements and hands both, as one `page` object, to the modules that draw and listen.

import { listenForDecisions } from "./decisions.js";
import { listenForEditor } from "./editor.js";
import { findElements } from "./elements.js";
import { listenForKeys } from "./keys.js";
import { listenForPointer } from "./pointer.js";
import { createState } from "./state.js";
import { load } from "./sync.js";

function start() {
  const data = JSON.parse(document.getElementById("review-data").textContent);
  const page = { state: createState(data), el: findElements(document) };
  listenForPointer(page);
  listenForEditor(page);
  listenForDecisions(page);
  listenForKeys(page);
  load(page).then(() => {
    document.body.dataset.ready = "true";
  });
}

start();
