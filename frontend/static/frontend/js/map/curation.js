// Reviewers curate the map's merges: "Split…" on an argument with several sources picks the
// sources to split off, "Join…" picks a second argument of the same side and kind, each in a
// dialog that asks for confirmation; the Curation list shows every decision with who and when,
// and Undo. Each change asks for a build, which the page follows (loading.js) and redraws.

import { api, errorMessage } from "../api.js";
import { curationNoteText, decisionText, joinBody, joinCandidates, mergeText, splitBody } from "../map-curation.js";
import { make } from "./dom.js";
import { followBuild } from "./loading.js";
import { when } from "./state.js";

/** Return a card's provenance lines: how its sources were merged and the splits that shaped it. */
export function provenance(arg) {
  const wrap = make("div", "provenance");
  if (arg.merges.length) {
    const note = make("p", "merge-note small", "Merged paraphrases across documents:");
    const list = make("ul", "merge-steps");
    for (const step of arg.merges) list.append(make("li", `merge-step method-${step.method}`, mergeText(step)));
    wrap.append(note, list);
  }
  for (const mark of arg.curation ?? []) {
    wrap.append(make("p", "merge-note split-note small", `${curationNoteText(mark)} (${when(mark.at)}).`));
  }
  return wrap;
}

/** Return the reviewer's Split… and Join… buttons of an argument card. */
export function curationTools(state, arg) {
  const tools = make("div", "curation-tools");
  if (arg.sources.length > 1) {
    const split = make("button", "small", "Split…");
    split.type = "button";
    split.dataset.curate = "split";
    split.dataset.id = arg.id;
    tools.append(split);
  }
  if (joinCandidates(state.graph.arguments, arg).length) {
    const join = make("button", "small", "Join…");
    join.type = "button";
    join.dataset.curate = "join";
    join.dataset.id = arg.id;
    tools.append(join);
  }
  return tools;
}

function choice(type, name, value, label, detail) {
  const row = make("label", "curate-choice");
  const input = make("input");
  input.type = type;
  input.name = name;
  input.value = value;
  const text = make("span", "curate-choice-text", label);
  if (detail) text.append(make("span", "muted small", ` ${detail}`));
  row.append(input, text);
  return row;
}

/** Open the dialog that picks what to split off an argument, or what to join it with. */
export function openCurate(page, kind, id) {
  const { state, el } = page;
  const arg = state.index.args.get(id);
  state.curating = { kind, id };
  el.curateError.hidden = true;
  const choices = [];
  if (kind === "split") {
    el.curateTitle.textContent = "Split an argument";
    el.curateHelp.textContent = `Tick the sources to split off “${arg.text}”: they become an argument of their own, and similarity never merges them back. Leave at least one.`;
    el.curateConfirm.textContent = "Split off";
    for (const source of arg.sources) choices.push(choice("checkbox", "spans", source.span_id, source.quote, `(${source.document_title})`));
  } else {
    el.curateTitle.textContent = "Join two arguments";
    el.curateHelp.textContent = `Pick the argument to join with “${arg.text}”: both become one argument.`;
    el.curateConfirm.textContent = "Join";
    for (const other of joinCandidates(state.graph.arguments, arg)) {
      choices.push(choice("radio", "with", other.id, other.text, `(${other.sources.length} ${other.sources.length === 1 ? "source" : "sources"})`));
    }
  }
  el.curateLegend.textContent = kind === "split" ? "Sources to split off" : "Argument to join with";
  el.curateChoices.replaceChildren(el.curateLegend, ...choices);
  el.curateDialog.showModal();
  choices[0]?.querySelector("input").focus();
}

function picked(el, name) {
  return [...el.curateChoices.querySelectorAll(`input[name=${name}]:checked`)].map((input) => input.value);
}

/** Send the decision the dialog describes; keep the dialog open with the reason if refused. */
export async function confirmCurate(page) {
  const { state, el } = page;
  const { kind, id } = state.curating ?? {};
  const arg = state.index.args.get(id);
  let body = null;
  if (kind === "split") {
    body = splitBody(arg.sources, new Set(picked(el, "spans")));
    if (!body) return showError(el, "Tick at least one source to split off, and leave at least one.");
  } else {
    const [other] = picked(el, "with");
    if (!other) return showError(el, "Pick the argument to join with.");
    body = joinBody(arg, state.index.args.get(other));
  }
  el.curateConfirm.disabled = true;
  const result = await api("POST", state.urls.decisions, { body });
  el.curateConfirm.disabled = false;
  if (result.status !== 201) return showError(el, `Not recorded: ${errorMessage(result)}`);
  el.curateDialog.close();
  state.curating = null;
  await followBuild(page, result.data.build);
  await loadDecisions(page);
}

function showError(el, message) {
  el.curateError.textContent = message;
  el.curateError.hidden = false;
}

/** Undo a decision, then follow the build it asked for. */
export async function undoDecision(page, url) {
  const { el } = page;
  const result = await api("POST", url);
  if (result.status !== 200) {
    el.curationError.textContent = `Could not undo: ${errorMessage(result)}`;
    el.curationError.hidden = false;
    return;
  }
  el.curationError.hidden = true;
  await followBuild(page, result.data.build);
  await loadDecisions(page);
}

/** Load and draw the debate's merge decisions, newest first. */
export async function loadDecisions(page) {
  const { state, el } = page;
  const result = await api("GET", state.urls.decisions);
  if (result.status !== 200) {
    el.curationError.textContent = `Could not load the decisions: ${errorMessage(result)}`;
    el.curationError.hidden = false;
    return;
  }
  state.decisions = result.data.results;
  renderDecisions(page);
}

export function renderDecisions(page) {
  const { state, el } = page;
  const items = state.decisions ?? [];
  el.curationEmpty.hidden = items.length > 0;
  el.curationList.replaceChildren(
    ...items.map((decision) => {
      const li = make("li", `curation-item kind-${decision.kind}${decision.undone_at ? " undone" : ""}`);
      li.dataset.decision = String(decision.id);
      li.append(make("span", "curation-text", `${decisionText(decision)}, ${when(decision.at)}.`));
      if (decision.undone_at) {
        li.append(make("span", "muted small", ` Undone by ${decision.undone_by}, ${when(decision.undone_at)}.`));
      } else if (state.canCurate) {
        const undo = make("button", "small", "Undo");
        undo.type = "button";
        undo.dataset.undo = decision.undo_url;
        undo.setAttribute("aria-label", `Undo decision ${decision.id}`);
        li.append(" ", undo);
      }
      return li;
    }),
  );
}
