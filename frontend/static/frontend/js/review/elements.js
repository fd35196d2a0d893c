// The review page's elements, looked up once by the entry (main.js). Those of the decisions
// (accept all, finish, the editor, the link form, "Add to gold") are null on a read-only page.

export function findElements(document) {
  const $ = (id) => document.getElementById(id);
  return {
    text: $("review-text"),
    legend: $("layer-legend"),
    figures: $("review-figures"),
    list: $("unit-list"),
    count: $("unit-count"),
    empty: $("units-empty"),
    status: $("review-save"),
    notice: $("review-notice"),
    version: $("review-version"),
    docStatus: $("review-doc-status"),
    acceptAgreed: $("accept-agreed"),
    finish: $("finish-review"),
    finishConfirm: $("finish-confirm"),
    addSpan: $("add-span"),
    relations: $("relation-list"),
    suggestions: $("relation-suggestions"),
    linkForm: $("link-form"),
    dialog: $("edit-dialog"),
    form: $("edit-form"),
    editTitle: $("edit-title"),
    editQuote: $("edit-quote"),
    editError: $("edit-error"),
    editCancel: $("edit-cancel"),
    editFromSelection: $("edit-from-selection"),
    filters: [...document.querySelectorAll("[data-filter]")],
  };
}
