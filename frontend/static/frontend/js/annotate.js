// The annotate page: select text, tag it, link spans, submit. Every change goes through the
// save queue at once; the server's code point offsets are converted at the edge
// (offsets.js), so the rest of this file works in the browser's UTF-16 offsets.
//
// The page arrives with its layer's spans and relations in it (json_script), so it draws them
// without waiting for a request; the API is asked again only when the page may be out of date.

import { api, apiGetAll, errorMessage } from "./api.js";
import { escapeHtml } from "./html.js";
import { createOffsetConverter } from "./offsets.js";
import { SaveQueue } from "./savequeue.js";
import { buildSegments, segmentsByBlock, textBlocks } from "./segments.js";
import { snapToWords, trimSelection } from "./selection.js";
import { suggestActor } from "./actors.js";

const data = JSON.parse(document.getElementById("annotate-data").textContent);
const text = data.document.text;
const conv = createOffsetConverter(text);
// Drawn in blocks of whole lines, so the browser lays out only those in view (annotate.css).
const blocks = textBlocks(text);
const readOnly = !data.can_write;
// The largest pages the API serves (CursorPageInTextOrder, CursorPage).
const SPAN_PAGE_SIZE = 5000;
const RELATION_PAGE_SIZE = 500;

const el = {
  text: document.getElementById("doc-text"),
  list: document.getElementById("span-list"),
  count: document.getElementById("span-count"),
  empty: document.getElementById("span-empty"),
  status: document.getElementById("save-status"),
  failures: document.getElementById("save-failures"),
  notice: document.getElementById("notice"),
  popover: document.getElementById("tag-popover"),
  form: document.getElementById("tag-form"),
  popTitle: document.getElementById("tag-title"),
  quote: document.getElementById("tag-quote"),
  actor: document.getElementById("tag-actor"),
  actorHint: document.getElementById("tag-actor-hint"),
  note: document.getElementById("tag-note"),
  snap: document.getElementById("snap-words"),
  detail: document.getElementById("span-detail"),
  help: document.getElementById("help"),
  submit: document.getElementById("submit-doc"),
  submitConfirm: document.getElementById("submit-confirm"),
  docStatus: document.getElementById("doc-status"),
  mode: document.getElementById("mode"),
};

const stances = data.scheme.stances;
const roles = data.scheme.roles;
const relationTypes = data.scheme.relation_types;
const stanceByKey = new Map(stances.map((s) => [s.key, s]));
const roleByKey = new Map(roles.map((r) => [r.key, r]));
const actorById = new Map(data.actors.map((a) => [a.id, a]));
const stanceClasses = adoptStanceColors();

// Shortcut letters for roles and relation types, chosen by the server (also shown in help).
const roleKeys = new Map(data.role_keys);
const relationKeys = new Map(data.relation_keys);

/** Local state: spans by id (UTF-16 offsets), relations, selection and modes. */
const state = {
  spans: new Map(),
  relations: [],
  selectedId: null,
  draft: null, // {start, end} of a new span being tagged, or {spanId} when editing
  linkFrom: null,
  linkTarget: null,
  pendingDelete: null,
  tempCounter: 0,
  idMap: new Map(), // temporary id -> id the server gave
  versions: new Map(), // server id -> latest version the server returned
  deleted: new Set(), // ids (temporary or real) the user deleted
};
let reloadWanted = false; // reload the layer from the API once every write is saved

const EDITABLE = ["stance", "role", "actor", "note"];

const SUGGESTION_REASONS = {
  selection: "named in the selection",
  sentence: "named in this sentence",
  attribution: "speaker of this quotation or passage",
};

function pick(object, keys) {
  return Object.fromEntries(keys.map((key) => [key, object[key]]));
}

const queue = new SaveQueue({ onChange: renderSaveStatus });

// ---------------------------------------------------------------- conversion at the edge

// Every span the server returns passes through here, so the latest version known for each
// id is always at hand for If-Match, even for a span deleted locally meanwhile.
function fromApi(span) {
  state.versions.set(span.id, span.version);
  const { start, end } = conv.rangeToUtf16(span.start, span.end);
  return { ...span, start16: start, end16: end };
}

function toApiRange(start16, end16) {
  return conv.rangeToCodePoints(start16, end16);
}

// ---------------------------------------------------------------- rendering

function stanceLabel(span) {
  const stance = stanceByKey.get(span.stance);
  return stance ? stance.label : span.stance;
}

// Role and actor: what the list shows beside the stance badge.
function spanMeta(span) {
  const role = roleByKey.get(span.role);
  const actor = span.actor ? actorById.get(span.actor) : null;
  return `${role ? role.label : span.role} · ${actor ? actor.name : "no actor"}`;
}

function spanLabel(span) {
  return `${stanceLabel(span)} · ${spanMeta(span)}`;
}

function orderedSpans() {
  return [...state.spans.values()].sort(
    (a, b) => a.start16 - b.start16 || b.end16 - a.end16 || String(a.id).localeCompare(String(b.id)),
  );
}

