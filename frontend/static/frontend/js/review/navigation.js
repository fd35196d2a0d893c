// Choosing a unit: its card and its passages in the text are marked, and scrolled to when
// asked. Only classes and attributes change; nothing is drawn again.

export function selectUnit(page, key, { scrollCard = false, scrollText = false } = {}) {
  const { state, el } = page;
  state.selectedKey = key;
  for (const card of el.list.querySelectorAll(".unit-card")) {
    card.setAttribute("aria-current", String(card.dataset.key === key));
  }
  for (const mark of el.text.querySelectorAll("mark.lanes")) {
    mark.classList.toggle("in-unit", mark.dataset.units.split(" ").includes(key));
  }
  const card = el.list.querySelector(`.unit-card[data-key="${key}"]`);
  if (card && scrollCard) {
    card.scrollIntoView({ block: "nearest" });
    card.focus({ preventScroll: true });
  }
  if (scrollText) {
    const mark = el.text.querySelector("mark.in-unit");
    if (mark) mark.scrollIntoView({ block: "nearest" });
  }
}

/** The keys of the units the filter shows, in order. */
export function visibleKeys(page) {
  return [...page.el.list.querySelectorAll(".unit-card")].map((card) => card.dataset.key);
}
