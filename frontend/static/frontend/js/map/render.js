// Drawing a map version: the proposition with its strength, the filter, the columns of
// arguments, the picture and the actors' table.

import { renderColumns } from "./cards.js";
import { meter } from "./dom.js";
import { renderFilter } from "./filter.js";
import { renderGraphPicture, renderMatrix } from "./picture.js";

// Above this many arguments the picture leaves actors out unless asked (their edges crowd it).
const ACTORS_SHOWN_UP_TO = 80;

export function renderMap(page) {
  const { state, el } = page;
  const g = state.graph;
  el.propositionText.textContent = g.proposition.text;
  el.propositionStrength.textContent = g.proposition.strength.toFixed(2);
  meter(el.propositionMeter, g.proposition.strength);
  el.baseScore.textContent = String(g.strength.base_score);
  if (g.arguments.length > ACTORS_SHOWN_UP_TO && !state.graphActorsChosen) el.graphActors.checked = false;
  renderFilter(page);
  renderColumns(page);
  renderGraphPicture(page);
  renderMatrix(page);
}