// The text and the list are drawn as one HTML string each, every piece of user text escaped:
// for thousands of spans one innerHTML is several times faster than a DOM call per attribute.
// Tooltips are written when the pointer first rests on a highlight (see the mouseover
// listener), not for each of thousands of highlights at every drawing.
//
// The text is drawn in blocks of whole lines (textBlocks). A block holds its plain text until
// it comes near the view, and its highlights are drawn then: the browser neither styles nor
// lays out a block out of view (annotate.css), and the highlights of a long text were most of
// the page's work before it showed. A browser that cannot tell when a block comes near
// (no contentvisibilityautostatechange) gets every highlight at once.
const drawWhenNearView = "ContentVisibilityAutoStateChangeEvent" in window;
// What the first drawing fills before the browser has said which blocks are in view: the
// first screens of text (the page opens at the top).
const FIRST_DRAWN_CHARACTERS = 6000;
const textBlocksDrawn = { segments: [], filled: [], nearView: new Set() };

function blockAt(offset16) {
  let lo = 0;
  let hi = blocks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (blocks[mid].start <= offset16) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function blocksOf(start16, end16) {
  const indexes = [];
  for (let index = blockAt(start16); index < blocks.length && blocks[index].start < end16; index++) {
    indexes.push(index);
  }
  return indexes;
}

function highlightsHtml(segments) {
  const html = [];
  for (const segment of segments) {
    const chunk = escapeHtml(text.slice(segment.start, segment.end));
    const ids = segment.spanIds;
    if (ids.length === 0) {
      html.push(chunk);
      continue;
    }
    let classes = `hl ${stanceClasses(state.spans.get(ids[ids.length - 1]).stance)}`;
    if (state.selectedId !== null && ids.includes(state.selectedId)) classes += " selected";
    if (state.linkTarget !== null && ids.includes(state.linkTarget)) classes += " link-target";
    html.push(
      `<mark class="${classes}" data-ids="${escapeHtml(ids.join(" "))}" ` +
        `data-depth="${Math.min(ids.length, 4)}">${chunk}</mark>`,
    );
  }
  return html.join("");
}

// The blocks drawn with their highlights at once: those near the view (or the first screens),
// and those a selected span or the map's source span needs.
function blocksToFillNow() {
  const wanted = new Set(textBlocksDrawn.nearView);
  if (wanted.size === 0) {
    for (let index = 0; index < blocks.length && blocks[index].start < FIRST_DRAWN_CHARACTERS; index++) {
      wanted.add(index);
    }
  }
  const selected = state.spans.get(state.selectedId);
  if (selected) blocksOf(selected.start16, selected.end16).forEach((index) => wanted.add(index));
  if (sourceHighlight) blocksOf(sourceHighlight.start, sourceHighlight.end).forEach((index) => wanted.add(index));
  return wanted;
}

function renderText(items) {
  const spans = items.map((s) => ({ id: s.id, start: s.start16, end: s.end16 }));
  textBlocksDrawn.segments = segmentsByBlock(buildSegments(text, spans), blocks);
  const wanted = drawWhenNearView ? blocksToFillNow() : null;
  const html = [];
  textBlocksDrawn.segments.forEach((segments, index) => {
    const fill = wanted === null || wanted.has(index);
    textBlocksDrawn.filled[index] = fill;
    const { start, end } = blocks[index];
    html.push(
      '<div class="text-block">',
      fill ? highlightsHtml(segments) : escapeHtml(text.slice(start, end)),
      "</div>",
    );
  });
  el.text.innerHTML = html.join("");
  showSourceHighlight();
}

// Draw a block's highlights if it still holds plain text.
function fillBlock(index) {
  if (textBlocksDrawn.filled[index]) return;
  textBlocksDrawn.filled[index] = true;
  el.text.children[index].innerHTML = highlightsHtml(textBlocksDrawn.segments[index]);
}

// Keep the indexes of a container's children near the view, and fill each as it comes near.
function fillWhenNearView(container, nearView, fill) {
  container.addEventListener(
    "contentvisibilityautostatechange",
    (event) => {
      const index = Array.prototype.indexOf.call(container.children, event.target);
      if (index === -1) return;
      if (event.skipped) {
        nearView.delete(index);
      } else {
        nearView.add(index);
        fill(index);
      }
    },
    true, // it does not bubble
  );
}

fillWhenNearView(el.text, textBlocksDrawn.nearView, fillBlock);

function cssKey(key) {
  return String(key).replace(/[^a-z0-9_-]/gi, "_");
}

// Stance colours come from the debate's scheme: one rule per stance in a constructed style
// sheet (CSSOM, which the Content-Security-Policy allows, unlike style attributes in HTML)
// instead of a style on each of thousands of elements. Returns the class names for a stance.
function adoptStanceColors() {
  const sheet = new CSSStyleSheet();
  const classes = new Map();
  stances.forEach((stance, index) => {
    let names = `stance-${cssKey(stance.key)}`;
    if (stance.color) {
      const colored = `stance-color-${index}`;
      const at = sheet.insertRule(`.doc-text mark.hl.${colored}, .badge.${colored} {}`, sheet.cssRules.length);
      sheet.cssRules[at].style.setProperty("--stance", stance.color);
      names += ` ${colored}`;
    }
    classes.set(stance.key, names);
  });
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  return (key) => classes.get(key) ?? `stance-${cssKey(key)}`;
}

// Rows in groups of LIST_GROUP, which the browser skips while out of view (annotate.css). As
// with the text, a group's rows are drawn when it comes near the list's view: the first
// groups at once, the rest as the list scrolls (or all at once without the event). Every
// row says its place among all (aria-posinset, aria-setsize), so a screen reader names "12 of
// 2,000" for a list whose far groups are not drawn yet.
const LIST_GROUP = 40;
const FIRST_DRAWN_GROUPS = 2;
const listGroupsDrawn = { items: [], groups: [], filled: [], nearView: new Set(), groupById: new Map() };

function rowsHtml(group) {
  const setSize = listGroupsDrawn.items.length;
  const html = [];
  for (let index = group * LIST_GROUP; index < Math.min(setSize, (group + 1) * LIST_GROUP); index++) {
    const span = listGroupsDrawn.items[index];
    const quote = span.quote.length > 90 ? `${span.quote.slice(0, 88)}…` : span.quote;
    html.push(
      `<li class="span-item" data-id="${escapeHtml(span.id)}" tabindex="-1" role="option" ` +
        `aria-selected="${span.id === state.selectedId}" aria-posinset="${index + 1}" ` +
        `aria-setsize="${setSize}">` +
        `<span class="badge ${stanceClasses(span.stance)}">${escapeHtml(stanceLabel(span))}</span> ` +
        `<span class="meta">${escapeHtml(spanMeta(span))}</span><q>${escapeHtml(quote)}</q>` +
        `${span.pending ? '<span class="pending">saving…</span>' : ""}</li>`,
    );
  }
  return html.join("");
}

function renderList(items) {
  el.count.textContent = String(items.length);
  el.empty.hidden = items.length > 0;
  listGroupsDrawn.items = items;
  listGroupsDrawn.groupById = new Map(items.map((span, index) => [span.id, Math.floor(index / LIST_GROUP)]));
  const groups = Math.ceil(items.length / LIST_GROUP);
  const wanted = new Set(listGroupsDrawn.nearView);
  if (wanted.size === 0) for (let group = 0; group < FIRST_DRAWN_GROUPS; group++) wanted.add(group);
  if (listGroupsDrawn.groupById.has(state.selectedId)) wanted.add(listGroupsDrawn.groupById.get(state.selectedId));
  const html = [];
  for (let group = 0; group < groups; group++) {
    const fill = !drawWhenNearView || wanted.has(group);
    listGroupsDrawn.filled[group] = fill;
    html.push(
      `<li class="span-group${fill ? "" : " unfilled"}" role="none"><ol role="none">`,
      fill ? rowsHtml(group) : "",
      "</ol></li>",
    );
  }
  listGroupsDrawn.filled.length = groups;
  el.list.innerHTML = html.join("");
}

// Draw a group's rows if they are not drawn yet.
function fillGroup(group) {
  if (listGroupsDrawn.filled[group] !== false) return;
  listGroupsDrawn.filled[group] = true;
  const element = el.list.children[group];
  element.firstElementChild.innerHTML = rowsHtml(group);
  element.classList.remove("unfilled");
}

// The row of a span, drawn first if its group was not.
function listRow(id) {
  const group = listGroupsDrawn.groupById.get(id);
  if (group !== undefined) fillGroup(group);
  return el.list.querySelector(`[data-id="${CSS.escape(String(id))}"]`);
}

fillWhenNearView(el.list, listGroupsDrawn.nearView, fillGroup);

function renderDetail() {
  const span = state.spans.get(state.selectedId);
  el.detail.replaceChildren();
  if (!span) {
    const p = document.createElement("p");
    p.className = "muted";
    p.textContent = "Select a span in the text or the list to see and edit it.";
    el.detail.append(p);
    return;
  }
  const h = document.createElement("h3");
  h.textContent = spanLabel(span);
  const q = document.createElement("blockquote");
  q.textContent = span.quote;
  const where = document.createElement("p");
  where.className = "muted";
  where.textContent = `Characters ${span.start}–${span.end}` + (span.version ? ` · version ${span.version}` : "");
  el.detail.append(h, q, where);
  if (span.note) {
    const note = document.createElement("p");
    note.textContent = `Note: ${span.note}`;
    el.detail.append(note);
  }
  const rels = state.relations.filter((r) => r.source === span.id || r.target === span.id);
  if (rels.length) {
    const ul = document.createElement("ul");
    ul.className = "relations";
    for (const rel of rels) {
      const li = document.createElement("li");
      const other = state.spans.get(rel.source === span.id ? rel.target : rel.source);
      const arrow = rel.source === span.id ? `${rel.type} →` : `← ${rel.type} by`;
      li.textContent = `${arrow} “${other ? other.quote.slice(0, 60) : "?"}” `;
      if (!readOnly) {
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "small";
        remove.dataset.action = "delete-relation";
        remove.dataset.id = String(rel.id);
        remove.textContent = "Remove link";
        li.append(remove);
      }
      ul.append(li);
    }
    el.detail.append(ul);
  }
  if (readOnly) return;
  const actions = document.createElement("div");
  actions.className = "actions";
  for (const [action, label] of [
    ["edit", "Edit (E)"],
    ["link", "Link to… (R)"],
    ["delete", "Delete (Del)"],
  ]) {
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.action = action;
    button.textContent = label;
    actions.append(button);
  }
  el.detail.append(actions);
  if (state.pendingDelete === span.id) {
    const confirm = document.createElement("div");
    confirm.className = "confirm";
    confirm.setAttribute("role", "alertdialog");
    confirm.setAttribute("aria-label", "Confirm delete");
    const p = document.createElement("p");
    p.textContent = "Delete this span and its links?";
    const yes = document.createElement("button");
    yes.type = "button";
    yes.className = "danger";
    yes.dataset.action = "confirm-delete";
    yes.textContent = "Delete";
    const no = document.createElement("button");
    no.type = "button";
    no.dataset.action = "cancel-delete";
    no.textContent = "Keep";
    confirm.append(p, yes, " ", no);
    el.detail.append(confirm);
    yes.focus();
  }
}

function render() {
  const items = orderedSpans();
  renderText(items);
  renderList(items);
  renderDetail();
  renderMode();
}

function renderMode() {
  if (state.linkFrom !== null) {
    const keys = [...relationKeys].map(([k, v]) => `${k.toUpperCase()} = ${v}`).join(", ");
    el.mode.textContent = `Linking: choose the target span (click it, or J/K), then ${keys}. Esc cancels.`;
    el.mode.hidden = false;
  } else {
    el.mode.hidden = true;
  }
}

function renderSaveStatus(snapshot) {
  if (reloadWanted && !snapshot.pending) reloadLayer();
  const words = {
    saved: "All changes saved",
    saving: `Saving ${snapshot.pending} change${snapshot.pending === 1 ? "" : "s"}…`,
    failed: "Not saved: retrying",
  };
  el.status.textContent = words[snapshot.state];
  el.status.dataset.state = snapshot.state;
  el.failures.replaceChildren();
  for (const item of snapshot.items.filter((i) => i.state === "failed")) {
    const li = document.createElement("li");
    const seconds = item.retryInMs === null ? 0 : Math.ceil(item.retryInMs / 1000);
    li.textContent = `${item.label}: ${item.error}, attempt ${item.attempts}; next try in ${seconds} s. `;
    const retry = document.createElement("button");
    retry.type = "button";
    retry.dataset.action = "retry";
    retry.textContent = "Retry now";
    const discard = document.createElement("button");
    discard.type = "button";
    discard.dataset.action = "discard";
    discard.dataset.id = String(item.id);
    discard.textContent = "Discard";
    li.append(retry, " ", discard);
    el.failures.append(li);
  }
}

function notify(message, kind = "info") {
  el.notice.textContent = message;
  el.notice.dataset.kind = kind;
  el.notice.hidden = !message;
}

// ---------------------------------------------------------------- selection and popover

function rangeOffsets(range) {
  const before = document.createRange();
  before.selectNodeContents(el.text);
  before.setEnd(range.startContainer, range.startOffset);
  const start = before.toString().length;
  return { start, end: start + range.toString().length };
}

function currentSelection() {
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  if (!el.text.contains(range.commonAncestorContainer)) return null;
  let { start, end } = rangeOffsets(range);
  ({ start, end } = trimSelection(text, start, end));
  if (el.snap.checked && end > start) ({ start, end } = snapToWords(text, start, end));
  if (end <= start) return null;
  return { start, end };
}

function openPopover(draft, anchorRect) {
  if (readOnly) return;
  state.draft = draft;
  const editing = draft.spanId !== undefined;
  const span = editing ? state.spans.get(draft.spanId) : null;
  const start = editing ? span.start16 : draft.start;
  const end = editing ? span.end16 : draft.end;
  el.popTitle.textContent = editing ? "Edit span" : "Tag selection";
  el.quote.textContent = text.slice(start, end);
  const previous = orderedSpans().filter((s) => s.end16 <= start).pop();
  const stance = editing ? span.stance : previous ? previous.stance : stances[0].key;
  el.form.elements.stance.value = stance;
  el.form.elements.role.value = editing ? span.role : roles[0].key;
  el.note.value = editing ? span.note || "" : "";
  let actor = editing ? span.actor : null;
  el.actorHint.textContent = "";
  if (!editing) {
    const suggestion = suggestActor(text, start, end, data.actors);
    if (suggestion) {
      actor = suggestion.actorId;
      const why = SUGGESTION_REASONS[suggestion.reason] || suggestion.reason;
      el.actorHint.textContent = `Suggested: ${actorById.get(actor)?.name ?? "?"} (${why})`;
    }
  }
  el.actor.value = actor === null || actor === undefined ? "" : String(actor);
  el.popover.hidden = false;
  const rect = anchorRect || el.text.getBoundingClientRect();
  const top = window.scrollY + rect.bottom + 8;
  const left = Math.max(8, Math.min(window.scrollX + rect.left, window.innerWidth - 380));
  el.popover.style.top = `${top}px`;
  el.popover.style.left = `${left}px`;
  el.form.querySelector(`input[name=stance][value="${CSS.escape(stance)}"]`)?.focus();
}

function closePopover() {
  el.popover.hidden = true;
  state.draft = null;
}

// ---------------------------------------------------------------- writes

function spanPayload(start16, end16, fields) {
  const { start, end } = toApiRange(start16, end16);
  return { start, end, quote: text.slice(start16, end16), ...fields };
}

function createSpan(start16, end16, fields) {
  const tempId = `tmp-${++state.tempCounter}`;
  const clientId = crypto.randomUUID();
  const payload = spanPayload(start16, end16, fields);
  const local = { ...payload, id: tempId, start16, end16, pending: true, version: 0 };
  state.spans.set(tempId, local);
  select(tempId);
  queue
    .enqueue(`Create span “${payload.quote.slice(0, 30)}”`, () =>
      api("POST", data.urls.spans, {
        body: { ...payload, client_id: clientId },
        headers: { "Idempotency-Key": clientId },
      }),
    )
    .then((result) => {
      const saved = fromApi(result.data);
      const local = state.spans.get(tempId);
      state.spans.delete(tempId);
      state.idMap.set(tempId, saved.id);
      // Edits queued meanwhile were applied locally and will be sent next; keep showing them.
      // A span deleted while its create was in flight stays deleted (the delete is queued).
      if (local) state.spans.set(saved.id, { ...saved, ...pick(local, EDITABLE), pending: false });
      for (const rel of state.relations) {
        if (rel.source === tempId) rel.source = saved.id;
        if (rel.target === tempId) rel.target = saved.id;
      }
      if (state.selectedId === tempId) state.selectedId = saved.id;
      render();
    })
    .catch((result) => {
      state.spans.delete(tempId);
      state.relations = state.relations.filter((r) => r.source !== tempId && r.target !== tempId);
      if (state.selectedId === tempId) state.selectedId = null;
      if (result.status !== "discarded") notify(`The span was not saved: ${errorMessage(result)}`, "error");
      render();
    });
  render();
}

// Writes queued while a span is still being created name it by its temporary id; the queue
// runs them after the create, and they look up the real id when they run.
function resolveId(id) {
  return state.idMap.get(id) ?? id;
}

// The API's entity tag for a span version (see the span detail endpoint in the API docs).
function ifMatch(id, version) {
  return { "If-Match": `"span-${id}-v${version}"` };
}

const NOT_CREATED = { status: 410, data: { detail: "The span it belongs to was never saved." } };

async function reloadSpan(id, message) {
  const result = await api("GET", `${data.urls.span_detail}${id}/`);
  if (result.status === 200) {
    state.spans.set(id, fromApi(result.data));
  } else if (result.status === 404) {
    state.spans.delete(id);
  }
  notify(message, "warning");
  render();
}

function updateSpan(id, fields) {
  const span = state.spans.get(id);
  if (!span) return;
  const before = Object.fromEntries(Object.keys(fields).map((key) => [key, span[key]]));
  Object.assign(span, fields);
  render();
  queue
    .enqueue(`Edit span “${span.quote.slice(0, 30)}”`, async () => {
      const realId = resolveId(id);
      if (typeof realId === "string") return NOT_CREATED;
      return api("PATCH", `${data.urls.span_detail}${realId}/`, {
        body: fields,
        headers: ifMatch(realId, state.versions.get(realId)),
      });
    })
    .then((result) => {
      const saved = fromApi(result.data);
      if (state.deleted.has(id) || state.deleted.has(saved.id)) return;
      state.spans.set(saved.id, saved);
      render();
    })
    .catch((result) => {
      const realId = resolveId(id);
      if (result.status === 412) {
        reloadSpan(realId, "This span was changed elsewhere; your edit was not applied and the span has been reloaded.");
        return;
      }
      const current = state.spans.get(realId);
      if (current) Object.assign(current, before);
      if (result.status !== "discarded") notify(`The edit was not saved: ${errorMessage(result)}`, "error");
      render();
    });
}

function deleteSpan(id) {
  const span = state.spans.get(id);
  if (!span) return;
  state.spans.delete(id);
  state.deleted.add(id);
  const removedRelations = state.relations.filter((r) => r.source === id || r.target === id);
  state.relations = state.relations.filter((r) => !removedRelations.includes(r));
  state.pendingDelete = null;
  if (state.selectedId === id) state.selectedId = null;
  render();
  queue
    .enqueue(`Delete span “${span.quote.slice(0, 30)}”`, async () => {
      const realId = resolveId(id);
      if (typeof realId === "string") return NOT_CREATED;
      return api("DELETE", `${data.urls.span_detail}${realId}/`, {
        headers: ifMatch(realId, state.versions.get(realId)),
      });
    })
    .catch((result) => {
      if (result.status === 404 || result.status === 410) return; // gone already, or never made
      const realId = resolveId(id);
      state.deleted.delete(id);
      state.spans.set(realId, { ...span, id: realId, version: state.versions.get(realId) });
      state.relations.push(...removedRelations);
      if (result.status === 412) {
        reloadSpan(realId, "This span was changed elsewhere, so it was not deleted; it has been reloaded.");
        return;
      }
      if (result.status !== "discarded") notify(`The span was not deleted: ${errorMessage(result)}`, "error");
      render();
    });
}

function createRelation(sourceId, targetId, type) {
  const tempId = `tmp-rel-${++state.tempCounter}`;
  state.relations.push({ id: tempId, source: sourceId, target: targetId, type, pending: true });
  render();
  queue
    .enqueue(`Link ${type}`, async () => {
      const source = resolveId(sourceId);
      const target = resolveId(targetId);
      if (typeof source === "string" || typeof target === "string") return NOT_CREATED;
      return api("POST", data.urls.relations, { body: { source, target, type } });
    })
    .then((result) => {
      const rel = state.relations.find((r) => r.id === tempId);
      if (rel) Object.assign(rel, result.data, { pending: false });
      render();
    })
    .catch((result) => {
      state.relations = state.relations.filter((r) => r.id !== tempId);
      if (result.status !== "discarded") notify(`The link was not saved: ${errorMessage(result)}`, "error");
      render();
    });
}

function deleteRelation(id) {
  const rel = state.relations.find((r) => String(r.id) === String(id));
  if (!rel || rel.pending) return;
  state.relations = state.relations.filter((r) => r !== rel);
  render();
  queue
    .enqueue(`Remove link ${rel.type}`, () => api("DELETE", `${data.urls.relation_detail}${rel.id}/`))
    .catch((result) => {
      if (result.status === 404) return;
      state.relations.push(rel);
      if (result.status !== "discarded") notify(`The link was not removed: ${errorMessage(result)}`, "error");
      render();
    });
}

// ---------------------------------------------------------------- selection of spans

// Choosing a span or a link target changes only classes and the side panel: those are set on
// what is drawn instead of drawing thousands of spans again at every J/K or click.
function renderSelection() {
  const selected = state.selectedId === null ? null : String(state.selectedId);
  const target = state.linkTarget === null ? null : String(state.linkTarget);
  for (const mark of el.text.querySelectorAll("mark.hl")) {
    const ids = mark.dataset.ids.split(" ");
    mark.classList.toggle("selected", selected !== null && ids.includes(selected));
    mark.classList.toggle("link-target", target !== null && ids.includes(target));
  }
  for (const row of el.list.querySelectorAll('[aria-selected="true"]')) {
    row.setAttribute("aria-selected", "false");
  }
  if (state.selectedId !== null) listRow(state.selectedId)?.setAttribute("aria-selected", "true");
  renderDetail();
  renderMode();
}

function select(id, { scroll = false } = {}) {
  state.selectedId = id;
  state.pendingDelete = null;
  renderSelection();
  if (scroll && id !== null) {
    listRow(id)?.scrollIntoView({ block: "nearest" });
    const span = state.spans.get(id);
    if (span) blocksOf(span.start16, span.end16).forEach(fillBlock);
    el.text.querySelector("mark.selected")?.scrollIntoView({ block: "nearest" });
  }
}

function step(direction) {
  const items = orderedSpans();
  if (!items.length) return;
  const current = state.linkFrom !== null ? state.linkTarget : state.selectedId;
  let index = items.findIndex((s) => s.id === current);
  index = index < 0 ? (direction > 0 ? 0 : items.length - 1) : (index + direction + items.length) % items.length;
  if (state.linkFrom !== null) {
    if (items[index].id === state.linkFrom) index = (index + direction + items.length) % items.length;
    state.linkTarget = items[index].id;
    renderSelection();
  } else {
    select(items[index].id, { scroll: true });
  }
}

function startLink() {
  if (state.selectedId === null || readOnly) return;
  state.linkFrom = state.selectedId;
  state.linkTarget = null;
  notify("");
  renderSelection();
}

function finishLink(type) {
  if (state.linkFrom === null || state.linkTarget === null) return;
  const from = state.linkFrom;
  const to = state.linkTarget;
  state.linkFrom = null;
  state.linkTarget = null;
  createRelation(from, to, type);
}

// ---------------------------------------------------------------- events

el.text.addEventListener("mouseup", () => {
  if (state.linkFrom !== null) return;
  const draft = currentSelection();
  if (draft) {
    const rect = window.getSelection().getRangeAt(0).getBoundingClientRect();
    openPopover(draft, rect);
  }
});

// A highlight's data-ids, or a list row's data-id, as the key of state.spans: temporary ids
// are strings, the server's are numbers.
function spanKey(id) {
  return state.spans.has(id) ? id : Number(id);
}

el.text.addEventListener("mouseover", (event) => {
  const mark = event.target.closest("mark.hl");
  if (!mark || mark.title) return;
  mark.title = mark.dataset.ids
    .split(" ")
    .map((id) => state.spans.get(spanKey(id)))
    .filter(Boolean)
    .map((span) => spanLabel(span) + (span.note ? ` — ${span.note}` : ""))
    .join("\n");
});

el.text.addEventListener("click", (event) => {
  const mark = event.target.closest("mark.hl");
  if (!mark || !window.getSelection().isCollapsed) return;
  const ids = mark.dataset.ids.split(" ");
  const key = spanKey(ids[ids.length - 1]);
  if (state.linkFrom !== null) {
    if (key !== state.linkFrom) state.linkTarget = key;
    renderSelection();
  } else {
    select(key, { scroll: true });
  }
});

el.list.addEventListener("click", (event) => {
  const li = event.target.closest("li.span-item");
  if (!li) return;
  const key = spanKey(li.dataset.id);
  if (state.linkFrom !== null) {
    if (key !== state.linkFrom) state.linkTarget = key;
    renderSelection();
  } else {
    select(key, { scroll: true });
  }
});

el.form.addEventListener("submit", (event) => {
  event.preventDefault();
  const fields = {
    stance: el.form.elements.stance.value,
    role: el.form.elements.role.value,
    actor: el.actor.value === "" ? null : Number(el.actor.value),
    note: el.note.value,
  };
  const draft = state.draft;
  closePopover();
  window.getSelection().removeAllRanges();
  if (draft.spanId !== undefined) updateSpan(draft.spanId, fields);
  else createSpan(draft.start, draft.end, fields);
  el.text.focus();
});

document.getElementById("tag-cancel").addEventListener("click", () => {
  closePopover();
  el.text.focus();
});

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action]");
  if (!button) return;
  const action = button.dataset.action;
  if (action === "edit" && state.selectedId !== null) openPopover({ spanId: state.selectedId }, null);
  if (action === "link") startLink();
  if (action === "delete" && state.selectedId !== null) {
    state.pendingDelete = state.selectedId;
    renderDetail();
  }
  if (action === "confirm-delete" && state.pendingDelete !== null) deleteSpan(state.pendingDelete);
  if (action === "cancel-delete") {
    state.pendingDelete = null;
    renderDetail();
  }
  if (action === "delete-relation") deleteRelation(button.dataset.id);
  if (action === "retry") queue.retryNow();
  if (action === "discard") queue.discard(Number(button.dataset.id));
  if (action === "help") toggleHelp();
});

