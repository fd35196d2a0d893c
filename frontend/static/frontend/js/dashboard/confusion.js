// The stance confusion table: for all pairs of annotators added up, or one pair chosen in the
// select, how many units each gave which stance (the diagonal is agreement).

import { heat } from "../dashboard-charts.js";
import { empty, mount } from "./elements.js";
import { stanceName } from "./state.js";

function confusionTable(state, matrix, caption) {
  const table = document.createElement("table");
  table.className = "confusion";
  const levels = heat(matrix.counts);
  const head = document.createElement("thead");
  const headRow = document.createElement("tr");
  const corner = document.createElement("th");
  corner.scope = "col";
  corner.textContent = `${matrix.annotators[0]} ↓ · ${matrix.annotators[1]} →`;
  headRow.append(corner);
  for (const label of matrix.labels) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = stanceName(state, label);
    headRow.append(th);
  }
  head.append(headRow);
  const body = document.createElement("tbody");
  matrix.labels.forEach((rowLabel, i) => {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = stanceName(state, rowLabel);
    tr.append(th);
    matrix.labels.forEach((columnLabel, j) => {
      const td = document.createElement("td");
      td.textContent = String(matrix.counts[i][j]);
      td.style.setProperty("--heat", levels[i][j].toFixed(3));
      if (levels[i][j] > 0.55) td.classList.add("hot");
      if (i === j && rowLabel !== null) td.classList.add("diagonal");
      td.title = `${matrix.annotators[0]}: ${stanceName(state, rowLabel)}, ${matrix.annotators[1]}: ${stanceName(state, columnLabel)}`;
      tr.append(td);
    });
    body.append(tr);
  });
  const cap = document.createElement("caption");
  cap.textContent = caption;
  table.append(cap, head, body);
  return table;
}

export function drawConfusion(page) {
  const { state, el } = page;
  const select = el.confusionPair;
  const pooled = state.pooledConfusion;
  if (!pooled) {
    mount(el.confusion, empty("No pair of annotators to compare yet."));
    if (select) select.hidden = true;
    return;
  }
  const choices = [
    { label: "All pairs, added up", matrix: pooled },
    ...state.agreement.pairs.map((pair) => ({
      label: `${pair.annotators[0]} × ${pair.annotators[1]}`,
      matrix: pair.stance_confusion,
    })),
  ];
  select.replaceChildren(
    ...choices.map((choice, index) => {
      const option = document.createElement("option");
      option.value = String(index);
      option.textContent = choice.label;
      return option;
    }),
  );
  const show = () => {
    const choice = choices[Number(select.value)];
    mount(
      el.confusion,
      confusionTable(
        state,
        choice.matrix,
        "Units by the stance each annotator gave; the diagonal is agreement, 'not marked' " +
          "counts units only one of them marked.",
      ),
    );
  };
  select.addEventListener("change", show);
  show();
}
