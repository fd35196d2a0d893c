// The dashboard's chart containers, looked up once by the entry (main.js).

export function findElements(document) {
  const $ = (id) => document.getElementById(id);
  return {
    alpha: $("chart-alpha"),
    labels: $("chart-labels"),
    pairs: $("chart-pairs"),
    progress: $("chart-progress"),
    confusion: $("confusion"),
    confusionPair: $("confusion-pair"),
    relations: $("chart-relations"),
    pairMatrix: $("pair-matrix"),
    pairDimension: $("pair-dimension"),
    maps: $("map-agreement"),
  };
}

/** Put nodes into a container, if the page has it. */
export function mount(target, ...nodes) {
  if (target) target.replaceChildren(...nodes);
}

export function empty(message) {
  const p = document.createElement("p");
  p.className = "empty";
  p.textContent = message;
  return p;
}
