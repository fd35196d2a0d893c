// Drawing the whole review from the API's answer, and the head's buttons (accept all agreed,
// finish), which are enabled only when this reviewer may decide on the document now.

import { agreedUndecided } from "../review-units.js";
import { renderFigures, renderLegend } from "./figures.js";
import { renderRelations } from "./relations.js";
import { STATUS_LABELS, decidable } from "./state.js";
import { renderText } from "./text-view.js";
import { renderUnits } from "./unit-cards.js";

export function render(page) {
  const { state, el } = page;
  const review = state.review;
  el.version.textContent = String(review.version);
  el.docStatus.textContent = STATUS_LABELS[review.document.status] || review.document.status;
  renderLegend(page);
  renderFigures(page);
  renderText(page);
  renderUnits(page);
  renderRelations(page);
  renderActions(page);
}

function renderActions(page) {
  const { state, el } = page;
  if (!el.acceptAgreed) return;
  const agreed = agreedUndecided(state.review.units).length;
  el.acceptAgreed.textContent = `Accept all agreed (${agreed})`;
  el.acceptAgreed.disabled = !decidable(state) || agreed === 0;
  el.acceptAgreed.hidden = state.review.document.status === "adjudicated";
  const undecided = state.review.undecided;
  el.finish.disabled = !decidable(state) || undecided > 0;
  el.finish.title =
    undecided > 0 ? `${undecided} unit(s) still undecided` : "Mark the document adjudicated";
  el.finish.textContent =
    state.review.document.status === "adjudicated" ? "Adjudicated" : "Finish review";
}
