// The map page's elements, looked up once by the entry (main.js). The build buttons are null
// for a reader who may not build maps.

const SIDES = ["pro", "contra", "neutral"];

export function findElements(document) {
  const $ = (id) => document.getElementById(id);
  return {
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
    // Each side's column: its list of arguments, its count and its "no arguments" line (the
    // neutral column has none, and is hidden while empty).
    columns: Object.fromEntries(
      SIDES.map((side) => [side, { list: $(`list-${side}`), count: $(`col-${side}-count`), empty: $(`empty-${side}`) }]),
    ),
    neutralColumn: $("col-neutral"),
    zoomButtons: [...document.querySelectorAll("[data-zoom]")],
    changesTitle: $("changes-title"),
    compareLabel: $("compare-label"),
    compareWith: $("compare-with"),
    changesSummary: $("changes-summary"),
    changesLists: $("changes-lists"),
    timelineSummary: $("timeline-summary"),
    timelineChart: $("timeline-chart"),
    timelineTable: $("timeline-table"),
    timelineRows: $("timeline-rows"),
    timelineUndated: $("timeline-undated"),
    timelineUndatedList: $("timeline-undated-list"),
    curationList: $("curation-list"),
    curationEmpty: $("curation-empty"),
    curationError: $("curation-error"),
    // The split/join dialog: null for a reader who may not curate.
    curateDialog: $("curate-dialog"),
    curateForm: $("curate-form"),
    curateTitle: $("curate-title"),
    curateHelp: $("curate-help"),
    curateChoices: $("curate-choices"),
    curateLegend: $("curate-legend"),
    curateError: $("curate-error"),
    curateConfirm: $("curate-confirm"),
  };
}
