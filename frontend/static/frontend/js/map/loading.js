// Loading from the map API: the list (current version, builds, versions), a version's graph
// (then its diff and timeline), asking for a build, and following a running build until it is
// done or failed (then the new version is shown).

import { api, errorMessage } from "../api.js";
import { mapIndex } from "../map-layout.js";
import { renderEmpty, renderStatus, renderVersion } from "./build-status.js";
import { loadChanges } from "./changes.js";
import { renderMap } from "./render.js";
import { mapUrl } from "./state.js";
import { loadTimeline } from "./timeline.js";

const POLL_MS = 800;

export async function loadList(page) {
  const { state, el } = page;
  const result = await api("GET", state.urls.maps);
  if (result.status !== 200) {
    el.buildText.textContent = `Could not load the map: ${errorMessage(result)}`;
    return false;
  }
  state.list = result.data;
  state.build = result.data.builds[0] ?? null;
  el.adjudicated.textContent = String(result.data.adjudicated_documents);
  return true;
}

export async function showVersion(page, id) {
  const { state, el } = page;
  if (id === null) {
    state.versionId = null;
    renderEmpty(page);
    renderVersion(page);
    return;
  }
  const result = await api("GET", mapUrl(state, id, "json"));
  if (result.status !== 200) {
    el.buildText.textContent = `Could not load map version ${id}: ${errorMessage(result)}`;
    return;
  }
  state.graph = result.data;
  state.index = mapIndex(result.data);
  state.versionId = id;
  if (state.actor !== null && !state.index.actors.has(state.actor)) state.actor = null;
  renderEmpty(page);
  renderVersion(page);
  renderMap(page);
  // What changed since the version before, and the actors' positions over time.
  await Promise.all([loadChanges(page), loadTimeline(page)]);
}

export async function requestBuild(page) {
  const { state, el } = page;
  const result = await api("POST", state.urls.maps, { body: { reason: "Asked for on the map page" } });
  if (result.status !== 202) {
    el.buildError.hidden = false;
    el.buildError.textContent = `Could not start a build: ${errorMessage(result)}`;
    return;
  }
  await followBuild(page, result.data);
}

/** Show the build a change asked for, and follow it until the new map is shown; a build that
 * finished already (run inline) is shown at once. */
export async function followBuild(page, build) {
  page.state.build = build;
  if (build.status === "done" || build.status === "failed") await afterBuild(page, build);
  renderStatus(page);
  poll(page);
}

async function afterBuild(page, build) {
  const { state } = page;
  await loadList(page);
  state.build = build;
  if (build.status === "done" && state.list.current_version !== state.versionId) {
    await showVersion(page, state.list.current_version);
  }
}

export function poll(page) {
  const { state } = page;
  clearTimeout(state.polling);
  const build = state.build;
  if (!build || (build.status !== "queued" && build.status !== "running")) return;
  state.polling = setTimeout(async () => {
    const result = await api("GET", build.url);
    if (result.status === 200) {
      state.build = result.data;
      if (result.data.status === "done" || result.data.status === "failed") {
        await afterBuild(page, result.data);
      }
      renderStatus(page);
    }
    poll(page);
  }, POLL_MS);
}
