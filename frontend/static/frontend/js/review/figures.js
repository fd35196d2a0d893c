// The head of the review: the layers' colours and the agreement figures of this document.

import { GOLD_TINT, formatFigure, layerColor } from "../review-units.js";
import { make, swatch } from "./dom.js";

export function renderLegend(page) {
  const parts = page.state.review.annotators.map((layer, index) => {
    const item = make("span", "legend-item");
    item.append(swatch(layerColor(index)), layer);
    return item;
  });
  const gold = make("span", "legend-item");
  gold.append(swatch(GOLD_TINT), "gold");
  page.el.legend.replaceChildren(make("span", "muted", "Layers: "), ...parts, gold);
}

function figure(label, value, hint) {
  const box = make("div", "figure");
  box.title = hint;
  box.append(make("span", "figure-value", value), make("span", "figure-label", label));
  return box;
}

export function renderFigures(page) {
  const a = page.state.review.agreement;
  page.el.figures.replaceChildren(
    figure("units", String(a.units), "Aligned units compared"),
    figure("all agree", String(a.units_agreed), "Units every annotator marked identically"),
    figure("α stance", formatFigure(a.alpha.stance), "Krippendorff's alpha (nominal), stance"),
    figure("α role", formatFigure(a.alpha.role), "Krippendorff's alpha (nominal), role"),
    figure("α actor", formatFigure(a.alpha.actor), "Krippendorff's alpha (nominal), actor"),
    figure("α boundaries", formatFigure(a.alpha.boundaries), "Character-level alpha"),
    figure("F1 exact", formatFigure(a.exact.f1), "Span F1, identical boundaries"),
    figure("F1 overlap", formatFigure(a.overlap.f1), "Span F1, any shared character"),
  );
}
