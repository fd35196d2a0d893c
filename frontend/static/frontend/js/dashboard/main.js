// The agreement dashboard: SVG charts drawn from the figures the server computed (the same
// ones GET /api/v1/debates/{slug}/agreement/ answers), embedded with json_script; the maps'
// comparison with gold is fetched afterwards (maps.js), since building the maps takes longer.
//
// This entry is the only module that reads the document at load: it creates the state, looks
// up the chart containers and hands both, as one `page` object, to the modules that draw.

import { drawAlpha, drawLabels, drawPairs } from "./agreement.js";
import { drawConfusion } from "./confusion.js";
import { findElements } from "./elements.js";
import { loadMapAgreement } from "./maps.js";
import { drawPairMatrix } from "./pair-matrix.js";
import { drawProgress } from "./progress.js";
import { drawRelations } from "./relations.js";
import { createState } from "./state.js";

function start() {
  const data = JSON.parse(document.getElementById("dashboard-data").textContent);
  const page = { state: createState(data), el: findElements(document) };
  drawAlpha(page);
  drawLabels(page);
  drawPairs(page);
  drawProgress(page);
  drawConfusion(page);
  drawRelations(page);
  drawPairMatrix(page);
  document.body.dataset.ready = "true";
  loadMapAgreement(page);
}

start();
