// Pure geometry of the dashboard's charts: scales, bar rows, stacked bars, heat levels.
//
// No DOM: dashboard.js turns these numbers into SVG, node --test checks them.

/**
 * Return a linear scale from ``domain`` [d0, d1] onto ``range`` [r0, r1]; values outside
 * the domain are clamped, so a bar never leaves its chart.
 */
export function linearScale([d0, d1], [r0, r1]) {
  if (d1 === d0) throw new RangeError("the domain is empty");
  return (value) => {
    const clamped = Math.min(Math.max(value, Math.min(d0, d1)), Math.max(d0, d1));
    return r0 + ((clamped - d0) / (d1 - d0)) * (r1 - r0);
  };
}

/**
 * Return the domain of an agreement chart: [lowest, 1], where lowest is 0 unless a value is
 * negative (alpha can be: worse than chance), then rounded down to a tenth.
 */
export function agreementDomain(values) {
  const known = values.filter((v) => v !== null && v !== undefined && Number.isFinite(v));
  const lowest = Math.min(0, ...known);
  return [lowest < 0 ? Math.floor(lowest * 10) / 10 : 0, 1];
}

/** Bars narrower than this (in chart units) cannot be seen: they are drawn as a zero mark. */
export const MIN_BAR_WIDTH = 2;

/**
 * Lay out horizontal bars: one row per item, each with any number of series.
 *
 * items: [{label, values: [number|null, ...]}]; returns {height, rows: [{label, y, bars:
 * [{series, kind, x, width, y, height, value}]}], zero} where x/width are in the plot area
 * [plotLeft, plotRight]. ``kind`` says how to draw a bar: "bar", "zero" for a value too close
 * to 0 to show as a bar (0.00 is a result, drawn as a mark on the zero line), or "na" for a
 * null value (undefined: no mark at all, only the words "n/a").
 */
export function barRows(
  items,
  {
    domain = [0, 1],
    plotLeft = 120,
    plotRight = 520,
    barHeight = 14,
    barGap = 3,
    rowGap = 12,
    top = 8,
    minWidth = MIN_BAR_WIDTH,
  } = {},
) {
  const scale = linearScale(domain, [plotLeft, plotRight]);
  const zero = scale(Math.max(domain[0], Math.min(0, domain[1])));
  let y = top;
  const rows = items.map((item) => {
    const rowTop = y;
    const bars = item.values.map((value, series) => {
      const barY = rowTop + series * (barHeight + barGap);
      if (value === null || value === undefined) {
        return { series, kind: "na", x: zero, width: 0, y: barY, height: barHeight, value: null };
      }
      const end = scale(value);
      const width = Math.abs(end - zero);
      return {
        series,
        kind: width < minWidth ? "zero" : "bar",
        x: Math.min(zero, end),
        width,
        y: barY,
        height: barHeight,
        value,
      };
    });
    const rowHeight = item.values.length * (barHeight + barGap) - barGap;
    y += rowHeight + rowGap;
    return { label: item.label, y: rowTop, height: rowHeight, bars };
  });
  return { height: y - rowGap + top, rows, zero, scale };
}

/**
 * Split a total width into stacked segments, one per key in ``order`` with a count > 0.
 * Returns [{key, count, x, width}] whose widths add up to ``width`` exactly (the last
 * segment absorbs rounding); an all-zero total gives [].
 */
export function stackSegments(counts, order, width) {
  const total = order.reduce((sum, key) => sum + (counts[key] || 0), 0);
  if (total === 0) return [];
  const segments = [];
  let x = 0;
  const present = order.filter((key) => (counts[key] || 0) > 0);
  present.forEach((key, index) => {
    const count = counts[key];
    const segmentWidth =
      index === present.length - 1 ? width - x : Math.round((count / total) * width * 100) / 100;
    segments.push({ key, count, x, width: segmentWidth });
    x += segmentWidth;
  });
  return segments;
}

/** Return each cell's share of the matrix's largest count, 0..1 (0 for an empty matrix). */
export function heat(counts) {
  const largest = Math.max(0, ...counts.flat());
  return counts.map((row) => row.map((count) => (largest ? count / largest : 0)));
}

/**
 * Return the share of matched units on which a pair gave the same stance, from a confusion
 * matrix whose last label is null ("did not mark"); null when nothing was matched.
 */
export function stanceAccord(matrix) {
  let same = 0;
  let matched = 0;
  matrix.labels.forEach((row, i) => {
    matrix.labels.forEach((column, j) => {
      if (row === null || column === null) return;
      matched += matrix.counts[i][j];
      if (i === j) same += matrix.counts[i][j];
    });
  });
  return matched ? same / matched : null;
}

/** Return a figure as the dashboard writes it: two decimals, or "n/a" when undefined. */
export function formatFigure(value) {
  return value === null || value === undefined ? "n/a" : value.toFixed(2);
}

/**
 * Return one alpha dimension of every annotator pair as a square matrix over ``annotators``:
 * cell [i][j] is the pair's {alpha, units} (the same both ways), null on the diagonal and for
 * two annotators who share no document.
 */
export function pairMatrix(annotators, pairs, dimension) {
  const cells = new Map();
  for (const pair of pairs) {
    const figure = pair.alphas.find((item) => item.attribute === dimension);
    if (!figure) continue;
    const [left, right] = pair.annotators;
    cells.set(JSON.stringify([left, right]), figure);
    cells.set(JSON.stringify([right, left]), figure);
  }
  return annotators.map((row) =>
    annotators.map((column) =>
      row === column ? null : (cells.get(JSON.stringify([row, column])) ?? null),
    ),
  );
}

/**
 * Return the rows of the map comparison table from GET .../maps/agreement/: each layer's
 * name, documents, and for arguments and edges "matched of layer / gold" with precision,
 * recall and F1 written as formatFigure does; a layer whose map failed carries its error.
 */
export function mapAgreementRows(body) {
  const side = (counts) =>
    counts === null
      ? null
      : {
          counts: `${counts.matched} of ${counts.layer} / ${counts.gold}`,
          precision: formatFigure(counts.precision),
          recall: formatFigure(counts.recall),
          f1: formatFigure(counts.f1),
        };
  return body.layers.map((layer) => ({
    label: layer.majority ? "Majority vote (preview)" : layer.layer,
    majority: layer.majority,
    documents: layer.documents,
    arguments: side(layer.arguments),
    edges: side(layer.edges),
    error: layer.error,
  }));
}