function toggleHelp() {
  if (el.help.open) el.help.close();
  else el.help.showModal();
}

function inFormField(target) {
  return target.closest("input, textarea, select, [contenteditable=true]") !== null;
}

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    if (!el.popover.hidden) closePopover();
    else if (state.linkFrom !== null) {
      state.linkFrom = null;
      state.linkTarget = null;
      renderSelection();
    } else if (state.pendingDelete !== null) {
      state.pendingDelete = null;
      renderDetail();
    } else select(null);
    el.text.focus();
    return;
  }
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    el.submit.click();
    return;
  }
  const popoverOpen = !el.popover.hidden;
  if (popoverOpen && event.target.closest("textarea, select")) return;
  if (!popoverOpen && inFormField(event.target)) return;
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  const key = event.key.toLowerCase();
  const stanceIndex = Number(event.key) - 1;
  if (popoverOpen) {
    if (Number.isInteger(stanceIndex) && stances[stanceIndex]) {
      el.form.elements.stance.value = stances[stanceIndex].key;
      event.preventDefault();
    } else if (roleKeys.has(key)) {
      el.form.elements.role.value = roleKeys.get(key);
      event.preventDefault();
    } else if (event.key === "Enter" && !event.target.closest("button")) {
      event.preventDefault();
      el.form.requestSubmit();
    }
    return;
  }
  if (state.linkFrom !== null) {
    if (key === "j" || event.key === "ArrowDown") step(1);
    else if (key === "k" || event.key === "ArrowUp") step(-1);
    else if (relationKeys.has(key)) finishLink(relationKeys.get(key));
    else return;
    event.preventDefault();
    return;
  }
  if (key === "?") toggleHelp();
  else if (key === "j") step(1);
  else if (key === "k") step(-1);
  else if (key === "t") {
    const draft = currentSelection();
    if (draft) openPopover(draft, window.getSelection().getRangeAt(0).getBoundingClientRect());
    else notify("Select some text first (with the mouse, or with Shift and the arrow keys after F7).");
  } else if (key === "e" || (event.key === "Enter" && event.target === el.text)) {
    if (state.selectedId !== null) openPopover({ spanId: state.selectedId }, null);
  } else if (key === "r") startLink();
  else if (event.key === "Delete" || event.key === "Backspace") {
    if (state.selectedId === null || readOnly) return;
    state.pendingDelete = state.selectedId;
    renderDetail();
  } else if (Number.isInteger(stanceIndex) && stances[stanceIndex] && state.selectedId !== null) {
    updateSpan(state.selectedId, { stance: stances[stanceIndex].key });
  } else if (roleKeys.has(key) && state.selectedId !== null) {
    updateSpan(state.selectedId, { role: roleKeys.get(key) });
  } else return;
  event.preventDefault();
});

