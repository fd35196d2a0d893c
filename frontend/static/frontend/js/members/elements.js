// The members page's elements, looked up once by the entry (main.js).

export function findElements(document) {
  const $ = (id) => document.getElementById(id);
  return {
    addForm: $("add-form"),
    addBy: $("add-by"),
    addWho: $("add-who"),
    addWhoLabel: $("add-who-label"),
    addRole: $("add-role"),
    addSubmit: $("add-submit"),
    status: $("members-status"),
    error: $("members-error"),
    count: $("members-count"),
    rows: $("members-rows"),
    removeDialog: $("remove-dialog"),
    removeForm: $("remove-form"),
    removeText: $("remove-text"),
    suggestForm: $("suggest-form"),
    suggestMode: $("suggest-mode"),
    suggestNone: $("suggest-none"),
    suggestChoices: $("suggest-choices"),
    suggestSubmit: $("suggest-submit"),
  };
}
