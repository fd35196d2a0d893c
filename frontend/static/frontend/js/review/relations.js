// The gold relations: those in gold (with Remove), the annotators' relations between gold
// spans (with Copy to gold), and the form that links two gold spans.

import { button, make } from "./dom.js";
import { decidable, goldSpanLabel } from "./state.js";

export function renderRelations(page) {
  const { state, el } = page;
  const gold = new Map(state.review.gold_spans.map((span) => [span.id, span]));
  const items = state.review.gold_relations.map((relation) => {
    const li = make("li", "relation");
    const type = state.relationByKey.get(relation.type);
    li.append(
      make("span", "", goldSpanLabel(state, gold.get(relation.source))),
      make("strong", "relation-type", ` ${type ? type.label.toLowerCase() : relation.type} `),
      make("span", "", goldSpanLabel(state, gold.get(relation.target))),
      " ",
      button(state, "Remove", "unlink", {
        data: { relation: String(relation.id) },
        aria: "Remove this relation",
      }),
    );
    return li;
  });
  if (items.length === 0) items.push(make("li", "empty", "No gold relations yet."));
  el.relations.replaceChildren(...items);

  const suggestions = state.review.relation_suggestions.map((s) => {
    const li = make("li", "suggestion");
    const type = state.relationByKey.get(s.type);
    li.append(
      make("span", "muted", `${s.layer}: `),
      make("span", "", goldSpanLabel(state, gold.get(s.source))),
      make("strong", "relation-type", ` ${type ? type.label.toLowerCase() : s.type} `),
      make("span", "", goldSpanLabel(state, gold.get(s.target))),
      " ",
      button(state, "Copy to gold", "link-suggestion", {
        data: { source: String(s.source), target: String(s.target), type: s.type },
      }),
    );
    return li;
  });
  if (suggestions.length && decidable(state)) {
    const list = make("ul", "relation-list");
    list.append(...suggestions);
    el.suggestions.replaceChildren(
      make("h3", "", "Annotators' relations between gold spans"),
      list,
    );
  } else {
    el.suggestions.replaceChildren();
  }

  if (el.linkForm) {
    for (const name of ["source", "target"]) {
      const select = el.linkForm.elements[name];
      const previous = select.value;
      select.replaceChildren(
        ...state.review.gold_spans.map((span) => {
          const option = make("option", "", goldSpanLabel(state, span));
          option.value = String(span.id);
          return option;
        }),
      );
      if ([...select.options].some((o) => o.value === previous)) select.value = previous;
    }
    const { source, target } = el.linkForm.elements;
    if (source.value === target.value && target.options.length > 1) {
      target.selectedIndex = source.selectedIndex === 0 ? 1 : 0; // a span never links to itself
    }
    // Linking needs two gold spans; until then the form would only offer empty lists.
    el.linkForm.hidden = state.review.gold_spans.length < 2 || !decidable(state);
  }
}
