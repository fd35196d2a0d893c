// The annotate page's state, in one object the entry creates (createState) and hands to every
// module: the document and its scheme, which never change, and the layer as the page knows it
// (spans by id in the browser's UTF-16 offsets, relations, the selection and the modes).
//
// The server's code point offsets are converted at the edge (fromApi, toApiRange, with
// offsets.js), so the rest of the page works in UTF-16 offsets. No DOM here.

import { createOffsetConverter } from "../offsets.js";
import { textBlocks } from "../segments.js";

/** Return the page's state for its embedded data (the layer is adopted separately). */
export function createState(data) {
  const text = data.document.text;
  const { stances, roles } = data.scheme;
  return {
    text,
    conv: createOffsetConverter(text),
    // Drawn in blocks of whole lines, so the browser lays out only those in view (annotate.css).
    blocks: textBlocks(text),
    readOnly: !data.can_write,
    rememberLast: Boolean(data.remember_last_choice),
    lastChoice: null, // {stance, role} saved last in this page; else the layer's latest span
    urls: data.urls,
    actors: data.actors,
    stances,
    roles,
    stanceByKey: new Map(stances.map((s) => [s.key, s])),
    roleByKey: new Map(roles.map((r) => [r.key, r])),
    actorById: new Map(data.actors.map((a) => [a.id, a])),
    // Shortcut letters for roles and relation types, chosen by the server (also shown in help).
    roleKeys: new Map(data.role_keys),
    relationKeys: new Map(data.relation_keys),

    spans: new Map(),
    relations: [],
    selectedId: null,
    draft: null, // {start, end} of a new span being tagged, or {spanId} when editing
    linkFrom: null,
    linkTarget: null,
    pendingDelete: null,
    tempCounter: 0,
    idMap: new Map(), // temporary id -> id the server gave
    handles: new Map(), // any id a span had -> its handle {id}, which follows it (undo.js)
    history: { done: [], undone: [] }, // undo and redo stacks of this page's changes
    historyShown: null, // the selected span's history in the side panel (detail.js)
    versions: new Map(), // server id -> latest version the server returned
    deleted: new Set(), // ids (temporary or real) the user deleted
    reloadWanted: false, // reload the layer from the API once every write is saved

    // The suggestion model's candidate spans, where the debate shows them (suggestions.js).
    suggestionsOn: Boolean(data.urls.suggestions),
    suggestions: [], // {key, start, end (code points), start16, end16, stance, role, ...}
    suggestionModel: null, // the model version's number the suggestions came from
    suggestionModelLabel: "",
    suggestionMessage: "",
    suggestionCurrent: null, // the key of the suggestion A and X act on
  };
}

// ---------------------------------------------------------------- conversion at the edge

// Every span the server returns passes through here, so the latest version known for each
// id is always at hand for If-Match, even for a span deleted locally meanwhile.
export function fromApi(state, span) {
  state.versions.set(span.id, span.version);
  const { start, end } = state.conv.rangeToUtf16(span.start, span.end);
  return { ...span, start16: start, end16: end };
}

export function toApiRange(state, start16, end16) {
  return state.conv.rangeToCodePoints(start16, end16);
}

/** Take the layer's spans and relations as the API lists them. */
export function adopt(state, spans, relations) {
  state.spans = new Map(spans.map((span) => [span.id, fromApi(state, span)]));
  state.relations = relations;
}

// Writes queued while a span is still being created name it by its temporary id; the queue
// runs them after the create, and they look up the real id when they run.
export function resolveId(state, id) {
  return state.idMap.get(id) ?? id;
}

/** The handle of a span: one object per span, whichever ids it gets (undo, redo). */
export function handleOf(state, id) {
  let handle = state.handles.get(id) ?? state.handles.get(resolveId(state, id));
  if (!handle) {
    handle = { id };
    state.handles.set(id, handle);
  }
  return handle;
}

/** The id a span has now (temporary or the server's), from its handle. */
export function liveId(state, handle) {
  return resolveId(state, handle.id);
}

// A highlight's data-ids, or a list row's data-id, as the key of state.spans: temporary ids
// are strings, the server's are numbers.
export function spanKey(state, id) {
  return state.spans.has(id) ? id : Number(id);
}

export function orderedSpans(state) {
  return [...state.spans.values()].sort(
    (a, b) => a.start16 - b.start16 || b.end16 - a.end16 || String(a.id).localeCompare(String(b.id)),
  );
}

// ---------------------------------------------------------------- labels

/** A quote cut to ``length`` characters with an ellipsis, for banners and link lists. */
export function shortQuote(quote, length = 60) {
  return quote.length > length ? `${quote.slice(0, length - 1)}…` : quote;
}

export function stanceLabel(state, span) {
  const stance = state.stanceByKey.get(span.stance);
  return stance ? stance.label : span.stance;
}

// Role and actor: what the list shows beside the stance badge.
export function spanMeta(state, span) {
  const role = state.roleByKey.get(span.role);
  const actor = span.actor ? state.actorById.get(span.actor) : null;
  return `${role ? role.label : span.role} · ${actor ? actor.name : "no actor"}`;
}

export function spanLabel(state, span) {
  return `${stanceLabel(state, span)} · ${spanMeta(state, span)}`;
}
