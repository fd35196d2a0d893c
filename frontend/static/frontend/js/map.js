// The argument map page: the current map of a debate in two columns (pro, contra) under its
// proposition, filterable by actor, with every argument's sources, premises and attackers, a
// picture of the whole map, the actor x position matrix, and the build status (progress,
// rebuild, errors). Everything comes from the map API; the layout logic is in map-layout.js.

import { api, errorMessage } from "./api.js";
import { focusGraph, renderGraph, selectInGraph } from "./map-graph.js";
import { layoutMap, mapIndex, voicedBy } from "./map-layout.js";

const data = JSON.parse(document.getElementById("map-data").textContent);
const POLL_MS = 800;
// Above this many arguments the picture leaves actors out unless asked (their edges crowd it).
const ACTORS_SHOWN_UP_TO = 80;

const $ = (id) => document.getElementById(id);
const el = {
  adjudicated: $("adjudicated-count"),
  status: $("build-status"),
  buildText: $("build-text"),
  progress: $("build-progress"),
  buildMessage: $("build-message"),
  buildError: $("build-error"),
  versionLine: $("version-line"),
  versionInfo: $("version-info"),
  downloads: $("download-links"),
  empty: $("map-empty"),
  emptyTitle: $("map-empty-title"),
  emptyText: $("map-empty-text"),
  buildFirst: $("build-first"),
  rebuild: $("rebuild"),
  body: $("map-body"),
  propositionText: $("proposition-text"),
  propositionStrength: $("proposition-strength"),
  propositionMeter: $("proposition-meter"),
  baseScore: $("base-score"),
  filter: $("actor-filter"),
  filterSummary: $("filter-summary"),
  graph: $("graph"),
  graphActors: $("graph-actors"),
  matrix: $("matrix-rows"),
};

const state = {
  list: null, // the map list of the API: current version, builds, versions
  build: null, // the latest build
  versionId: null, // the version shown
  graph: null,
  index: null,
  actor: null, // the actor filter: an actor node id, or null for everyone
  zoom: "fit",
  polling: null,
  svg: null,
};

// ---------------------------------------------------------------- small helpers

function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

function when(iso) {
  if (!iso) return "";
  return new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
}

function mapUrl(id, format) {
  const url = data.urls.map.replace("{id}", String(id));
  return format ? `${url}?format=${encodeURIComponent(format)}` : url;
}

function sourceUrl(source) {
  const url = data.urls.annotate.replace("{id}", encodeURIComponent(source.document_id));
  return `${url}?highlight=${source.start}-${source.end}`;
}

function sideName(side) {
  return data.sides[side] ?? side;
}

function meter(container, strength) {
  container.replaceChildren();
  const fill = make("span", "meter-fill");
  fill.style.width = `${Math.round(strength * 100)}%`;
  container.append(fill);
  container.title = `Strength ${strength.toFixed(2)}`;
}

function actorName(id) {
  return state.index?.actors.get(id)?.name ?? id;
}

// ---------------------------------------------------------------- build status

function renderStatus() {
  const build = state.build;
  const current = state.list?.current_version ?? null;
  const busy = build && (build.status === "queued" || build.status === "running");
  el.status.dataset.state = build ? build.status : "none";
  el.progress.hidden = !busy;
  el.buildMessage.textContent = "";
  if (!build) {
    el.buildText.textContent = current ? "Map ready." : "No map has been built yet.";
  } else if (build.status === "queued") {
    el.buildText.textContent = "Build queued…";
    el.progress.value = 0;
    el.progress.removeAttribute("value"); // indeterminate until a worker takes it
    el.buildMessage.textContent = build.message || "Waiting for a worker.";
  } else if (build.status === "running") {
    el.buildText.textContent = `Building… ${build.progress}%`;
    el.progress.value = build.progress;
    el.progress.textContent = `${build.progress}%`;
    el.buildMessage.textContent = build.message;
  } else if (build.status === "done") {
    el.buildText.textContent = build.reused_version ? "Up to date: nothing changed since this map was built." : "Map built.";
    el.buildMessage.textContent = `Finished ${when(build.finished_at)}`;
  } else {
    el.buildText.textContent = "The last build failed.";
    el.buildMessage.textContent = `Finished ${when(build.finished_at)}`;
  }
  if (build && build.status === "failed") {
    el.buildError.hidden = false;
    el.buildError.textContent = `Build ${build.id} failed: ${build.error || build.message}. ${
      current ? `The map below is the previous version (${current}).` : "There is no earlier map to show."
    }`;
  } else {
    el.buildError.hidden = true;
  }
  for (const button of [el.rebuild, el.buildFirst]) {
    if (!button) continue;
    button.disabled = Boolean(busy);
    button.textContent = busy ? "Building…" : button === el.rebuild ? "Rebuild map" : "Build the first map";
  }
}

