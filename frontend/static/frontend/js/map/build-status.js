// The build line and what the page shows without a map: the latest build's state (queued,
// running with its progress, done, failed with its error), the version shown with its
// downloads, and the empty state (nothing adjudicated yet, or no map built yet).

import { make } from "./dom.js";
import { mapUrl, plural, when } from "./state.js";

export function renderStatus(page) {
  const { state, el } = page;
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

export function renderVersion(page) {
  const { state, el } = page;
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
  state.formats.forEach((format, i) => {
    const a = make("a", "download", format.label);
    a.href = mapUrl(state, id, format.name);
    a.setAttribute("download", "");
    a.title = `${format.label} (${format.type})`;
    if (i) el.downloads.append(" · ");
    el.downloads.append(a);
  });
}

export function renderEmpty(page) {
  const { state, el } = page;
  const none = state.versionId === null;
  el.empty.hidden = !none;
  el.body.hidden = none;
  if (el.rebuild) el.rebuild.hidden = none; // the empty state has its own button
  if (!none) return;
  const adjudicated = state.list?.adjudicated_documents ?? state.adjudicated;
  if (adjudicated === 0) {
    el.emptyTitle.textContent = "No adjudicated documents yet";
    el.emptyText.textContent =
      "The map is built from the gold layer: once reviewers have adjudicated a document, its arguments can be mapped here.";
    if (el.buildFirst) el.buildFirst.hidden = true;
  } else {
    el.emptyTitle.textContent = "Build the first map";
    el.emptyText.textContent = state.canBuild
      ? `${plural(adjudicated, "adjudicated document")} ${adjudicated === 1 ? "is" : "are"} ready to be mapped.`
      : `${plural(adjudicated, "adjudicated document")} ${adjudicated === 1 ? "is" : "are"} ready; a reviewer or manager of this debate can build the map.`;
    if (el.buildFirst) el.buildFirst.hidden = false;
  }
}
