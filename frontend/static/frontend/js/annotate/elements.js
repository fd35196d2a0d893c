// The annotate page's elements, looked up once by the entry (main.js) and passed to the
// modules that draw into them or listen on them. Those of the submit button and its confirm
// box are null on a read-only page.

export function findElements(document) {
  const $ = (id) => document.getElementById(id);
  return {
    text: $("doc-text"),
    list: $("span-list"),
    count: $("span-count"),
    empty: $("span-empty"),
    status: $("save-status"),
    failures: $("save-failures"),
    notice: $("notice"),
    popover: $("tag-popover"),
    form: $("tag-form"),
    popTitle: $("tag-title"),
    quote: $("tag-quote"),
    actor: $("tag-actor"),
    actorHint: $("tag-actor-hint"),
    choiceHint: $("tag-choice-hint"),
    formError: $("tag-error"),
    note: $("tag-note"),
    tagCancel: $("tag-cancel"),
    snap: $("snap-words"),
    detail: $("span-detail"),
    help: $("help"),
    submit: $("submit-doc"),
    submitConfirm: $("submit-confirm"),
    docStatus: $("doc-status"),
    nextDoc: $("next-doc"),
    mode: $("mode"),
    readOnly: $("read-only"),
    startButton: $("start-annotating"),
    startConfirm: $("start-confirm"),
    undo: $("undo"),
    redo: $("redo"),
    suggestions: $("suggestions"),
    suggestionCount: $("suggestion-count"),
    suggestionNote: $("suggestion-note"),
    suggestionList: $("suggestion-list"),
  };
}