function renderVersion() {
  const id = state.versionId;
  el.versionLine.hidden = id === null;
  if (id === null) return;
  const version = state.list.results.find((v) => v.id === id);
  const g = state.graph;
  const counts = version
    ? `${plural(version.counts.arguments, "argument")} from ${plural(version.counts.sources, "source")} in ${plural(version.counts.documents, "document")}`
    : `${plural(g.arguments.length, "argument")}`;
  el.versionInfo.textContent = `Version ${id}${version ? `, built ${when(version.created_at)}` : ""}: ${counts}. Input ${g.input_hash.slice(0, 12)}.`;
  el.versionInfo.title = `Input hash ${g.input_hash}, builder ${g.builder}`;
  el.downloads.replaceChildren();
  data.formats.forEach((format, i) => {
    const a = make("a", "download", format.label);
    a.href = mapUrl(id, format.name);
    a.setAttribute("download", "");
    a.title = `${format.label} (${format.type})`;
    if (i) el.downloads.append(" · ");
    el.downloads.append(a);
  });
}

function renderEmpty() {
  const none = state.versionId === null;
  el.empty.hidden = !none;
  el.body.hidden = none;
  if (el.rebuild) el.rebuild.hidden = none; // the empty state has its own button
  if (!none) return;
  const adjudicated = state.list?.adjudicated_documents ?? data.adjudicated;
  if (adjudicated === 0) {
    el.emptyTitle.textContent = "No adjudicated documents yet";
    el.emptyText.textContent =
      "The map is built from the gold layer: once reviewers have adjudicated a document, its arguments can be mapped here.";
    if (el.buildFirst) el.buildFirst.hidden = true;
  } else {
    el.emptyTitle.textContent = "Build the first map";
    el.emptyText.textContent = data.can_build
      ? `${plural(adjudicated, "adjudicated document")} ${adjudicated === 1 ? "is" : "are"} ready to be mapped.`
      : `${plural(adjudicated, "adjudicated document")} ${adjudicated === 1 ? "is" : "are"} ready; a reviewer or manager of this debate can build the map.`;
    if (el.buildFirst) el.buildFirst.hidden = false;
  }
}

async function requestBuild() {
  const result = await api("POST", data.urls.maps, { body: { reason: "Asked for on the map page" } });
  if (result.status !== 202) {
    el.buildError.hidden = false;
    el.buildError.textContent = `Could not start a build: ${errorMessage(result)}`;
    return;
  }
  state.build = result.data;
  renderStatus();
  poll();
}

function poll() {
  clearTimeout(state.polling);
  const build = state.build;
  if (!build || (build.status !== "queued" && build.status !== "running")) return;
  state.polling = setTimeout(async () => {
    const result = await api("GET", build.url);
    if (result.status === 200) {
      state.build = result.data;
      if (result.data.status === "done" || result.data.status === "failed") {
        await loadList();
        if (result.data.status === "done" && state.list.current_version !== state.versionId) {
          await showVersion(state.list.current_version);
        }
      }
      renderStatus();
    }
    poll();
  }, POLL_MS);
}

// ---------------------------------------------------------------- argument cards

function actorChips(ids) {
  const wrap = make("span", "actor-chips");
  if (!ids.length) {
    wrap.append(make("span", "actor-chip none", "no named speaker"));
    return wrap;
  }
  for (const id of ids) {
    const actor = state.index.actors.get(id);
    const chip = make("span", `actor-chip pos-${actor?.position ?? "neutral"}`, actorName(id));
    chip.dataset.actor = id;
    if (id === state.actor) chip.classList.add("match");
    wrap.append(chip);
  }
  return wrap;
}

function argumentRef(id) {
  const arg = state.index.args.get(id);
  const li = make("li", `arg-ref side-${arg.side}`);
  const button = make("button", "link arg-jump");
  button.type = "button";
  button.dataset.jump = id;
  button.textContent = arg.text.length > 140 ? `${arg.text.slice(0, 138)}…` : arg.text;
  const meta = make("span", "muted small", ` ${sideName(arg.side)} ${arg.kind} · strength ${arg.strength.toFixed(2)}`);
  li.append(make("span", `side-dot side-${arg.side}`), button, meta);
  return li;
}