// ---------------------------------------------------------------- submit

el.submit?.addEventListener("click", () => {
  el.submitConfirm.hidden = false;
  el.submitConfirm.querySelector("button[data-submit=yes]").focus();
});
el.submitConfirm?.addEventListener("click", async (event) => {
  const choice = event.target.closest("button")?.dataset.submit;
  if (!choice) return;
  el.submitConfirm.hidden = true;
  if (choice !== "yes") return;
  if (queue.snapshot().pending) {
    notify("Wait until every change is saved before submitting.", "warning");
    return;
  }
  const result = await api("POST", data.urls.submit);
  if (result.status >= 200 && result.status < 300) {
    el.docStatus.textContent = "Submitted";
    notify("Document submitted. Thank you!", "success");
    document.getElementById("next-doc")?.focus();
  } else {
    notify(`Could not submit: ${errorMessage(result)}`, "error");
  }
});

window.addEventListener("beforeunload", (event) => {
  if (queue.snapshot().pending) {
    event.preventDefault();
    event.returnValue = "";
  }
});

// ---------------------------------------------------------------- a source span from the map

// The map page links every source of an argument here as ?highlight=<start>-<end> (code
// points, like every API offset). The passage is painted with the CSS Custom Highlight API,
// so the span marks stay as they are; it is re-applied after each render and scrolled to once.
const sourceHighlight = (() => {
  const match = /^(\d+)-(\d+)$/.exec(new URLSearchParams(window.location.search).get("highlight") ?? "");
  if (!match) return null;
  const start = Number(match[1]);
  const end = Number(match[2]);
  if (!(start < end && end <= conv.codePointLength)) return null;
  return { ...conv.rangeToUtf16(start, end), scrolled: false };
})();

