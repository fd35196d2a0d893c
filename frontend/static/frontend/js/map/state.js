// The map page's state, in one object the entry creates (createState) and hands to every
// module: what the page was given (urls, sides, export formats) and what it has loaded and
// chosen since (the map list, the latest build, the version shown with its graph and index,
// the actor filter, the picture's zoom, the diff and the timeline). Labels and addresses are
// here too. No DOM.

/** Return the page's state for its embedded data; the map itself is loaded from the API. */
export function createState(data) {
  return {
    urls: data.urls,
    sides: data.sides,
    formats: data.formats,
    canBuild: data.can_build,
    canCurate: data.can_curate,
    adjudicated: data.adjudicated,

    list: null, // the map list of the API: current version, builds, versions
    build: null, // the latest build
    versionId: null, // the version shown
    graph: null,
    index: null,
    actor: null, // the actor filter: an actor node id, or null for everyone
    zoom: "fit",
    polling: null,
    svg: null,
    graphActorsChosen: false, // the reader ticked or unticked "Show actors" themselves
    // Each card's <details> and the function that fills its body (see cards.js).
    bodyBuilders: new WeakMap(),
    diff: null, // what changed since another version (changes.js)
    diffRequests: 0, // diffs asked for, so only the answer to the last one is shown
    timeline: null, // the actors' positions over time (timeline.js)
    decisions: null, // reviewers' merge decisions, newest first (curation.js)
    curating: null, // the split or join the dialog is asking about: { kind, id }
  };
}

export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

export function when(iso) {
  if (!iso) return "";
  return new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
}

export function mapUrl(state, id, format) {
  const url = state.urls.map.replace("{id}", String(id));
  return format ? `${url}?format=${encodeURIComponent(format)}` : url;
}

export function diffUrl(state, id, from) {
  const url = state.urls.diff.replace("{id}", String(id));
  return from === null || from === undefined ? url : `${url}?from=${encodeURIComponent(from)}`;
}

export function timelineUrl(state, id) {
  return state.urls.timeline.replace("{id}", String(id));
}

/** Name an actor's position: a side's name, or "Mixed". */
export function positionName(state, position) {
  return position === "mixed" ? "Mixed" : sideName(state, position);
}

export function sourceUrl(state, source) {
  const url = state.urls.annotate.replace("{id}", encodeURIComponent(source.document_id));
  return `${url}?highlight=${source.start}-${source.end}`;
}

export function sideName(state, side) {
  return state.sides[side] ?? side;
}

export function actorName(state, id) {
  return state.index?.actors.get(id)?.name ?? id;
}
