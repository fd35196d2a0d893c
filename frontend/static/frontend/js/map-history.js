// The debate over time on the map page, without the DOM: quotes cut to a line, publication
// days as numbers and words, and the layout of the actors' timeline (one row per actor, each
// source a mark at its document's day). The same timeline and width give the same layout.

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAY_MS = 86_400_000;

/** Return text on one line, cut at a word before `max` characters with an ellipsis. */
export function cut(text, max = 120) {
  const line = String(text).split(/\s+/).filter(Boolean).join(" ");
  if (line.length <= max) return line;
  const head = line.slice(0, max - 1);
  const space = head.lastIndexOf(" ");
  return `${(space > max / 2 ? head.slice(0, space) : head).replace(/[\s,.;:]+$/, "")}…`;
}

/** Return the number of a day written YYYY-MM-DD (days since 1970-01-01, in UTC). */
export function dayNumber(iso) {
  const [year, month, day] = iso.split("-").map(Number);
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

/** Return a day number as YYYY-MM-DD. */
export function isoDay(number) {
  return new Date(number * DAY_MS).toISOString().slice(0, 10);
}

/** Return a day written YYYY-MM-DD in words that read the same everywhere: "14 Feb 2023". */
export function formatDay(iso) {
  const [year, month, day] = iso.split("-").map(Number);
  return `${day} ${MONTHS[month - 1]} ${year}`;
}

/**
 * Lay out a timeline (the API's: {first, last, actors: [{actor_id, name, position, points}]})
 * for a chart `width` units wide: the actors with dated points, one row each (the name above
 * its track), every point at its day, points of one actor on one day side by side, and a few
 * day ticks. Returns {width, height, axisY, plotLeft, plotRight, ticks: [{x, day, label}], rows:
 * [{actor, nameY, trackY, marks: [{x, y, point}]}]}; no rows when no point has a day.
 */
export function timelineLayout(
  timeline,
  { width = 560, margin = 16, top = 30, nameHeight = 18, track = 24, gap = 10, spread = 10 } = {},
) {
  const dated = timeline.actors.filter((actor) => actor.points.length);
  if (!dated.length || !timeline.first || !timeline.last) {
    return { width, height: 0, axisY: top, plotLeft: margin, plotRight: width - margin, ticks: [], rows: [] };
  }
  let d0 = dayNumber(timeline.first);
  let d1 = dayNumber(timeline.last);
  if (d0 === d1) {
    d0 -= 1;
    d1 += 1;
  }
  const plotLeft = margin;
  const plotRight = width - margin;
  // A little room at both ends, so the first and last marks are whole.
  const pad = (d1 - d0) * 0.04;
  const x = (day) =>
    Math.round((plotLeft + ((day - (d0 - pad)) / (d1 - d0 + 2 * pad)) * (plotRight - plotLeft)) * 100) / 100;
  const rowHeight = nameHeight + track + gap;
  const rows = dated.map((actor, index) => {
    const rowTop = top + index * rowHeight;
    const trackY = rowTop + nameHeight + track / 2;
    const byDay = new Map();
    for (const point of actor.points) {
      if (!byDay.has(point.published)) byDay.set(point.published, []);
      byDay.get(point.published).push(point);
    }
    const marks = [];
    for (const [day, points] of byDay) {
      const centre = x(dayNumber(day));
      points.forEach((point, k) => {
        const offset = (k - (points.length - 1) / 2) * spread;
        marks.push({ x: Math.min(plotRight, Math.max(plotLeft, centre + offset)), y: trackY, point });
      });
    }
    return { actor, nameY: rowTop + 13, trackY, marks };
  });
  const count = Math.max(2, Math.min(6, Math.floor((plotRight - plotLeft) / 110) + 1));
  const ticks = [];
  for (let i = 0; i < count; i++) {
    const day = Math.round(d0 + ((d1 - d0) * i) / (count - 1));
    if (ticks.length && ticks[ticks.length - 1].day === isoDay(day)) continue;
    ticks.push({ x: x(day), day: isoDay(day), label: formatDay(isoDay(day)) });
  }
  return { width, height: top + rows.length * rowHeight, axisY: top - 16, plotLeft, plotRight, ticks, rows };
}