function section(title, items) {
  const wrap = make("section", "arg-section");
  wrap.append(make("h4", null, `${title} (${items.length})`));
  return wrap;
}

function sourcesList(arg) {
  const wrap = section("Sources", arg.sources);
  const ul = make("ul", "sources");
  for (const source of arg.sources) {
    const li = make("li", "source");
    const link = make("a", "source-link", source.document_title);
    link.href = sourceUrl(source);
    link.title = "Open the document with this passage highlighted";
    const where = make("span", "muted small", ` · characters ${source.start}–${source.end}`);
    const speaker = source.actor_id ? make("span", "muted small", ` · ${actorName(`actor-${source.actor_id}`)}`) : "";
    const quote = make("q", "source-quote", source.quote);
    li.append(link, where, speaker, quote);
    ul.append(li);
  }
  wrap.append(ul);
  if (arg.merges.length) {
    const note = make("p", "merge-note small");
    const steps = arg.merges.map((m) => `${m.score.toFixed(2)} (${m.basis})`).join("; ");
    note.textContent = `Merged paraphrases across documents: ${arg.merges.length === 1 ? "similarity" : "similarities"} ${steps}.`;
    wrap.append(note);
  }
  return wrap;
}

// Each card's <details> and the function that fills its body (see argumentCard).
const bodyBuilders = new WeakMap();

function openDetails(details) {
  bodyBuilders.get(details)?.();
  details.open = true;
}

function argumentCard(id, depth, path) {
  const arg = state.index.args.get(id);
  const li = make("li", `arg-card side-${arg.side} kind-${arg.kind}`);
  li.dataset.id = id;
  if (depth === 0) li.id = `arg-${id}`;
  const details = make("details");
  const summary = make("summary");
  const head = make("div", "arg-head");
  head.append(make("span", "kind-badge", arg.kind === "claim" ? "Claim" : "Premise"), make("span", "arg-text", arg.text));
  const meta = make("div", "arg-meta");
  const strength = make("span", "strength");
  const bar = make("span", "meter");
  meter(bar, arg.strength);
  strength.append(bar, make("span", "strength-value", arg.strength.toFixed(2)));
  const premises = state.index.premisesOf.get(id) ?? [];
  const attackers = state.index.attackersOf.get(id) ?? [];
  const counts = make("span", "arg-counts");
  counts.append(make("span", "source-count", plural(arg.sources.length, "source")));
  if (premises.length) counts.append(make("span", "premise-count", plural(premises.length, "premise")));
  if (attackers.length) counts.append(make("span", "attacker-count", plural(attackers.length, "attacker")));
  meta.append(actorChips(arg.actors), counts, strength);
  summary.append(head, meta);
  details.append(summary);

  // The body is built when first opened: a large map has hundreds of them.
  const build = () => {
    if (details.dataset.built) return;
    details.dataset.built = "true";
    const body = make("div", "arg-body");
    body.append(sourcesList(arg));
    if (premises.length) {
      const part = section("Premises", premises);
      const ol = make("ol", "arg-list nested");
      for (const premise of premises) {
        ol.append(path.has(premise) ? argumentRef(premise) : argumentCard(premise, depth + 1, new Set([...path, premise])));
      }
      part.append(ol);
      body.append(part);
    }
    for (const [title, ids] of [
      ["Attacked by", attackers],
      ["Attacks", state.index.attacksOf.get(id) ?? []],
      ["Supports", depth === 0 ? state.index.supportsOf.get(id) ?? [] : []],
    ]) {
      if (!ids.length) continue;
      const part = section(title, ids);
      const ul = make("ul", "arg-refs");
      for (const other of ids) ul.append(argumentRef(other));
      part.append(ul);
      body.append(part);
    }
    details.append(body);
  };
  bodyBuilders.set(details, build);
  details.addEventListener("toggle", () => {
    if (details.open) build();
  });
  li.append(details);
  return li;
}

function visibleTopLevel(side) {
  const ids = state.index.topLevel[side] ?? [];
  if (state.actor === null) return ids;
  return ids.filter((id) => voicedBy(state.index, id, state.actor));
}

function renderColumns() {
  for (const side of ["pro", "contra", "neutral"]) {
    const list = $(`list-${side}`);
    const ids = visibleTopLevel(side);
    const fragment = document.createDocumentFragment();
    for (const id of ids) fragment.append(argumentCard(id, 0, new Set([id])));
    list.replaceChildren(fragment);
    $(`col-${side}-count`).textContent = String(ids.length);
    const empty = $(`empty-${side}`);
    if (empty) empty.hidden = ids.length > 0;
  }
  $("col-neutral").hidden = (state.index.topLevel.neutral ?? []).length === 0;
}

