// The agreement charts: Krippendorff's alpha per attribute, span F1 per label, and the
// agreement of each pair of annotators.

import { agreementDomain, stanceAccord } from "../dashboard-charts.js";
import { empty, mount } from "./elements.js";
import { barChart, legend } from "./svg.js";

export function drawAlpha(page) {
  const { agreement } = page.state;
  const alpha = agreement.alpha;
  const rows = [
    { label: "Stance", values: [alpha.stance] },
    { label: "Role", values: [alpha.role] },
    { label: "Actor", values: [alpha.actor] },
    { label: "Boundaries", values: [alpha.boundaries] },
    { label: "Relation type", values: [alpha.relation] },
  ];
  if (agreement.documents === 0) {
    mount(page.el.alpha, empty("No document has two submitted layers yet."));
    return;
  }
  mount(
    page.el.alpha,
    barChart(rows, {
      label: "Krippendorff's alpha per attribute",
      series: ["alpha"],
      domain: agreementDomain(Object.values(alpha)),
      thresholds: [
        { value: 0.667, label: "0.667: lowest acceptable for tentative conclusions" },
        { value: 0.8, label: "0.8: reliable" },
      ],
    }),
  );
}

function labelName(state, row) {
  if (row.attribute === "stance") {
    const stance = state.stanceByKey.get(row.label);
    return `Stance: ${stance ? stance.label : row.label}`;
  }
  return `Role: ${row.label}`;
}

export function drawLabels(page) {
  const { state } = page;
  const { agreement } = state;
  if (agreement.labels.length === 0) {
    mount(page.el.labels, empty("No spans compared yet."));
    return;
  }
  const rows = agreement.labels.map((row) => ({
    label: labelName(state, row),
    values: [row.exact.f1, row.overlap.f1],
  }));
  mount(
    page.el.labels,
    barChart(rows, { label: "Span F1 per label", series: ["exact", "overlap"] }),
    legend(["exact boundaries", "any overlap"]),
  );
}

export function drawPairs(page) {
  const { agreement } = page.state;
  if (agreement.pairs.length === 0) {
    mount(page.el.pairs, empty("No pair of annotators shares a submitted document yet."));
    return;
  }
  const rows = agreement.pairs.map((pair) => ({
    label: `${pair.annotators[0]} × ${pair.annotators[1]}`,
    values: [pair.exact.f1, pair.overlap.f1, stanceAccord(pair.stance_confusion)],
  }));
  mount(
    page.el.pairs,
    barChart(rows, {
      label: "Agreement per annotator pair",
      series: ["F1 exact", "F1 overlap", "same stance"],
    }),
    legend(["F1 exact", "F1 overlap", "same stance on matched spans"]),
  );
}
