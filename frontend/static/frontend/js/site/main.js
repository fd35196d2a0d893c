// What a page runs unless it keeps its own state (base.html's head block; the annotate page
// reloads its spans itself): a page the browser brings back from its back/forward cache shows
// the state of when it was left, so it is loaded again instead.
//
// Pages are sent no-store (core/middleware.py), which keeps them out of that cache in most
// browsers; Chrome may still restore one when no HttpOnly cookie changed meanwhile, and a
// document submitted through the API changes none (tests/browser/test_back.py).

window.addEventListener("pageshow", (event) => {
  if (event.persisted) window.location.reload();
});
