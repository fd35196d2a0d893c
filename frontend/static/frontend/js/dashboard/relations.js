// Relations between aligned units: relation F1 (typed, and ignoring the type) over all pairs
// and per pair, with the relation type's alpha and the unit pairs it was computed over.

import { formatFigure } from "../dashboard-charts.js";
import { empty, mount } from "./elements.js";
import { barChart, legend } from "./svg.js";

export function drawRelations(page) {
  const { agreement } = page.state;
  const { relations } = agreement;
  if (relations.typed.left + relations.typed.right === 0) {
    mount(page.el.relations, empty("No annotator linked two spans yet."));
    return;
  }
  const rows = [
    { label: "All pairs", values: [relations.typed.f1, relations.untyped.f1] },
    ...agreement.pairs.map((pair) => ({
      label: `${pair.annotators[0]} × ${pair.annotators[1]}`,
      values: [pair.relations.typed.f1, pair.relations.untyped.f1],
    })),
  ];
  const summary = document.createElement("p");
  summary.className = "relation-alpha";
  const pairs = agreement.linked_unit_pairs;
  summary.textContent =
    `Relation type alpha ${formatFigure(agreement.alpha.relation)} over ${pairs} linked ` +
    `unit pair${pairs === 1 ? "" : "s"}.`;
  mount(
    page.el.relations,
    summary,
    barChart(rows, { label: "Relation F1 between aligned units", series: ["typed", "untyped"] }),
    legend(["same type", "any type"]),
  );
}
