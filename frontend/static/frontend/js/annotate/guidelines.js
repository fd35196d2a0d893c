// The annotate page's guidelines: the "Guidelines" button opens a side panel with the debate's
// guidelines, HTML the server rendered from Markdown and sanitized (debate/markdown.py), so it
// goes into the panel as it is. While the reader has not confirmed the current version, the
// panel opens by itself, modal, with "I have read them" (a plain form: the server records the
// version and sends the reader back to this page).
//
// Keys typed in the panel stay in it, so the page's shortcuts (J, K, T, the digits...) do not
// act on the document behind it; Esc closes it and gives the focus back to the button.

export function findGuidelinesElements(root) {
  return {
    toggle: root.getElementById("guidelines-toggle"),
    panel: root.getElementById("guidelines-panel"),
    close: root.getElementById("guidelines-close"),
    body: root.getElementById("guidelines-body"),
  };
}

/** Wire the toggle and the panel to the page's guidelines data; return the panel's controls. */
export function listenForGuidelines(root, guidelines) {
  const el = findGuidelinesElements(root);
  if (!el.toggle || !el.panel || !guidelines) return null;
  if (guidelines.version && el.body) el.body.innerHTML = guidelines.html;

  const open = (modal) => {
    if (el.panel.open) el.panel.close();
    if (modal) el.panel.showModal();
    else el.panel.show();
    el.toggle.setAttribute("aria-expanded", "true");
    el.close.focus();
  };
  const close = () => {
    if (el.panel.open) el.panel.close();
  };
  el.panel.addEventListener("close", () => {
    el.toggle.setAttribute("aria-expanded", "false");
    el.toggle.focus();
  });
  el.toggle.addEventListener("click", () => (el.panel.open ? close() : open(false)));
  el.close.addEventListener("click", close);
  el.panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
    event.stopPropagation();
  });
  if (guidelines.must_read) open(true);
  return { open, close };
}
