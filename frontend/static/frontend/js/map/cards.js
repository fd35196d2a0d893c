// The argument cards in the pro, contra and neutral columns: each top-level argument with its
// actors, counts and strength; opened, its sources (links to the highlighted passage), its
// premises as nested cards, and the arguments that attack it, it attacks or it supports.

import { voicedBy } from "../map-layout.js";
import { curationTools, provenance } from "./curation.js";
import { make, meter } from "./dom.js";
import { actorName, plural, sideName, sourceUrl } from "./state.js";

function actorChips(state, ids) {
  const wrap = make("span", "actor-chips");
  if (!ids.length) {
    wrap.append(make("span", "actor-chip none", "no named speaker"));
    return wrap;
  }
  for (const id of ids) {
    const actor = state.index.actors.get(id);
    const chip = make("span", `actor-chip pos-${actor?.position ?? "neutral"}`, actorName(state, id));
    chip.dataset.actor = id;
    if (id === state.actor) chip.classList.add("match");
    wrap.append(chip);
  }
  return wrap;
}

function argumentRef(state, id) {
  const arg = state.index.args.get(id);
  const li = make("li", `arg-ref side-${arg.side}`);
  const button = make("button", "link arg-jump");
  button.type = "button";
  button.dataset.jump = id;
  button.textContent = arg.text.length > 140 ? `${arg.text.slice(0, 138)}…` : arg.text;
  const meta = make("span", "muted small", ` ${sideName(state, arg.side)} ${arg.kind} · strength ${arg.strength.toFixed(2)}`);
  li.append(make("span", `side-dot side-${arg.side}`), button, meta);
  return li;
}

function section(title, items) {
  const wrap = make("section", "arg-section");
  wrap.append(make("h3", null, `${title} (${items.length})`));
  return wrap;
}

function sourcesList(state, arg) {
  const wrap = section("Sources", arg.sources);
  const ul = make("ul", "sources");
  for (const source of arg.sources) {
    const li = make("li", "source");
    const link = make("a", "source-link", source.document_title);
    link.href = sourceUrl(state, source);
    link.title = "Open the document with this passage highlighted";
    const where = make("span", "muted small", ` · characters ${source.start}–${source.end}`);
    const speaker = source.actor_id ? make("span", "muted small", ` · ${actorName(state, `actor-${source.actor_id}`)}`) : "";
    const quote = make("q", "source-quote", source.quote);
    li.append(link, where, speaker, quote);
    ul.append(li);
  }
  wrap.append(ul, provenance(arg));
  if (state.canCurate) wrap.append(curationTools(state, arg));
  return wrap;
}

/** Open a card's <details>, building its body first if it was never opened. */
export function openDetails(state, details) {
  state.bodyBuilders.get(details)?.();
  details.open = true;
}

function argumentCard(state, id, depth, path) {
  const arg = state.index.args.get(id);
  const li = make("li", `arg-card side-${arg.side} kind-${arg.kind}`);
  li.dataset.id = id;
  if (depth === 0) li.id = `arg-${id}`;
  const details = make("details");
  const summary = make("summary");
  const head = make("div", "arg-head");
  head.append(make("span", "kind-badge", arg.kind === "claim" ? "Claim" : "Premise"), make("span", "arg-text", arg.text));
  const meta = make("div", "arg-meta");
  const strength = make("span", "strength");
  const bar = make("span", "meter");
  meter(bar, arg.strength);
  strength.append(bar, make("span", "strength-value", arg.strength.toFixed(2)));
  const premises = state.index.premisesOf.get(id) ?? [];
  const attackers = state.index.attackersOf.get(id) ?? [];
  const counts = make("span", "arg-counts");
  counts.append(make("span", "source-count", plural(arg.sources.length, "source")));
  if (premises.length) counts.append(make("span", "premise-count", plural(premises.length, "premise")));
  if (attackers.length) counts.append(make("span", "attacker-count", plural(attackers.length, "attacker")));
  meta.append(actorChips(state, arg.actors), counts, strength);
  summary.append(head, meta);
  details.append(summary);

  // The body is built when first opened: a large map has hundreds of them.
  const build = () => {
    if (details.dataset.built) return;
    details.dataset.built = "true";
    const body = make("div", "arg-body");
    body.append(sourcesList(state, arg));
    if (premises.length) {
      const part = section("Premises", premises);
      const ol = make("ol", "arg-list nested");
      for (const premise of premises) {
        ol.append(
          path.has(premise)
            ? argumentRef(state, premise)
            : argumentCard(state, premise, depth + 1, new Set([...path, premise])),
        );
      }
      part.append(ol);
      body.append(part);
    }
    for (const [title, ids] of [
      ["Attacked by", attackers],
      ["Attacks", state.index.attacksOf.get(id) ?? []],
      ["Supports", depth === 0 ? state.index.supportsOf.get(id) ?? [] : []],
    ]) {
      if (!ids.length) continue;
      const part = section(title, ids);
      const ul = make("ul", "arg-refs");
      for (const other of ids) ul.append(argumentRef(state, other));
      part.append(ul);
      body.append(part);
    }
    details.append(body);
  };
  state.bodyBuilders.set(details, build);
  details.addEventListener("toggle", () => {
    if (details.open) build();
  });
  li.append(details);
  return li;
}

/** The top-level arguments of a side the actor filter shows. */
export function visibleTopLevel(state, side) {
  const ids = state.index.topLevel[side] ?? [];
  if (state.actor === null) return ids;
  return ids.filter((id) => voicedBy(state.index, id, state.actor));
}

export function renderColumns(page) {
  const { state, el } = page;
  for (const side of ["pro", "contra", "neutral"]) {
    const column = el.columns[side];
    const ids = visibleTopLevel(state, side);
    const fragment = document.createDocumentFragment();
    for (const id of ids) fragment.append(argumentCard(state, id, 0, new Set([id])));
    column.list.replaceChildren(fragment);
    column.count.textContent = String(ids.length);
    const empty = column.empty;
    if (empty) empty.hidden = ids.length > 0;
  }
  el.neutralColumn.hidden = (state.index.topLevel.neutral ?? []).length === 0;
}