// ---------------------------------------------------------------- actor filter

function renderFilter() {
  el.filter.replaceChildren();
  const all = make("button", "filter-chip", "Everyone");
  all.type = "button";
  all.dataset.actor = "";
  all.setAttribute("aria-pressed", String(state.actor === null));
  el.filter.append(all);
  const actors = [...state.graph.actors].sort(
    (a, b) => a.position.localeCompare(b.position) || a.name.localeCompare(b.name),
  );
  for (const actor of actors) {
    const chip = make("button", `filter-chip pos-${actor.position}`);
    chip.type = "button";
    chip.dataset.actor = actor.id;
    chip.setAttribute("aria-pressed", String(state.actor === actor.id));
    chip.append(make("span", `side-dot side-${actor.position}`), actor.name, make("span", "count", String(actor.argument_count)));
    chip.title = `${actor.name}: ${sideName(actor.position)}, ${plural(actor.argument_count, "argument")}`;
    el.filter.append(chip);
  }
  const total = Object.values(state.index.topLevel).reduce((n, ids) => n + ids.length, 0);
  if (state.actor === null) {
    el.filterSummary.textContent = `Showing all ${plural(total, "argument")} that hang directly under the proposition; open one for its premises, attackers and sources.`;
  } else {
    const shown = ["pro", "contra", "neutral"].reduce((n, side) => n + visibleTopLevel(side).length, 0);
    el.filterSummary.textContent = `Showing ${shown} of ${plural(total, "argument")}: those ${actorName(state.actor)} voiced, or whose premises they voiced.`;
  }
}

function applyFilter(actorId) {
  state.actor = actorId || null;
  renderFilter();
  renderColumns();
  if (state.svg) {
    let visible = null;
    if (state.actor !== null) {
      visible = new Set(["proposition", state.actor]);
      for (const arg of state.graph.arguments) if (arg.actors.includes(state.actor)) visible.add(arg.id);
    }
    focusGraph(state.svg, visible);
  }
}

// ---------------------------------------------------------------- graph and matrix

function renderGraphPicture() {
  // Laid out for the width the picture has on this page (the same width, the same layout).
  const targetWidth = Math.max(480, el.graph.clientWidth - 2);
  const layout = layoutMap(state.graph, { showActors: el.graphActors.checked, targetWidth });
  const args = state.index.args;
  state.svg = renderGraph(layout, {
    label: `Graph of the argument map: ${plural(state.graph.arguments.length, "argument")}, ${plural(state.graph.actors.length, "actor")}.`,
    sourcesLabel: (n) => plural(n, "source"),
    headerName: (block) => (block === "band" ? sideName("neutral") : sideName(block)),
    describe: (node) => {
      if (node.type === "proposition") return `Proposition: ${state.graph.proposition.text}`;
      if (node.type === "actor") {
        const actor = state.index.actors.get(node.id);
        return `${actor.name} (${sideName(actor.position)}): ${plural(actor.argument_count, "argument")}`;
      }
      const arg = args.get(node.id);
      const who = arg.actors.map(actorName).join(", ") || "no named speaker";
      return `${sideName(arg.side)} ${arg.kind}: ${arg.text}\n${who} · ${plural(arg.sources.length, "source")} · strength ${arg.strength.toFixed(2)}`;
    },
  });
  el.graph.replaceChildren(state.svg);
  applyZoom();
  if (state.actor !== null) applyFilter(state.actor);
}

function applyZoom() {
  if (!state.svg) return;
  // Fit: as wide as the page allows, never wider than actual size; actual size scrolls.
  const natural = `${state.svg.getAttribute("width")}px`;
  const full = state.zoom === "full";
  state.svg.style.width = full ? natural : "100%";
  state.svg.style.maxWidth = full ? "none" : natural;
  for (const button of document.querySelectorAll("[data-zoom]")) {
    button.setAttribute("aria-pressed", String(button.dataset.zoom === state.zoom));
  }
}

function renderMatrix() {
  el.matrix.replaceChildren();
  for (const row of state.graph.positions) {
    const tr = make("tr");
    const name = make("th", null, row.name);
    name.scope = "row";
    tr.append(name);
    for (const side of ["pro", "contra", "neutral"]) {
      const n = row.sides[side] ?? 0;
      const td = make("td", `num cell-${side}${n ? " has" : ""}`, String(n));
      tr.append(td);
    }
    const position = make("td");
    position.append(make("span", `position-badge pos-${row.position}`, sideName(row.position)));
    tr.append(position, make("td", "num", String(Object.keys(row.arguments).length)));
    el.matrix.append(tr);
  }
  if (!state.graph.positions.length) {
    const tr = make("tr");
    const td = make("td", "empty", "No argument in this map names its speaker.");
    td.colSpan = 6;
    tr.append(td);
    el.matrix.append(tr);
  }
}

