// Alpha per annotator pair: one dimension (stance, role, actor or relation type) at a time,
// chosen in the select, as an annotator × annotator table with the units behind each cell.

import { formatFigure, pairMatrix } from "../dashboard-charts.js";
import { empty, mount } from "./elements.js";

const DIMENSIONS = [
  { key: "stance", label: "Stance", units: "units" },
  { key: "role", label: "Role", units: "units" },
  { key: "actor", label: "Actor", units: "units" },
  { key: "relation", label: "Relation type", units: "linked unit pairs" },
];

function matrixTable(annotators, matrix, dimension) {
  const table = document.createElement("table");
  table.className = "pair-matrix";
  const headRow = document.createElement("tr");
  const corner = document.createElement("th");
  corner.scope = "col";
  corner.textContent = `${dimension.label} alpha`;
  headRow.append(corner);
  for (const name of annotators) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = name;
    headRow.append(th);
  }
  const head = document.createElement("thead");
  head.append(headRow);
  const body = document.createElement("tbody");
  annotators.forEach((row, i) => {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = row;
    tr.append(th);
    annotators.forEach((column, j) => {
      const td = document.createElement("td");
      const cell = matrix[i][j];
      if (cell === null) {
        td.className = "none";
        td.textContent = "—";
        td.title = i === j ? row : `${row} and ${column} share no document`;
      } else {
        const value = document.createElement("span");
        value.className = "cell-alpha";
        value.textContent = formatFigure(cell.alpha);
        const units = document.createElement("span");
        units.className = "cell-units";
        units.textContent = `n=${cell.units}`;
        td.append(value, units);
        td.style.setProperty("--heat", Math.max(0, cell.alpha ?? 0).toFixed(3));
        if ((cell.alpha ?? 0) > 0.55) td.classList.add("hot");
        td.title = `${row} × ${column}: alpha ${formatFigure(cell.alpha)} over ${cell.units} ${dimension.units}`;
      }
      tr.append(td);
    });
    body.append(tr);
  });
  const caption = document.createElement("caption");
  caption.textContent =
    `Each pair aligned on its own, over the documents both submitted; n: ${dimension.units}. ` +
    "n/a: undefined (no variation in the values).";
  table.append(caption, head, body);
  return table;
}

export function drawPairMatrix(page) {
  const { state, el } = page;
  const select = el.pairDimension;
  if (state.agreement.pairs.length === 0) {
    mount(el.pairMatrix, empty("No pair of annotators shares a submitted document yet."));
    if (select) select.hidden = true;
    return;
  }
  select.replaceChildren(
    ...DIMENSIONS.map((dimension) => {
      const option = document.createElement("option");
      option.value = dimension.key;
      option.textContent = dimension.label;
      return option;
    }),
  );
  const show = () => {
    const dimension = DIMENSIONS.find((item) => item.key === select.value);
    const { annotators, pairs } = state.agreement;
    mount(el.pairMatrix, matrixTable(annotators, pairMatrix(annotators, pairs, dimension.key), dimension));
  };
  select.addEventListener("change", show);
  show();
}