function textRange(start16, end16) {
  const range = document.createRange();
  const walker = document.createTreeWalker(el.text, NodeFilter.SHOW_TEXT);
  let seen = 0;
  let node;
  let started = false;
  while ((node = walker.nextNode())) {
    const length = node.data.length;
    if (!started && start16 < seen + length) {
      range.setStart(node, start16 - seen);
      started = true;
    }
    if (started && end16 <= seen + length) {
      range.setEnd(node, end16 - seen);
      return range;
    }
    seen += length;
  }
  return null;
}

function showSourceHighlight() {
  if (!sourceHighlight || !window.CSS?.highlights) return;
  const range = textRange(sourceHighlight.start, sourceHighlight.end);
  if (!range) return;
  CSS.highlights.set("map-source", new Highlight(range));
  if (sourceHighlight.scrolled) return;
  sourceHighlight.scrolled = true;
  range.startContainer.parentElement?.scrollIntoView({ block: "center" });
  const quote = text.slice(sourceHighlight.start, sourceHighlight.end);
  notify(`Highlighted from the argument map: “${quote.length > 120 ? `${quote.slice(0, 118)}…` : quote}”`);
  el.notice.classList.add("source-highlight-note");
}

// ---------------------------------------------------------------- start and reload

function adopt(spans, relations) {
  state.spans = new Map(spans.map((span) => [span.id, fromApi(span)]));
  state.relations = relations;
}

