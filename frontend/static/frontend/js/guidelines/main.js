// The guidelines page, as a manager sees it: leaving with an edited text that is not published
// asks first (the browser's own "Leave site?" prompt). Previewing or publishing sends the text,
// so that does not ask; a text the page came back with unpublished (a preview, a refusal)
// counts as edited.

function start() {
  const form = document.getElementById("guidelines-form");
  if (!form) return;
  const source = form.elements.text;
  const served = source.value;
  const unpublished = source.dataset.unpublished === "true";
  let sending = false;
  form.addEventListener("submit", () => {
    sending = true;
  });
  window.addEventListener("beforeunload", (event) => {
    if (sending || (!unpublished && source.value === served)) return;
    event.preventDefault();
    event.returnValue = "";
  });
}

start();
