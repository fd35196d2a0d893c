// The review page: the annotators' layers side by side on one text, aligned into units;
// accept, edit or reject each unit into the gold layer, add spans and relations, finish.
//
// Every decision is one POST to the review API with the review version this page last saw;
// the answer is the whole review as it is now, which the page renders. A 412 means another
// reviewer decided meanwhile: the page says so and reloads instead of overwriting them.
// Offsets from the API are code points; they are converted to the page's UTF-16 at the edge.

import { api, errorMessage } from "./api.js";
import { createOffsetConverter } from "./offsets.js";
import { buildSegments } from "./segments.js";
import { trimSelection } from "./selection.js";
import {
  GOLD_TINT,
  agreedUndecided,
  agreementOf,
  contextParts,
  formatFigure,
  laneBackground,
  layerColor,
  matchesFilter,
  stepKey,
} from "./review-units.js";

const data = JSON.parse(document.getElementById("review-data").textContent);
const text = data.document.text;
const conv = createOffsetConverter(text);
const urls = data.urls;

const el = {
  text: document.getElementById("review-text"),
  legend: document.getElementById("layer-legend"),
  figures: document.getElementById("review-figures"),
  list: document.getElementById("unit-list"),
  count: document.getElementById("unit-count"),
  empty: document.getElementById("units-empty"),
  status: document.getElementById("review-save"),
  notice: document.getElementById("review-notice"),
  version: document.getElementById("review-version"),
  docStatus: document.getElementById("review-doc-status"),
  acceptAgreed: document.getElementById("accept-agreed"),
  finish: document.getElementById("finish-review"),
  finishConfirm: document.getElementById("finish-confirm"),
  addSpan: document.getElementById("add-span"),
  relations: document.getElementById("relation-list"),
  suggestions: document.getElementById("relation-suggestions"),
  linkForm: document.getElementById("link-form"),
  dialog: document.getElementById("edit-dialog"),
  form: document.getElementById("edit-form"),
  editTitle: document.getElementById("edit-title"),
  editQuote: document.getElementById("edit-quote"),
  editError: document.getElementById("edit-error"),
};

const stanceByKey = new Map(data.scheme.stances.map((s) => [s.key, s]));
const roleByKey = new Map(data.scheme.roles.map((r) => [r.key, r]));
const relationByKey = new Map(data.scheme.relation_types.map((r) => [r.key, r]));
const actorById = new Map(data.actors.map((a) => [a.id, a]));
const STATUS_LABELS = {
  new: "New",
  annotating: "Being annotated",
  ready_for_review: "Ready for review",
  adjudicated: "Adjudicated",
};

const state = {
  review: null,
  selectedKey: null,
  filter: "all",
  busy: false,
  draft: null, // {action: "edit"|"add", unit, sources}
  selection: null, // {start, end} in code points, of the text selected for "Add to gold"
};

function decidable() {
  return data.can_decide && state.review && state.review.document.status === "ready_for_review";
}

// ---------------------------------------------------------------- talking to the API

function setStatus(kind, message) {
  el.status.dataset.state = kind;
  el.status.textContent = message;
}

function showNotice(kind, message) {
  el.notice.dataset.kind = kind;
  el.notice.textContent = message;
  el.notice.hidden = false;
}

function hideNotice() {
  el.notice.hidden = true;
}

async function load() {
  const result = await api("GET", urls.review);
  if (result.status !== 200) {
    setStatus("failed", "Could not load");
    showNotice("error", `The review could not be loaded: ${errorMessage(result)}`);
    return false;
  }
  setReview(result.data);
  setStatus("saved", "Up to date");
  return true;
}

function setReview(review) {
  state.review = review;
  if (state.selectedKey && !review.units.some((unit) => unit.key === state.selectedKey)) {
    state.selectedKey = null;
  }
  render();
}

/** Send one request that changes the review; render the answer or explain the refusal. */
async function change(url, body, done) {
  if (state.busy) return null;
  state.busy = true;
  setStatus("saving", "Saving…");
  const result = await api("POST", url, { body: { ...body, version: state.review.version } });
  state.busy = false;
  if (result.status === 200 || result.status === 201) {
    hideNotice();
    setReview(result.data.review);
    setStatus("saved", done);
    return result.data;
  }
  if (result.status === 412) {
    setStatus("failed", "Reloaded");
    await load();
    showNotice(
      "warning",
      "Another reviewer decided on this document meanwhile, so nothing was changed. " +
        "The review is reloaded: check it and decide again.",
    );
    return null;
  }
  setStatus("failed", "Not saved");
  showNotice("error", errorMessage(result));
  return null;
}

