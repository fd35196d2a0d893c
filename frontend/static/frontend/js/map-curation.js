// Reviewers' curation of the map's merges, without a DOM: how each merge step and split reads
// ("merged by similarity 0.83", "joined by reviewer rev1", "split by reviewer rev1"), the two
// groups of spans a split or a join names, the arguments an argument may be joined with, and
// how a decision reads in the page's Curation list.

const REVIEWER_JOIN = "reviewer-join";
const REVIEWER_SPLIT = "reviewer-split";

/** Return how one merge step of an argument came about, in words. */
export function mergeText(step) {
  if (step.method === REVIEWER_JOIN) return `joined by reviewer ${step.by}`;
  if (step.method === REVIEWER_SPLIT) return `kept together by reviewer ${step.by}'s split`;
  return `merged by similarity ${step.score.toFixed(2)} (${step.basis})`;
}

/** Return how a reviewer's split shaped an argument, in words. */
export function curationNoteText(note) {
  const count = note.span_ids.length;
  return `split by reviewer ${note.by}: kept apart from ${count} ${count === 1 ? "source" : "sources"}`;
}

/** Return a split's body: the chosen sources split off, the others left; null unless both
 * parts have at least one source. */
export function splitBody(sources, chosen) {
  const spans = [];
  const others = [];
  for (const source of sources) (chosen.has(source.span_id) ? spans : others).push(Number(source.span_id));
  if (!spans.length || !others.length) return null;
  return { kind: "split", spans, other_spans: others };
}

/** Return a join's body: the sources of both arguments. */
export function joinBody(first, second) {
  return {
    kind: "join",
    spans: first.sources.map((s) => Number(s.span_id)),
    other_spans: second.sources.map((s) => Number(s.span_id)),
  };
}

/** Return the arguments an argument may be joined with: the others of its side and kind. */
export function joinCandidates(args, arg) {
  return args.filter((other) => other.id !== arg.id && other.side === arg.side && other.kind === arg.kind);
}

/** Return how a decision reads in the Curation list. */
export function decisionText(decision) {
  const spans = (ids) => ids.join(", ");
  const what =
    decision.kind === "join"
      ? `Joined the arguments of spans ${spans(decision.spans)} and ${spans(decision.other_spans)}`
      : `Split spans ${spans(decision.spans)} off from ${spans(decision.other_spans)}`;
  return `${what}, by ${decision.by}`;
}
