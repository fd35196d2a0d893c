// The units, one card each: every annotator's version of the passage in its context, with
// its attributes (what differs is marked) and an Accept button, the gold version with Edit
// and Reject, and the history of the decisions on the unit. The filter decides which show.

import { GOLD_TINT, agreementOf, contextParts, layerColor, matchesFilter } from "../review-units.js";
import { badge, button, make, swatch } from "./dom.js";
import { actorName, clock, roleLabel, shortQuote } from "./state.js";

const STATE_TEXT = {
  undecided: "Undecided",
  accepted: "Accepted",
  edited: "Edited",
  rejected: "Rejected",
  added: "Added",
};

function quoteInContext(state, unit, span) {
  const quote = make("blockquote", "unit-quote");
  const range = state.conv.rangeToUtf16(unit.start, unit.end);
  const own = state.conv.rangeToUtf16(span.start, span.end);
  for (const part of contextParts(range.start, range.end, own.start, own.end)) {
    const piece = make("span", part.inside ? "inside" : "outside");
    piece.textContent = state.text.slice(part.start, part.end);
    quote.append(piece);
  }
  if (own.start < range.start || own.end > range.end) quote.classList.add("spills");
  return quote;
}

function attributes(state, span, differing) {
  const list = make("p", "unit-attrs");
  const stance = badge(state, span.stance);
  if (differing.includes("stance")) stance.classList.add("differs");
  const role = make("span", "attr", roleLabel(state, span.role));
  if (differing.includes("role")) role.classList.add("differs");
  const actor = make("span", "attr", actorName(state, span.actor));
  if (differing.includes("actor")) actor.classList.add("differs");
  list.append(stance, role, actor);
  if (span.note) list.append(make("span", "attr note", `“${shortQuote(span.note, 80)}”`));
  return list;
}

function versionCell(state, unit, layer, index) {
  const span = unit.spans.find((s) => s.layer === layer);
  const cell = make("div", "version");
  cell.dataset.layer = layer;
  cell.style.setProperty("--layer", layerColor(index));
  const head = make("h4", "version-head");
  head.append(swatch(layerColor(index)), layer);
  cell.append(head);
  if (!span) {
    cell.classList.add("missing");
    cell.append(make("p", "muted", "Did not mark this."));
    return cell;
  }
  const quote = quoteInContext(state, unit, span);
  if (unit.differing.includes("boundaries")) quote.classList.add("differs");
  cell.append(quote, attributes(state, span, unit.differing));
  const chosen =
    unit.state === "accepted" && unit.decision && unit.decision.sources.includes(span.id);
  cell.append(
    button(state, chosen ? "Accepted" : "Accept", "accept", {
      className: chosen ? "small chosen" : "small",
      data: { unit: unit.key, span: String(span.id) },
      aria: `Accept ${layer}'s version`,
      pressed: chosen,
    }),
  );
  if (chosen) cell.classList.add("chosen");
  return cell;
}

function goldCell(state, unit) {
  const cell = make("div", "version gold-version");
  const head = make("h4", "version-head");
  head.append(swatch(GOLD_TINT), "Gold");
  cell.append(head);
  if (unit.gold) {
    cell.append(quoteInContext(state, unit, unit.gold), attributes(state, unit.gold, []));
  } else {
    cell.append(
      make(
        "p",
        unit.state === "rejected" ? "rejected-note" : "muted",
        unit.state === "rejected" ? "Rejected: not in gold." : "Undecided.",
      ),
    );
  }
  const actions = make("div", "version-actions");
  actions.append(
    button(state, "Edit", "edit", { data: { unit: unit.key }, aria: "Edit the gold version" }),
    button(state, unit.origin === "gold" ? "Remove" : "Reject", "reject", {
      className: "small danger-outline",
      data: { unit: unit.key },
      aria: unit.origin === "gold" ? "Remove this gold span" : "Reject this unit",
      pressed: unit.state === "rejected",
    }),
  );
  cell.append(actions);
  return cell;
}

function unitHistory(state, unit) {
  const decisions = state.review.decisions.filter((d) => d.unit === unit.key);
  if (decisions.length === 0) return null;
  const list = make("ol", "unit-history");
  for (const decision of decisions) {
    const from =
      decision.sources.length && (decision.action === "accept" || decision.action === "edit")
        ? ` from ${decision.sources
          .map((id) => unit.spans.find((s) => s.id === id))
          .map((s) => (s ? s.layer : "a span"))
          .join(", ")}`
      : "";
    list.append(
      make("li", "", `${decision.action}${from} · ${decision.reviewer} · ${clock(decision.at)}`),
    );
  }
  return list;
}

function unitCard(state, unit, number) {
  const card = make("li", "unit-card");
  card.dataset.key = unit.key;
  card.dataset.state = unit.state;
  const agreement = agreementOf(unit);
  card.dataset.agreement = agreement.kind;
  card.tabIndex = -1;
  card.setAttribute("aria-current", String(unit.key === state.selectedKey));
  card.setAttribute("aria-labelledby", `unit-${number}-title`);

  const header = make("header", "unit-head");
  const title = make("h3", "unit-title", `#${number}`);
  title.id = `unit-${number}-title`;
  const range = make("span", "muted small", `characters ${unit.start}–${unit.end}`);
  const tag = make("span", `tag tag-${agreement.kind}`, agreement.text);
  const outcome = make("span", `outcome outcome-${unit.state}`, STATE_TEXT[unit.state]);
  if (unit.state === "accepted" && unit.decision) {
    const source = unit.spans.find((s) => unit.decision.sources.includes(s.id));
    if (source) outcome.textContent = `Accepted ${source.layer}`;
  }
  header.append(title, range, tag, outcome);
  card.append(header);

  const grid = make("div", "unit-grid");
  const columns = unit.origin === "gold" ? 1 : state.review.annotators.length + 1;
  grid.style.setProperty("--columns", String(columns));
  if (unit.origin === "aligned") {
    state.review.annotators.forEach((layer, index) => grid.append(versionCell(state, unit, layer, index)));
  }
  grid.append(goldCell(state, unit));
  card.append(grid);
  const history = unitHistory(state, unit);
  if (history) card.append(history);
  return card;
}

export function renderUnits(page) {
  const { state, el } = page;
  const units = state.review.units;
  el.count.textContent = String(units.length);
  el.empty.hidden = units.length > 0;
  const fragment = document.createDocumentFragment();
  units.forEach((unit, index) => {
    if (!matchesFilter(unit, state.filter)) return;
    fragment.append(unitCard(state, unit, index + 1));
  });
  el.list.replaceChildren(fragment);
}
