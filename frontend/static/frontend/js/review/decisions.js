// The decisions outside the unit cards: accept every agreed unit, finish the review (after a
// confirmation), remove a gold relation, copy an annotator's relation to gold, link two gold
// spans with the form.

import { agreedUndecided } from "../review-units.js";
import { change, decide, showNotice } from "./sync.js";

export function listenForDecisions(page) {
  const { state, el } = page;
  el.acceptAgreed?.addEventListener("click", async () => {
    const count = agreedUndecided(state.review.units).length;
    await decide(page, { action: "accept_agreed" }, `Accepted ${count} agreed unit(s)`);
  });

  el.finish?.addEventListener("click", () => {
    el.finishConfirm.hidden = false;
    el.finishConfirm.querySelector("[data-finish=yes]").focus();
  });

  el.finishConfirm?.addEventListener("click", async (event) => {
    const choice = event.target.closest("[data-finish]");
    if (!choice) return;
    el.finishConfirm.hidden = true;
    if (choice.dataset.finish !== "yes") return;
    const answer = await change(page, state.urls.finish, {}, "Adjudicated");
    if (answer) {
      showNotice(page, "success", "Adjudicated: the gold layer is final and its annotators can read it.");
    }
  });

  document.addEventListener("click", async (event) => {
    const target = event.target.closest("button[data-action]");
    if (!target || target.disabled || el.list.contains(target)) return;
    if (target.dataset.action === "unlink") {
      await decide(page, { action: "unlink", relation: Number(target.dataset.relation) }, "Relation removed");
    } else if (target.dataset.action === "link-suggestion") {
      await decide(
        page,
        {
          action: "link",
          source: Number(target.dataset.source),
          target: Number(target.dataset.target),
          type: target.dataset.type,
        },
        "Relation added",
      );
    }
  });

  el.linkForm?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = el.linkForm.elements;
    await decide(
      page,
      {
        action: "link",
        source: Number(form.source.value),
        target: Number(form.target.value),
        type: form.type.value,
      },
      "Relation added",
    );
  });
}
