"""Generated English articles with gold spans, to train and measure the suggestion model.

Each article mixes argument sentences (``bench.claims_text``: an argument reported in one of
its wordings, "Critics warn that a backdoor would weaken security.") with sentences that carry
no argument but look like news ("The committee met on Tuesday in Brussels.", "A spokesperson
said the vote would take place in March."), some of them with reported speech and modal verbs
so that a cue alone does not give the answer away. Sometimes an argument is a clause of a
longer sentence ("The hearing lasted three hours, but critics warn that ..."): only that
clause is gold. Every argument keeps its stance and role in every article, as a debate's
recurring arguments do. The texts were written for Debatemap, not taken from articles.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from bench.claims_text import argument_parts, claim_text

PROPOSITION = "Messaging platforms should be able to scan private messages."

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
CITIES = ["Brussels", "Strasbourg", "Berlin", "Madrid", "Dublin", "Warsaw", "Lisbon"]
MONTHS = ["March", "April", "June", "September", "October", "November"]
BODIES = [
    "The committee",
    "The parliament's legal service",
    "The interior ministry",
    "The data protection board",
    "The council presidency",
    "A working group",
]
FILLERS = [
    "{body} met on {day} in {city}.",
    "A spokesperson said the vote would take place in {month}.",
    "Officials told reporters the hearing would resume after a short break.",
    "The bill runs to {n} pages and has {k} articles.",
    "{body} published its annual report on {day}.",
    "Several members were absent from the session in {city}.",
    "The debate was broadcast live and lasted {k} hours.",
    "A spokesperson declined to comment on the timetable.",
    "The next round of talks is planned for {month}.",
    "{body} said it had received {n} written submissions.",
    "Journalists were allowed into the room for the first {k} minutes.",
    "The chair thanked the speakers and closed the meeting.",
    "The minutes will be published in {month}, an official said.",
    "Translations of the text into {k} languages are still missing.",
]
JOINERS = ["The hearing lasted {k} hours, but ", "The room was full; ", "{body} met on {day}, but "]


@dataclass(frozen=True)
class GeneratedSpan:
    start: int
    end: int
    stance: str
    role: str


@dataclass(frozen=True)
class GeneratedDocument:
    title: str
    text: str
    spans: tuple[GeneratedSpan, ...]


def _filler(rng: random.Random, template: str) -> str:
    return template.format(
        body=rng.choice(BODIES),
        day=rng.choice(DAYS),
        city=rng.choice(CITIES),
        month=rng.choice(MONTHS),
        n=rng.randrange(12, 400),
        k=rng.randrange(2, 9),
    )


def generate_articles(
    *, documents: int, arguments: int = 40, seed: int = 1, sentences: int = 10
) -> list[GeneratedDocument]:
    """Return ``documents`` articles of about ``sentences`` sentences, with their gold spans."""
    rng = random.Random(seed)
    parts = argument_parts(rng, arguments)
    meta = [
        (
            rng.choices(("pro", "contra", "neutral"), weights=(45, 45, 10))[0],
            rng.choices(("claim", "premise"), weights=(60, 40))[0],
        )
        for _ in parts
    ]
    articles = []
    for number in range(documents):
        pieces: list[str] = []
        spans: list[GeneratedSpan] = []
        offset = 0
        for _ in range(sentences):
            if rng.random() < 0.45:
                sentence = _filler(rng, rng.choice(FILLERS))
                pieces.append(sentence)
                offset += len(sentence) + 1
                continue
            argument = rng.randrange(arguments)
            claim = claim_text(rng, parts[argument])
            prefix = ""
            if rng.random() < 0.2:
                prefix = _filler(rng, rng.choice(JOINERS))
                claim = claim[0].lower() + claim[1:]
            stance, role = meta[argument]
            start = offset + len(prefix)
            spans.append(GeneratedSpan(start, start + len(claim), stance, role))
            pieces.append(prefix + claim)
            offset += len(prefix) + len(claim) + 1
        articles.append(
            GeneratedDocument(
                title=f"Generated article {number + 1}", text=" ".join(pieces), spans=tuple(spans)
            )
        )
    return articles