// The embedded lists are the server's when it made the page. A page shown again from the
// back/forward cache may be older than that (another tab, a colleague's edits), so it asks
// the API, the lists' source, for them again: once the save queue is empty, so a write still
// waiting (or being retried) is never drawn over by the list from before it.
function reloadWhenSaved() {
  reloadWanted = true;
  if (!queue.snapshot().pending) reloadLayer();
}

async function reloadLayer() {
  reloadWanted = false;
  // Every page: a long article can hold more spans than one page of the API.
  const [spans, relations] = await Promise.all([
    apiGetAll(data.urls.spans, SPAN_PAGE_SIZE),
    apiGetAll(data.urls.relations, RELATION_PAGE_SIZE),
  ]);
  for (const result of [spans, relations]) {
    if (result.status !== 200) {
      notify(`Could not reload the spans: ${errorMessage(result)}`, "error");
      return;
    }
  }
  if (queue.snapshot().pending) {
    reloadWhenSaved(); // written meanwhile: the lists may be from before that write
    return;
  }
  adopt(spans.data, relations.data);
  for (const key of ["selectedId", "linkFrom", "linkTarget", "pendingDelete"]) {
    if (!state.spans.has(state[key])) state[key] = null;
  }
  if (state.draft?.spanId !== undefined && !state.spans.has(state.draft.spanId)) closePopover();
  render();
}

window.addEventListener("pageshow", (event) => {
  if (event.persisted) reloadWhenSaved();
});

adopt(data.spans, data.relations);
data.spans = data.relations = null; // the state holds them now
render();
renderSaveStatus(queue.snapshot());
document.body.dataset.ready = "true";
