// The argument map page: the current map of a debate in two columns (pro, contra) under its
// proposition, filterable by actor, with every argument's sources, premises and attackers, a
// picture of the whole map, the actor x position matrix, what changed since another version,
// each actor's positions over time, and the build status (progress, rebuild, errors).
// Everything comes from the map API; the layout logic is in map-layout.js and map-history.js.
//
// This entry is the only module that reads the document at load: it creates the state, looks
// up the elements and hands both, as one `page` object, to the modules that draw and load.

import { renderStatus } from "./build-status.js";
import { loadChanges } from "./changes.js";
import { confirmCurate, loadDecisions, openCurate, undoDecision } from "./curation.js";
import { findElements } from "./elements.js";
import { applyFilter } from "./filter.js";
import { openCard } from "./jump.js";
import { loadList, poll, requestBuild, showVersion } from "./loading.js";
import { applyZoom, renderGraphPicture } from "./picture.js";
import { createState } from "./state.js";

function listen(page) {
  const { state, el } = page;
  document.addEventListener("click", (event) => {
    const target = event.target;
    if (target.closest("[data-action=build]")) {
      requestBuild(page);
      return;
    }
    const curate = target.closest("[data-curate]");
    if (curate) {
      openCurate(page, curate.dataset.curate, curate.dataset.id);
      return;
    }
    const undo = target.closest("[data-undo]");
    if (undo) {
      undoDecision(page, undo.dataset.undo);
      return;
    }
    const chip = target.closest(".filter-chip");
    if (chip) {
      applyFilter(page, chip.dataset.actor);
      return;
    }
    const jump = target.closest("[data-jump]");
    if (jump) {
      openCard(page, jump.dataset.jump);
      return;
    }
    const zoom = target.closest("[data-zoom]");
    if (zoom) {
      state.zoom = zoom.dataset.zoom;
      applyZoom(page);
      return;
    }
    const node = target.closest(".g-node");
    if (node && state.index?.args.has(node.dataset.id)) openCard(page, node.dataset.id);
    else if (node && state.index?.actors.has(node.dataset.id)) applyFilter(page, node.dataset.id);
  });

  el.graphActors.addEventListener("change", () => {
    state.graphActorsChosen = true;
    if (state.graph) renderGraphPicture(page);
  });

  el.compareWith.addEventListener("change", () => {
    loadChanges(page, Number(el.compareWith.value));
  });

  el.curateForm?.addEventListener("submit", (event) => {
    event.preventDefault();
    if (event.submitter?.value === "cancel") el.curateDialog.close();
    else confirmCurate(page);
  });
}

async function start() {
  const data = JSON.parse(document.getElementById("map-data").textContent);
  const page = { state: createState(data), el: findElements(document) };
  listen(page);
  if (await loadList(page)) {
    await showVersion(page, page.state.list.current_version);
    renderStatus(page);
    poll(page);
    await loadDecisions(page);
  }
  document.body.dataset.ready = "true";
}

start();
