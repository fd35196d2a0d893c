import assert from "node:assert/strict";
import { test } from "node:test";

import { cut, dayNumber, formatDay, isoDay, timelineLayout } from "../../static/frontend/js/map-history.js";

const point = (published, side, span) => ({ published, side, argument: `arg-${span}`, source: { span_id: span } });

const TIMELINE = {
  first: "2023-02-14",
  last: "2023-04-20",
  actors: [
    { actor_id: "1", name: "Kate", position: "contra", points: [], undated: [point(null, "contra", "9")] },
    {
      actor_id: "3",
      name: "Susie",
      position: "mixed",
      points: [point("2023-02-14", "pro", "10"), point("2023-04-20", "contra", "12")],
      undated: [],
    },
    {
      actor_id: "4",
      name: "Firms",
      position: "contra",
      points: [point("2023-02-14", "contra", "4"), point("2023-02-14", "contra", "5"), point("2023-04-20", "contra", "11")],
      undated: [],
    },
  ],
};

test("quotes are cut at a word with an ellipsis, on one line", () => {
  assert.equal(cut("short\nquote  here"), "short quote here");
  assert.equal(cut("our ferry leaves from the north pier at noon", 20), "our ferry leaves…");
  assert.equal(cut("supercalifragilisticexpialidocious", 10), "supercali…");
  assert.equal(cut("one, two, three, four", 12), "one, two…");
  assert.equal(cut("<b>&amp;</b>", 40), "<b>&amp;</b>"); // escaping is the DOM's job: text stays text
});

test("days are numbers in UTC and words that read the same everywhere", () => {
  assert.equal(dayNumber("1970-01-02"), 1);
  assert.equal(dayNumber("2023-04-20") - dayNumber("2023-02-14"), 65);
  assert.equal(isoDay(dayNumber("2024-02-29")), "2024-02-29");
  assert.equal(formatDay("2023-02-14"), "14 Feb 2023");
});

test("the timeline has a row per actor with a day, marks at their days in time order", () => {
  const layout = timelineLayout(TIMELINE, { width: 560 });
  assert.deepEqual(
    layout.rows.map((row) => row.actor.name),
    ["Susie", "Firms"],
  );
  const [susie, firms] = layout.rows;
  assert.ok(susie.trackY < firms.trackY);
  const [early, late] = susie.marks;
  assert.ok(16 < early.x && early.x < late.x && late.x < 560 - 16);
  assert.equal(early.point.source.span_id, "10");
  // Two marks of one actor on one day sit side by side around the day, 10 units apart.
  const [a, b, c] = firms.marks;
  assert.equal(b.x - a.x, 10);
  assert.equal((a.x + b.x) / 2, early.x);
  assert.equal(c.x, late.x);
  assert.equal(layout.height, 30 + 2 * (18 + 24 + 10));
});

test("ticks fit the width and run from the first day to the last", () => {
  const wide = timelineLayout(TIMELINE, { width: 560 });
  assert.equal(wide.ticks.length, 5);
  assert.deepEqual([wide.ticks[0].day, wide.ticks.at(-1).day], ["2023-02-14", "2023-04-20"]);
  assert.equal(wide.ticks[0].label, "14 Feb 2023");
  // At a phone's width: fewer ticks, every mark still inside the chart.
  const narrow = timelineLayout(TIMELINE, { width: 300 });
  assert.equal(narrow.ticks.length, 3);
  for (const row of narrow.rows) for (const mark of row.marks) assert.ok(mark.x >= 16 && mark.x <= 284);
});

test("one day only, or no day at all", () => {
  const susie = { ...TIMELINE.actors[1], points: [point("2023-03-01", "pro", "10")] };
  const one = timelineLayout({ first: "2023-03-01", last: "2023-03-01", actors: [susie] });
  assert.equal(one.rows[0].marks[0].x, 280); // the middle
  assert.deepEqual(timelineLayout({ first: null, last: null, actors: [TIMELINE.actors[0]] }).rows, []);
});
