// Pure helpers of the review page: how a unit is described, filtered and drawn.
//
// No DOM and no fetch: imported by review.js and by node --test. Offsets here are whatever
// the caller passes (the page passes UTF-16 offsets, converted once with offsets.js).

/** Colours of the annotators' underline lanes, in layer order; gold is shaded, not a lane. */
export const LAYER_COLORS = ["#8250df", "#0a7d5a", "#bf3989", "#9a6700", "#0550ae", "#cf222e"];
export const GOLD_TINT = "rgba(212, 167, 44, 0.32)";
const LANE = 3; // px per underline
const GAP = 1; // px between underlines

/** Return the lane colour of the annotator at ``index`` (wraps after six annotators). */
export function layerColor(index) {
  return LAYER_COLORS[((index % LAYER_COLORS.length) + LAYER_COLORS.length) % LAYER_COLORS.length];
}

/**
 * Return the CSS background of a text run covered by the given lanes (annotator indexes)
 * and, if ``gold``, by a gold span: one underline per lane, stacked from the bottom in
 * layer order so each annotator always sits at the same height, and a tint for gold.
 * ``lanesTotal`` is the number of annotators, so every run reserves the same space.
 */
export function laneBackground(lanes, { gold = false, lanesTotal = lanes.length } = {}) {
  const images = [];
  const sizes = [];
  const positions = [];
  for (const lane of [...lanes].sort((a, b) => a - b)) {
    const color = layerColor(lane);
    images.push(`linear-gradient(${color}, ${color})`);
    sizes.push(`100% ${LANE}px`);
    positions.push(`left 0 bottom ${lane * (LANE + GAP)}px`);
  }
  if (gold) {
    images.push(`linear-gradient(${GOLD_TINT}, ${GOLD_TINT})`);
    sizes.push(`100% calc(100% - ${lanesTotal * (LANE + GAP)}px)`);
    positions.push("left 0 top 0");
  }
  return {
    backgroundImage: images.join(", "),
    backgroundSize: sizes.join(", "),
    backgroundPosition: positions.join(", "),
    paddingBottom: `${lanesTotal * (LANE + GAP)}px`,
  };
}

/**
 * Split a unit's stretch ``[unitStart, unitEnd)`` into the parts inside and outside one
 * span ``[spanStart, spanEnd)``, so a version can be shown in the unit's context with its
 * own boundaries marked. Returns [{start, end, inside}] covering the stretch, no empty part.
 */
export function contextParts(unitStart, unitEnd, spanStart, spanEnd) {
  const start = Math.max(unitStart, Math.min(spanStart, unitEnd));
  const end = Math.max(start, Math.min(spanEnd, unitEnd));
  return [
    { start: unitStart, end: start, inside: false },
    { start, end, inside: true },
    { start: end, end: unitEnd, inside: false },
  ].filter((part) => part.end > part.start);
}

/** Return whether a unit shows under a filter: ``all``, ``differ`` or ``undecided``. */
export function matchesFilter(unit, filter) {
  if (filter === "differ") return unit.origin === "aligned" && !unit.agreed;
  if (filter === "undecided") return unit.state === "undecided";
  return true;
}

/**
 * Return how the annotators relate on a unit: {kind, text}. ``kind`` is ``agreed``,
 * ``differs`` (all marked it, differently), ``partial`` (some did not mark it) or ``gold``
 * (a span the reviewer added). ``text`` names the differing attributes or who marked it.
 */
export function agreementOf(unit) {
  if (unit.origin === "gold") return { kind: "gold", text: "Added in review" };
  if (unit.agreed) return { kind: "agreed", text: "All agree" };
  if (unit.missing.length > 0) {
    const marked = unit.spans.map((span) => span.layer);
    const who = marked.length === 1 ? `Only ${marked[0]}` : `Not ${unit.missing.join(", ")}`;
    const differs = unit.differing.length ? ` · differ: ${unit.differing.join(", ")}` : "";
    return { kind: "partial", text: who + differs };
  }
  return { kind: "differs", text: `Differ: ${unit.differing.join(", ")}` };
}

/** Return an alpha or F1 for display: two decimals, or "n/a" where undefined. */
export function formatFigure(value) {
  return value === null || value === undefined ? "n/a" : value.toFixed(2);
}

/** Return the units the page can accept at once: agreed by all and still undecided. */
export function agreedUndecided(units) {
  return units.filter((unit) => unit.agreed && unit.state === "undecided");
}

/** Return the next unit key in ``keys`` after ``current`` (``step`` 1 or -1), clamped. */
export function stepKey(keys, current, step) {
  if (keys.length === 0) return null;
  const index = keys.indexOf(current);
  if (index === -1) return step > 0 ? keys[0] : keys[keys.length - 1];
  return keys[Math.min(keys.length - 1, Math.max(0, index + step))];
}