function renderMap() {
  const g = state.graph;
  el.propositionText.textContent = g.proposition.text;
  el.propositionStrength.textContent = g.proposition.strength.toFixed(2);
  meter(el.propositionMeter, g.proposition.strength);
  el.baseScore.textContent = String(g.strength.base_score);
  if (g.arguments.length > ACTORS_SHOWN_UP_TO && !state.graphActorsChosen) el.graphActors.checked = false;
  renderFilter();
  renderColumns();
  renderGraphPicture();
  renderMatrix();
}

// ---------------------------------------------------------------- jumping to an argument

function findCard(id) {
  return document.getElementById(`arg-${id}`) ?? document.querySelector(`.arg-card[data-id="${CSS.escape(id)}"]`);
}

function openCard(id) {
  let card = findCard(id);
  if (!card) {
    // A premise not rendered yet (or hidden by the actor filter): open the cards above it,
    // from its top-level argument down.
    const chain = [id];
    while (state.index.supportsOf.has(chain[0]) && chain.length <= state.index.args.size) {
      const next = state.index.supportsOf.get(chain[0])[0];
      if (chain.includes(next)) break;
      chain.unshift(next);
    }
    if (!document.getElementById(`arg-${chain[0]}`) && state.actor !== null) applyFilter(null);
    card = document.getElementById(`arg-${chain[0]}`);
    for (const step of chain.slice(1)) {
      if (!card) break;
      openDetails(card.querySelector(":scope > details"));
      card = card.querySelector(`.arg-card[data-id="${CSS.escape(step)}"]`);
    }
  }
  if (!card) return;
  for (let details = card.parentElement?.closest("details"); details; details = details.parentElement?.closest("details")) {
    openDetails(details);
  }
  const details = card.querySelector(":scope > details");
  openDetails(details);
  card.scrollIntoView({ block: "center", behavior: "instant" });
  card.classList.add("flash");
  setTimeout(() => card.classList.remove("flash"), 1600);
  details.querySelector(":scope > summary").focus({ preventScroll: true });
  if (state.svg) selectInGraph(state.svg, id);
}

// ---------------------------------------------------------------- loading

async function loadList() {
  const result = await api("GET", data.urls.maps);
  if (result.status !== 200) {
    el.buildText.textContent = `Could not load the map: ${errorMessage(result)}`;
    return false;
  }
  state.list = result.data;
  state.build = result.data.builds[0] ?? null;
  el.adjudicated.textContent = String(result.data.adjudicated_documents);
  return true;
}

async function showVersion(id) {
  if (id === null) {
    state.versionId = null;
    renderEmpty();
    renderVersion();
    return;
  }
  const result = await api("GET", mapUrl(id, "json"));
  if (result.status !== 200) {
    el.buildText.textContent = `Could not load map version ${id}: ${errorMessage(result)}`;
    return;
  }
  state.graph = result.data;
  state.index = mapIndex(result.data);
  state.versionId = id;
  if (state.actor !== null && !state.index.actors.has(state.actor)) state.actor = null;
  renderEmpty();
  renderVersion();
  renderMap();
}

document.addEventListener("click", (event) => {
  const target = event.target;
  if (target.closest("[data-action=build]")) {
    requestBuild();
    return;
  }
  const chip = target.closest(".filter-chip");
  if (chip) {
    applyFilter(chip.dataset.actor);
    return;
  }
  const jump = target.closest("[data-jump]");
  if (jump) {
    openCard(jump.dataset.jump);
    return;
  }
  const zoom = target.closest("[data-zoom]");
  if (zoom) {
    state.zoom = zoom.dataset.zoom;
    applyZoom();
    return;
  }
  const node = target.closest(".g-node");
  if (node && state.index?.args.has(node.dataset.id)) openCard(node.dataset.id);
  else if (node && state.index?.actors.has(node.dataset.id)) applyFilter(node.dataset.id);
});

el.graphActors.addEventListener("change", () => {
  state.graphActorsChosen = true;
  if (state.graph) renderGraphPicture();
});

async function start() {
  if (await loadList()) {
    await showVersion(state.list.current_version);
    renderStatus();
    poll();
  }
  document.body.dataset.ready = "true";
}

start();
