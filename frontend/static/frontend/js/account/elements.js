// The account page's elements, looked up once by the entry (main.js).

export function findElements(document) {
  const $ = (id) => document.getElementById(id);
  return {
    form: $("token-form"),
    name: $("token-name"),
    days: $("token-days"),
    submit: $("token-submit"),
    fresh: $("new-token"),
    freshName: $("new-token-name"),
    freshKey: $("new-token-key"),
    copy: $("new-token-copy"),
    status: $("tokens-status"),
    error: $("tokens-error"),
    empty: $("tokens-empty"),
    table: $("tokens-table"),
    rows: $("tokens-rows"),
    count: $("tokens-count"),
    dialog: $("revoke-dialog"),
    dialogForm: $("revoke-form"),
    dialogText: $("revoke-text"),
  };
}

