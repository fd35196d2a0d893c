// The review page's state, in one object the entry creates (createState) and hands to every
// module: the document and its scheme, which never change, and the review as the API last
// answered it, with the page's own choices (selected unit, filter, the editor's draft).
// Labels for what the review holds are here too. No DOM.

import { createOffsetConverter } from "../offsets.js";

export const STATUS_LABELS = {
  new: "New",
  annotating: "Being annotated",
  ready_for_review: "Ready for review",
  adjudicated: "Adjudicated",
};

/** Return the page's state for its embedded data; the review itself is loaded from the API. */
export function createState(data) {
  const text = data.document.text;
  return {
    text,
    conv: createOffsetConverter(text),
    urls: data.urls,
    scheme: data.scheme,
    canDecide: data.can_decide,
    stanceByKey: new Map(data.scheme.stances.map((s) => [s.key, s])),
    roleByKey: new Map(data.scheme.roles.map((r) => [r.key, r])),
    relationByKey: new Map(data.scheme.relation_types.map((r) => [r.key, r])),
    actorById: new Map(data.actors.map((a) => [a.id, a])),

    review: null,
    selectedKey: null,
    filter: "all",
    busy: false,
    draft: null, // {action: "edit"|"add", unit, sources}
    selection: null, // {start, end} in code points, of the text selected for "Add to gold"
  };
}

export function decidable(state) {
  return state.canDecide && state.review && state.review.document.status === "ready_for_review";
}

export function unitByKey(state, key) {
  return state.review.units.find((unit) => unit.key === key);
}

/** The values the editor opens with for a unit: its gold span, or its first annotator's. */
export function editValues(unit) {
  if (unit.gold) return unit.gold;
  return unit.spans[0];
}

// ---------------------------------------------------------------- labels

export function stanceLabel(state, key) {
  const stance = state.stanceByKey.get(key);
  return stance ? stance.label : key;
}

export function roleLabel(state, key) {
  const role = state.roleByKey.get(key);
  return role ? role.label : key;
}

export function actorName(state, id) {
  if (id === null || id === undefined) return "no actor";
  const actor = state.actorById.get(id);
  return actor ? actor.name : `actor ${id}`;
}

export function layerIndex(state, layer) {
  return state.review.annotators.indexOf(layer);
}

export function shortQuote(quote, max = 60) {
  return quote.length > max ? `${quote.slice(0, max - 1)}…` : quote;
}

export function goldSpanLabel(state, span) {
  return `«${shortQuote(span.quote, 48)}» (${stanceLabel(state, span.stance)} ${roleLabel(state, span.role).toLowerCase()})`;
}

export function clock(iso) {
  return new Date(iso).toLocaleString([], {
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}
