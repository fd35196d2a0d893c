// Measure the actor suggestion (suggestActor) on labelled claims in real articles.
//
//   node bench/speakers_corpus.mjs <corpus dir> [labels.json] [--show]
//
// labels.json (default: bench/notes/corpus_speakers.json) holds the debate's actors and, per
// claim, the article's file name, UTF-16 offsets, the SHA-256 of the claim's text and the
// actor who holds it (null: nobody, or someone who is not an actor). The articles stay out of
// the repository: a claim whose text no longer hashes the same is reported and not counted.
// Prints the accuracy, then each miss as file:start-end (with its text under --show).

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";

import { suggestActor } from "../frontend/static/frontend/js/speakers/suggest.js";

const args = process.argv.slice(2);
const show = args.includes("--show");
const [corpusDir, labelsPath = new URL("notes/corpus_speakers.json", import.meta.url)] =
  args.filter((arg) => arg !== "--show");
if (!corpusDir) {
  console.error("usage: node bench/speakers_corpus.mjs <corpus dir> [labels.json] [--show]");
  process.exit(2);
}

const { actors, labels } = JSON.parse(readFileSync(labelsPath, "utf8"));
const nameOf = new Map(actors.map((actor) => [actor.id, actor.name]));
const texts = new Map();
const textOf = (file) => {
  if (!texts.has(file)) texts.set(file, readFileSync(path.join(corpusDir, file), "utf8"));
  return texts.get(file);
};

let correct = 0;
let changed = 0;
const misses = [];
const perFile = new Map();
for (const { file, start, end, sha256, speaker } of labels) {
  const text = textOf(file);
  const quote = text.slice(start, end);
  if (createHash("sha256").update(quote, "utf8").digest("hex") !== sha256) {
    changed++;
    console.warn(`${file}:${start}-${end}: the text there changed; not counted`);
    continue;
  }
  const suggestion = suggestActor(text, start, end, actors);
  const got = suggestion === null ? null : nameOf.get(suggestion.actorId);
  const tally = perFile.get(file) ?? { correct: 0, total: 0 };
  tally.total++;
  if (got === speaker) {
    correct++;
    tally.correct++;
  } else {
    const why = suggestion ? ` (${suggestion.why})` : "";
    misses.push(`${file}:${start}-${end} want ${speaker} got ${got}${why}`);
    if (show) misses.push(`    ${JSON.stringify(quote)}`);
  }
  perFile.set(file, tally);
}

const total = labels.length - changed;
const percent = total ? ((100 * correct) / total).toFixed(1) : "0.0";
console.log(`speaker right for ${correct} of ${total} claims (${percent}%)`);
for (const [file, tally] of perFile) console.log(`  ${file}: ${tally.correct}/${tally.total}`);
if (misses.length) console.log(`misses:\n  ${misses.join("\n  ")}`);
process.exitCode = changed ? 1 : 0;