const decide = (body, done) => change(urls.decisions, body, done);

// ---------------------------------------------------------------- labels

function stanceLabel(key) {
  const stance = stanceByKey.get(key);
  return stance ? stance.label : key;
}

function roleLabel(key) {
  const role = roleByKey.get(key);
  return role ? role.label : key;
}

function actorName(id) {
  if (id === null || id === undefined) return "no actor";
  const actor = actorById.get(id);
  return actor ? actor.name : `actor ${id}`;
}

function layerIndex(layer) {
  return state.review.annotators.indexOf(layer);
}

function badge(stanceKey) {
  const span = document.createElement("span");
  span.className = "badge";
  const stance = stanceByKey.get(stanceKey);
  if (stance && stance.color) span.style.setProperty("--stance", stance.color);
  span.textContent = stanceLabel(stanceKey);
  return span;
}

function swatch(color) {
  const span = document.createElement("span");
  span.className = "swatch";
  span.style.setProperty("--swatch", color);
  span.setAttribute("aria-hidden", "true");
  return span;
}

function make(tag, className, textContent) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (textContent !== undefined) node.textContent = textContent;
  return node;
}

function shortQuote(quote, max = 60) {
  return quote.length > max ? `${quote.slice(0, max - 1)}…` : quote;
}

function clock(iso) {
  return new Date(iso).toLocaleString([], {
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}

// ---------------------------------------------------------------- rendering

function render() {
  const review = state.review;
  el.version.textContent = String(review.version);
  el.docStatus.textContent = STATUS_LABELS[review.document.status] || review.document.status;
  renderLegend();
  renderFigures();
  renderText();
  renderUnits();
  renderRelations();
  renderActions();
}

function renderLegend() {
  const parts = state.review.annotators.map((layer, index) => {
    const item = make("span", "legend-item");
    item.append(swatch(layerColor(index)), layer);
    return item;
  });
  const gold = make("span", "legend-item");
  gold.append(swatch(GOLD_TINT), "gold");
  el.legend.replaceChildren(make("span", "muted", "Layers: "), ...parts, gold);
}

function figure(label, value, hint) {
  const box = make("div", "figure");
  box.title = hint;
  box.append(make("span", "figure-value", value), make("span", "figure-label", label));
  return box;
}

function renderFigures() {
  const a = state.review.agreement;
  el.figures.replaceChildren(
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

/** Return every span drawn on the text, with UTF-16 offsets, and which unit it belongs to. */
function drawnSpans() {
  const drawn = [];
  for (const unit of state.review.units) {
    for (const span of unit.spans) {
      drawn.push({ id: `a${span.id}`, span, unit: unit.key, lane: layerIndex(span.layer) });
    }
    if (unit.gold) drawn.push({ id: `g${unit.gold.id}`, span: unit.gold, unit: unit.key, lane: -1 });
  }
  for (const item of drawn) {
    const range = conv.rangeToUtf16(item.span.start, item.span.end);
    item.start = range.start;
    item.end = range.end;
  }
  return drawn;
}

function renderText() {
  const drawn = drawnSpans();
  const byId = new Map(drawn.map((item) => [item.id, item]));
  const lanesTotal = state.review.annotators.length;
  const fragment = document.createDocumentFragment();
  for (const segment of buildSegments(text, drawn)) {
    const chunk = text.slice(segment.start, segment.end);
    if (segment.spanIds.length === 0) {
      fragment.append(document.createTextNode(chunk));
      continue;
    }
    const items = segment.spanIds.map((id) => byId.get(id));
    const mark = document.createElement("mark");
    mark.className = "lanes";
    const units = [...new Set(items.map((item) => item.unit))];
    mark.dataset.units = units.join(" ");
    // The innermost span's unit is the one a click selects.
    mark.dataset.unit = items[items.length - 1].unit;
    const lanes = [...new Set(items.filter((i) => i.lane >= 0).map((i) => i.lane))];
    const gold = items.some((item) => item.lane === -1);
    Object.assign(mark.style, laneBackground(lanes, { gold, lanesTotal }));
    if (gold) mark.classList.add("has-gold");
    if (state.selectedKey && units.includes(state.selectedKey)) mark.classList.add("in-unit");
    mark.title = items
      .map(({ span }) => `${span.layer}: ${stanceLabel(span.stance)} · ${roleLabel(span.role)}`)
      .join("\n");
    mark.textContent = chunk;
    fragment.append(mark);
  }
  el.text.replaceChildren(fragment);
}

function quoteInContext(unit, span) {
  const quote = make("blockquote", "unit-quote");
  const range = conv.rangeToUtf16(unit.start, unit.end);
  const own = conv.rangeToUtf16(span.start, span.end);
  for (const part of contextParts(range.start, range.end, own.start, own.end)) {
    const piece = make("span", part.inside ? "inside" : "outside");
    piece.textContent = text.slice(part.start, part.end);
    quote.append(piece);
  }
  if (own.start < range.start || own.end > range.end) quote.classList.add("spills");
  return quote;
}

function attributes(span, differing) {
  const list = make("p", "unit-attrs");
  const stance = badge(span.stance);
  if (differing.includes("stance")) stance.classList.add("differs");
  const role = make("span", "attr", roleLabel(span.role));
  if (differing.includes("role")) role.classList.add("differs");
  const actor = make("span", "attr", actorName(span.actor));
  if (differing.includes("actor")) actor.classList.add("differs");
  list.append(stance, role, actor);
  if (span.note) list.append(make("span", "attr note", `“${shortQuote(span.note, 80)}”`));
  return list;
}

function button(label, action, extra = {}) {
  const node = make("button", extra.className || "small", label);
  node.type = "button";
  node.dataset.action = action;
  for (const [key, value] of Object.entries(extra.data || {})) node.dataset[key] = value;
  if (extra.aria) node.setAttribute("aria-label", extra.aria);
  if (extra.pressed !== undefined) node.setAttribute("aria-pressed", String(extra.pressed));
  node.disabled = !decidable();
  return node;
}

function versionCell(unit, layer, index) {
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
  const quote = quoteInContext(unit, span);
  if (unit.differing.includes("boundaries")) quote.classList.add("differs");
  cell.append(quote, attributes(span, unit.differing));
  const chosen =
    unit.state === "accepted" && unit.decision && unit.decision.sources.includes(span.id);
  cell.append(
    button(chosen ? "Accepted" : "Accept", "accept", {
      className: chosen ? "small chosen" : "small",
      data: { unit: unit.key, span: String(span.id) },
      aria: `Accept ${layer}'s version`,
      pressed: chosen,
    }),
  );
  if (chosen) cell.classList.add("chosen");
  return cell;
}

function goldCell(unit) {
  const cell = make("div", "version gold-version");
  const head = make("h4", "version-head");
  head.append(swatch(GOLD_TINT), "Gold");
  cell.append(head);
  if (unit.gold) {
    cell.append(quoteInContext(unit, unit.gold), attributes(unit.gold, []));
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
    button("Edit", "edit", { data: { unit: unit.key }, aria: "Edit the gold version" }),
    button(unit.origin === "gold" ? "Remove" : "Reject", "reject", {
      className: "small danger-outline",
      data: { unit: unit.key },
      aria: unit.origin === "gold" ? "Remove this gold span" : "Reject this unit",
      pressed: unit.state === "rejected",
    }),
  );
  cell.append(actions);
  return cell;
}

const STATE_TEXT = {
  undecided: "Undecided",
  accepted: "Accepted",
  edited: "Edited",
  rejected: "Rejected",
  added: "Added",
};

function unitHistory(unit) {
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

function unitCard(unit, number) {
  const card = make("li", "unit-card");
  card.dataset.key = unit.key;
  card.dataset.state = unit.state;
  const agreement = agreementOf(unit);
  card.dataset.agreement = agreement.kind;
  card.tabIndex = -1;
  card.setAttribute("aria-selected", String(unit.key === state.selectedKey));
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
    state.review.annotators.forEach((layer, index) => grid.append(versionCell(unit, layer, index)));
  }
  grid.append(goldCell(unit));
  card.append(grid);
  const history = unitHistory(unit);
  if (history) card.append(history);
  return card;
}

function renderUnits() {
  const units = state.review.units;
  el.count.textContent = String(units.length);
  el.empty.hidden = units.length > 0;
  const fragment = document.createDocumentFragment();
  units.forEach((unit, index) => {
    if (!matchesFilter(unit, state.filter)) return;
    fragment.append(unitCard(unit, index + 1));
  });
  el.list.replaceChildren(fragment);
}

function goldSpanLabel(span) {
  return `«${shortQuote(span.quote, 48)}» (${stanceLabel(span.stance)} ${roleLabel(span.role).toLowerCase()})`;
}

function renderRelations() {
  const gold = new Map(state.review.gold_spans.map((span) => [span.id, span]));
  const items = state.review.gold_relations.map((relation) => {
    const li = make("li", "relation");
    const type = relationByKey.get(relation.type);
    li.append(
      make("span", "", goldSpanLabel(gold.get(relation.source))),
      make("strong", "relation-type", ` ${type ? type.label.toLowerCase() : relation.type} `),
      make("span", "", goldSpanLabel(gold.get(relation.target))),
      " ",
      button("Remove", "unlink", {
        data: { relation: String(relation.id) },
        aria: "Remove this relation",
      }),
    );
    return li;
  });
  if (items.length === 0) items.push(make("li", "empty", "No gold relations yet."));
  el.relations.replaceChildren(...items);

  const suggestions = state.review.relation_suggestions.map((s) => {
    const li = make("li", "suggestion");
    const type = relationByKey.get(s.type);
    li.append(
      make("span", "muted", `${s.layer}: `),
      make("span", "", goldSpanLabel(gold.get(s.source))),
      make("strong", "relation-type", ` ${type ? type.label.toLowerCase() : s.type} `),
      make("span", "", goldSpanLabel(gold.get(s.target))),
      " ",
      button("Copy to gold", "link-suggestion", {
        data: { source: String(s.source), target: String(s.target), type: s.type },
      }),
    );
    return li;
  });
  if (suggestions.length && decidable()) {
    const list = make("ul", "relation-list");
    list.append(...suggestions);
    el.suggestions.replaceChildren(
      make("h3", "", "Annotators' relations between gold spans"),
      list,
    );
  } else {
    el.suggestions.replaceChildren();
  }

  if (el.linkForm) {
    for (const name of ["source", "target"]) {
      const select = el.linkForm.elements[name];
      const previous = select.value;
      select.replaceChildren(
        ...state.review.gold_spans.map((span) => {
          const option = make("option", "", goldSpanLabel(span));
          option.value = String(span.id);
          return option;
        }),
      );
      if ([...select.options].some((o) => o.value === previous)) select.value = previous;
    }
    const { source, target } = el.linkForm.elements;
    if (source.value === target.value && target.options.length > 1) {
      target.selectedIndex = source.selectedIndex === 0 ? 1 : 0; // a span never links to itself
    }
    // Linking needs two gold spans; until then the form would only offer empty lists.
    el.linkForm.hidden = state.review.gold_spans.length < 2 || !decidable();
  }
}

function renderActions() {
  if (!el.acceptAgreed) return;
  const agreed = agreedUndecided(state.review.units).length;
  el.acceptAgreed.textContent = `Accept all agreed (${agreed})`;
  el.acceptAgreed.disabled = !decidable() || agreed === 0;
  el.acceptAgreed.hidden = state.review.document.status === "adjudicated";
  const undecided = state.review.undecided;
  el.finish.disabled = !decidable() || undecided > 0;
  el.finish.title =
    undecided > 0 ? `${undecided} unit(s) still undecided` : "Mark the document adjudicated";
  el.finish.textContent =
    state.review.document.status === "adjudicated" ? "Adjudicated" : "Finish review";
}

// ---------------------------------------------------------------- selection of units

function selectUnit(key, { scrollCard = false, scrollText = false } = {}) {
  state.selectedKey = key;
  for (const card of el.list.querySelectorAll(".unit-card")) {
    card.setAttribute("aria-selected", String(card.dataset.key === key));
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

function visibleKeys() {
  return [...el.list.querySelectorAll(".unit-card")].map((card) => card.dataset.key);
}

// ---------------------------------------------------------------- edit and add

function unitByKey(key) {
  return state.review.units.find((unit) => unit.key === key);
}

function openEditor(draft, values) {
  state.draft = draft;
  el.editTitle.textContent = draft.action === "add" ? "Add a gold span" : "Edit gold span";
  el.form.elements.start.value = String(values.start);
  el.form.elements.end.value = String(values.end);
  el.form.elements.stance.value = values.stance;
  el.form.elements.role.value = values.role;
  el.form.elements.actor.value = values.actor === null || values.actor === undefined ? "" : String(values.actor);
  el.form.elements.note.value = values.note || "";
  el.editError.textContent = "";
  updateEditQuote();
  el.addSpan.hidden = true;
  // Not modal: the reviewer may select text behind it to set the boundaries.
  el.dialog.show();
  el.form.elements.stance[0].focus();
}

function closeEditor() {
  state.draft = null;
  if (el.dialog.open) el.dialog.close();
}

function editorRange() {
  const start = Number.parseInt(el.form.elements.start.value, 10);
  const end = Number.parseInt(el.form.elements.end.value, 10);
  return { start, end };
}

function updateEditQuote() {
  const { start, end } = editorRange();
  const valid = Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end > start;
  el.editQuote.textContent = valid && end <= conv.codePointLength ? conv.slice(start, end) : "—";
}

function selectionInText() {
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  if (!el.text.contains(range.commonAncestorContainer)) return null;
  const before = document.createRange();
  before.selectNodeContents(el.text);
  before.setEnd(range.startContainer, range.startOffset);
  let start = before.toString().length;
  let end = start + range.toString().length;
  ({ start, end } = trimSelection(text, start, end));
  if (end <= start) return null;
  return { range: conv.rangeToCodePoints(start, end), rect: range.getBoundingClientRect() };
}

function editValues(unit) {
  if (unit.gold) return unit.gold;
  return unit.spans[0];
}

// ---------------------------------------------------------------- events

el.list.addEventListener("click", async (event) => {
  const target = event.target.closest("button[data-action]");
  const card = event.target.closest(".unit-card");
  if (card && !target) {
    selectUnit(card.dataset.key, { scrollText: true });
    return;
  }
  if (!target || target.disabled) return;
  const key = target.dataset.unit;
  if (key) selectUnit(key);
  const action = target.dataset.action;
  if (action === "accept") {
    const span = Number(target.dataset.span);
    const unit = unitByKey(key);
    const layer = unit.spans.find((s) => s.id === span).layer;
    await decide({ action: "accept", unit: key, span }, `Accepted ${layer}'s version`);
  } else if (action === "reject") {
    await decide({ action: "reject", unit: key }, "Rejected");
  } else if (action === "edit") {
    const unit = unitByKey(key);
    const from = editValues(unit);
    const sources = unit.gold ? [] : unit.spans.length ? [unit.spans[0].id] : [];
    openEditor({ action: "edit", unit: key, sources }, from);
  }
});

el.form?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const draft = state.draft;
  if (!draft) return;
  const { start, end } = editorRange();
  if (!(Number.isInteger(start) && Number.isInteger(end) && end > start)) {
    el.editError.textContent = "Give a start before the end.";
    return;
  }
  const form = el.form.elements;
  const body = {
    action: draft.action,
    start,
    end,
    quote: end <= conv.codePointLength ? conv.slice(start, end) : "",
    stance: form.stance.value,
    role: form.role.value,
    actor: form.actor.value ? Number(form.actor.value) : null,
    note: form.note.value,
  };
  if (draft.action === "edit") {
    body.unit = draft.unit;
    if (draft.sources.length) body.sources = draft.sources;
  }
  const answer = await decide(body, draft.action === "add" ? "Added to gold" : "Edited");
  if (answer) {
    const recorded = answer.recorded[0];
    closeEditor();
    window.getSelection().removeAllRanges();
    if (recorded && recorded.unit) selectUnit(recorded.unit, { scrollCard: true });
  } else if (!el.notice.hidden) {
    el.editError.textContent = el.notice.textContent;
  }
});

for (const name of ["start", "end"]) {
  el.form?.elements[name].addEventListener("input", updateEditQuote);
}

document.getElementById("edit-cancel")?.addEventListener("click", closeEditor);
document.getElementById("edit-from-selection")?.addEventListener("click", () => {
  const picked = selectionInText();
  if (!picked) {
    el.editError.textContent = "Select the passage in the document text first.";
    return;
  }
  el.form.elements.start.value = String(picked.range.start);
  el.form.elements.end.value = String(picked.range.end);
  el.editError.textContent = "";
  updateEditQuote();
});

el.text.addEventListener("mouseup", () => {
  if (!el.addSpan || !decidable() || state.draft) return;
  const picked = selectionInText();
  if (!picked) {
    el.addSpan.hidden = true;
    return;
  }
  state.selection = picked.range;
  const box = el.text.parentElement.getBoundingClientRect();
  el.addSpan.style.top = `${picked.rect.bottom - box.top + 6}px`;
  el.addSpan.style.left = `${Math.max(0, picked.rect.left - box.left)}px`;
  el.addSpan.hidden = false;
});

el.addSpan?.addEventListener("click", () => {
  if (!state.selection) return;
  const { start, end } = state.selection;
  openEditor(
    { action: "add", unit: null, sources: [] },
    { start, end, stance: data.scheme.stances[0].key, role: data.scheme.roles[0].key, actor: null },
  );
});

el.text.addEventListener("click", (event) => {
  const mark = event.target.closest("mark.lanes");
  if (!mark || !window.getSelection().isCollapsed) return;
  if (!matchesFilter(unitByKey(mark.dataset.unit), state.filter)) {
    state.filter = "all";
    syncFilterButtons();
    renderUnits();
  }
  selectUnit(mark.dataset.unit, { scrollCard: true });
});

function syncFilterButtons() {
  for (const node of document.querySelectorAll("[data-filter]")) {
    node.setAttribute("aria-pressed", String(node.dataset.filter === state.filter));
  }
}

for (const node of document.querySelectorAll("[data-filter]")) {
  node.addEventListener("click", () => {
    state.filter = node.dataset.filter;
    syncFilterButtons();
    renderUnits();
  });
}

el.acceptAgreed?.addEventListener("click", async () => {
  const count = agreedUndecided(state.review.units).length;
  await decide({ action: "accept_agreed" }, `Accepted ${count} agreed unit(s)`);
});

el.finish?.addEventListener("click", () => {
  el.finishConfirm.hidden = false;
  el.finishConfirm.querySelector("[data-finish=yes]").focus();
});

el.finishConfirm?.addEventListener("click", async (event) => {
  const choice = event.target.closest("[data-finish]");
  if (!choice) return;
  el.finishConfirm.hidden = true;
  if (choice.dataset.finish !== "yes") return;
  const answer = await change(urls.finish, {}, "Adjudicated");
  if (answer) {
    showNotice("success", "Adjudicated: the gold layer is final and its annotators can read it.");
  }
});

document.addEventListener("click", async (event) => {
  const target = event.target.closest("button[data-action]");
  if (!target || target.disabled || el.list.contains(target)) return;
  if (target.dataset.action === "unlink") {
    await decide({ action: "unlink", relation: Number(target.dataset.relation) }, "Relation removed");
  } else if (target.dataset.action === "link-suggestion") {
    await decide(
      {
        action: "link",
        source: Number(target.dataset.source),
        target: Number(target.dataset.target),
        type: target.dataset.type,
      },
      "Relation added",
    );
  }
});

el.linkForm?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = el.linkForm.elements;
  await decide(
    {
      action: "link",
      source: Number(form.source.value),
      target: Number(form.target.value),
      type: form.type.value,
    },
    "Relation added",
  );
});

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    if (state.draft) closeEditor();
    if (el.finishConfirm) el.finishConfirm.hidden = true;
    if (el.addSpan) el.addSpan.hidden = true;
    return;
  }
  const typing = event.target.closest("input, textarea, select, dialog");
  if (typing || event.ctrlKey || event.metaKey || event.altKey || !state.review) return;
  if (event.key === "j" || event.key === "k") {
    const key = stepKey(visibleKeys(), state.selectedKey, event.key === "j" ? 1 : -1);
    if (key) selectUnit(key, { scrollCard: true, scrollText: true });
    event.preventDefault();
    return;
  }
  const unit = state.selectedKey && unitByKey(state.selectedKey);
  if (!unit || !decidable()) return;
  if (/^[1-9]$/.test(event.key)) {
    const layer = state.review.annotators[Number(event.key) - 1];
    const span = unit.spans.find((s) => s.layer === layer);
    if (span) decide({ action: "accept", unit: unit.key, span: span.id }, `Accepted ${layer}'s version`);
  } else if (event.key === "x") {
    decide({ action: "reject", unit: unit.key }, "Rejected");
  } else if (event.key === "e") {
    openEditor(
      { action: "edit", unit: unit.key, sources: unit.gold ? [] : unit.spans.slice(0, 1).map((s) => s.id) },
      editValues(unit),
    );
    event.preventDefault();
  }
});

load().then(() => {
  document.body.dataset.ready = "true";
});
