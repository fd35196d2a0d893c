// Jumping to an argument (from a reference in a card, or a node of the picture): its card is
// opened, with every card above it, scrolled to, flashed and focused.

import { selectInGraph } from "../map-graph.js";
import { openDetails } from "./cards.js";
import { applyFilter } from "./filter.js";

function findCard(id) {
  return document.getElementById(`arg-${id}`) ?? document.querySelector(`.arg-card[data-id="${CSS.escape(id)}"]`);
}

export function openCard(page, id) {
  const { state } = page;
  let card = findCard(id);
  if (!card) {
    // A premise not rendered yet (or hidden by the actor filter): open the cards above it,
    // from its top-level argument down.
    const chain = [id];
    while (state.index.supportsOf.has(chain[0]) && chain.length <= state.index.args.size) {
      const next = state.index.supportsOf.get(chain[0])[0];
      if (chain.includes(next)) break;
      chain.unshift(next);
    }
    if (!document.getElementById(`arg-${chain[0]}`) && state.actor !== null) applyFilter(page, null);
    card = document.getElementById(`arg-${chain[0]}`);
    for (const step of chain.slice(1)) {
      if (!card) break;
      openDetails(state, card.querySelector(":scope > details"));
      card = card.querySelector(`.arg-card[data-id="${CSS.escape(step)}"]`);
    }
  }
  if (!card) return;
  for (let details = card.parentElement?.closest("details"); details; details = details.parentElement?.closest("details")) {
    openDetails(state, details);
  }
  const details = card.querySelector(":scope > details");
  openDetails(state, details);
  card.scrollIntoView({ block: "center", behavior: "instant" });
  card.classList.add("flash");
  setTimeout(() => card.classList.remove("flash"), 1600);
  details.querySelector(":scope > summary").focus({ preventScroll: true });
  if (state.svg) selectInGraph(state.svg, id);
}
