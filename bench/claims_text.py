"""English claims about the encryption debate, for benchmarking merges on text like real claims.

bench/map_build_bench.py's generator writes made-up syllable words, which suit the lexical
benchmark (only shared words count) but no embedding model can place: unrelated claims get close
vectors. This one writes English sentences, with the same shape of input (documents of ten
spans, popular arguments reported in many documents, premises supporting claims, some claims
attacking the other side's):

- An underlying argument is an actor or measure (``SUBJECTS``: "a backdoor", "client-side
  scanning", ...) doing something (``EFFECTS``: "weaken security", "protect children", ...),
  sometimes to or for someone (``TARGETS``), either said or denied: "a backdoor would weaken
  security for everyone" and "a backdoor would not weaken security" are two arguments, as are
  "... for everyone" and "... for journalists". Different arguments share topic words, as real
  ones do.
- Each report of an argument picks, for every part, one of its wordings (synonyms and
  paraphrases, the first most often), one sentence pattern ("would", the present tense, "if it goes
  ahead, ... will", "there is little doubt that"), a reporting frame ("Critics warn that", "...,
  the minister said") or none, and sometimes a hedge ("in practice", "probably").

The wordings were written for this benchmark, not taken from articles, and were not adjusted
to any method's figures. The true argument of every span is known, so merge quality (purity,
nodes per argument) is measured beside speed.
"""

from __future__ import annotations

import random
from itertools import accumulate

from maps.builder import GoldRelation, GoldSpan, MapActor, MapDocument, MapInput, MapScheme

SCHEME = MapScheme(
    stance_sides={"pro": "pro", "contra": "contra", "neutral": "neutral"},
    relation_polarities={"supports": "support", "attacks": "attack"},
)

# Each part: its wordings, the first the most common. A subject is a noun phrase.
SUBJECTS = [
    [
        "a backdoor",
        "an encryption backdoor",
        "a way in for the police",
        "built-in access for investigators",
    ],
    [
        "client-side scanning",
        "scanning on the device",
        "on-device scanning",
        "checking messages on the phone before they are encrypted",
    ],
    [
        "the scanning law",
        "the proposed regulation",
        "the new rules on message scanning",
        "the chat control bill",
    ],
    ["end-to-end encryption", "strong encryption", "encrypted messaging", "secure messaging"],
    [
        "key escrow",
        "a spare key held by the state",
        "keeping copies of the keys for the government",
        "escrowed keys",
    ],
    ["lawful access", "lawful interception", "access under a warrant", "court-ordered access"],
    [
        "weakening encryption",
        "breaking encryption",
        "undermining encryption",
        "watering down encryption",
    ],
    [
        "mass scanning of private messages",
        "scanning everyone's chats",
        "bulk monitoring of messages",
        "the general monitoring of private chats",
    ],
    ["the European Commission's plan", "the Commission proposal", "Brussels' plan", "the EU plan"],
    [
        "a ban on encrypted apps",
        "banning encrypted messengers",
        "outlawing secure messaging apps",
        "prohibiting end-to-end encrypted services",
    ],
    [
        "the age verification requirement",
        "mandatory age checks",
        "forcing users to prove their age",
        "age verification",
    ],
    [
        "metadata retention",
        "keeping records of who talks to whom",
        "storing communication metadata",
        "data retention",
    ],
    [
        "hash matching of known images",
        "matching photos against a list of known abuse images",
        "perceptual hashing",
        "comparing pictures with a database of known material",
    ],
    [
        "an independent oversight body",
        "independent oversight",
        "a supervisory authority",
        "judicial oversight",
    ],
]

# An effect: (verb phrase after "would", after a singular subject in the present, after "the
# risk is that it would"); wordings as above.
EFFECTS = [
    [
        ("weaken security", "weakens security"),
        ("make systems less secure", "makes systems less secure"),
        ("undermine the security", "undermines the security"),
        ("put the safety of communications at risk", "puts the safety of communications at risk"),
    ],
    [
        ("protect children", "protects children"),
        ("keep children safe", "keeps children safe"),
        ("shield minors from abuse", "shields minors from abuse"),
        ("help safeguard kids", "helps safeguard kids"),
    ],
    [
        ("help criminals", "helps criminals"),
        ("benefit criminals", "benefits criminals"),
        ("play into the hands of criminals", "plays into the hands of criminals"),
        ("give criminals an advantage", "gives criminals an advantage"),
    ],
    [
        ("enable mass surveillance", "enables mass surveillance"),
        ("open the door to mass surveillance", "opens the door to mass surveillance"),
        ("allow the state to watch everyone", "allows the state to watch everyone"),
        ("turn phones into surveillance devices", "turns phones into surveillance devices"),
    ],
    [
        ("stop abusers", "stops abusers"),
        ("catch offenders", "catches offenders"),
        ("help the police find predators", "helps the police find predators"),
        ("lead to more arrests of abusers", "leads to more arrests of abusers"),
    ],
    [
        ("cost jobs", "costs jobs"),
        ("hurt the tech industry", "hurts the tech industry"),
        ("drive companies out of the country", "drives companies out of the country"),
        ("damage the digital economy", "damages the digital economy"),
    ],
    [
        ("endanger journalists", "endangers journalists"),
        ("expose reporters' sources", "exposes reporters' sources"),
        ("put journalists at risk", "puts journalists at risk"),
        ("threaten press freedom", "threatens press freedom"),
    ],
    [
        ("violate privacy", "violates privacy"),
        ("breach the right to privacy", "breaches the right to privacy"),
        ("intrude on private life", "intrudes on private life"),
        ("infringe fundamental rights", "infringes fundamental rights"),
    ],
    [
        ("produce many false positives", "produces many false positives"),
        ("flag innocent messages", "flags innocent messages"),
        ("wrongly accuse innocent users", "wrongly accuses innocent users"),
        ("flood the police with false reports", "floods the police with false reports"),
    ],
    [
        ("be abused by authoritarian governments", "is abused by authoritarian governments"),
        ("be used by repressive regimes", "is used by repressive regimes"),
        ("help dictators spy on dissidents", "helps dictators spy on dissidents"),
        ("be exploited by autocrats", "is exploited by autocrats"),
    ],
    [
        ("be easy to circumvent", "is easy to circumvent"),
        ("be simple to get around", "is simple to get around"),
        ("be evaded by serious offenders", "is evaded by serious offenders"),
        ("push criminals to other tools", "pushes criminals to other tools"),
    ],
    [
        ("be technically impossible to build safely", "is technically impossible to build safely"),
        ("be unworkable without breaking encryption", "is unworkable without breaking encryption"),
        ("be impossible to implement securely", "is impossible to implement securely"),
        ("be beyond what engineers can build safely", "is beyond what engineers can build safely"),
    ],
    [
        ("help investigators solve crimes", "helps investigators solve crimes"),
        ("give the police the evidence they need", "gives the police the evidence they need"),
        ("make investigations faster", "makes investigations faster"),
        ("close the gap that lets criminals go dark", "closes the gap that lets criminals go dark"),
    ],
    [
        ("be proportionate", "is proportionate"),
        ("be a balanced measure", "is a balanced measure"),
        ("strike the right balance", "strikes the right balance"),
        ("be a reasonable compromise", "is a reasonable compromise"),
    ],
    [
        ("be illegal under EU law", "is illegal under EU law"),
        ("breach the Charter of Fundamental Rights", "breaches the Charter of Fundamental Rights"),
        ("be struck down by the courts", "is struck down by the courts"),
        ("conflict with European case law", "conflicts with European case law"),
    ],
    [
        ("create a single point of failure", "creates a single point of failure"),
        ("become a target for hackers", "becomes a target for hackers"),
        ("be stolen and leaked", "is stolen and leaked"),
        ("give attackers one place to break in", "gives attackers one place to break in"),
    ],
    [
        ("erode trust in online services", "erodes trust in online services"),
        ("make people stop trusting their apps", "makes people stop trusting their apps"),
        ("damage confidence in digital services", "damages confidence in digital services"),
        ("undermine public trust", "undermines public trust"),
    ],
    [
        ("save lives", "saves lives"),
        ("prevent serious harm", "prevents serious harm"),
        ("stop attacks before they happen", "stops attacks before they happen"),
        ("help prevent terrorism", "helps prevent terrorism"),
    ],
    [
        ("chill free speech", "chills free speech"),
        ("make people afraid to speak freely", "makes people afraid to speak freely"),
        ("silence activists", "silences activists"),
        ("discourage open debate", "discourages open debate"),
    ],
    [
        ("cost billions", "costs billions"),
        ("be very expensive", "is very expensive"),
        ("impose huge costs on providers", "imposes huge costs on providers"),
        ("burden small companies", "burdens small companies"),
    ],
]

TARGETS = [
    ["for everyone", "for all users", "for every citizen"],
    ["for journalists", "for reporters", "for the press"],
    ["for banks", "for online banking", "for financial services"],
    ["in Europe", "across the EU", "in the European Union"],
    ["for victims of abuse", "for survivors", "for people at risk of abuse"],
    ["for small businesses", "for start-ups", "for smaller companies"],
    ["for activists", "for human rights defenders", "for dissidents"],
]

NEGATIONS = ("not", "never")

FRAMES = [
    "{}",
    "{}",
    "{}",
    "Critics warn that {}",
    "Privacy groups say {}",
    "The minister argued that {}",
    "According to security experts, {}",
    "Child protection charities insist that {}",
    "Opponents of the bill claim {}",
    "Supporters of the plan say {}",
    "The report concludes that {}",
    "Many engineers believe {}",
    "Police chiefs told reporters that {}",
    "{}, the commissioner said",
    "{}, campaigners argue",
    "{}, according to a leaked memo",
]
HEDGES = ["", "", "", "", "in practice ", "probably ", "clearly ", "ultimately "]

ClaimParts = tuple[int, int, int | None, bool]  # subject, effect, target (or none), denied


def _cumulative(size: int, exponent: float) -> list[float]:
    return list(accumulate(1.0 / (rank**exponent) for rank in range(1, size + 1)))


def argument_parts(rng: random.Random, count: int) -> list[ClaimParts]:
    """Return ``count`` distinct arguments: subject, effect, target (or none), denied or not."""
    seen: set[ClaimParts] = set()
    parts: list[ClaimParts] = []
    possible = len(SUBJECTS) * len(EFFECTS) * (len(TARGETS) + 1) * 2
    if count > possible:
        raise ValueError(f"at most {possible} distinct arguments")
    while len(parts) < count:
        target = rng.randrange(len(TARGETS)) if rng.random() < 0.5 else None
        item = (
            rng.randrange(len(SUBJECTS)),
            rng.randrange(len(EFFECTS)),
            target,
            rng.random() < 0.2,
        )
        if item not in seen:
            seen.add(item)
            parts.append(item)
    return parts


def _pick(rng: random.Random, options: list) -> object:
    # The first wording most often, the others less and less.
    return rng.choices(options, cum_weights=_WORDING_WEIGHTS[len(options)])[0]


_WORDING_WEIGHTS = {size: _cumulative(size, 1.0) for size in range(1, 8)}


def claim_text(rng: random.Random, parts: ClaimParts) -> str:
    """Return one report of an argument, in one of its wordings."""
    subject_index, effect_index, target_index, denied = parts
    subject = _pick(rng, SUBJECTS[subject_index])
    base, present = _pick(rng, EFFECTS[effect_index])
    target = "" if target_index is None else " " + _pick(rng, TARGETS[target_index])
    hedge = rng.choice(HEDGES)
    negation = rng.choice(NEGATIONS) if denied else ""
    pattern = rng.randrange(4)
    if pattern == 0:
        clause = f"{subject} would {negation + ' ' if negation else ''}{hedge}{base}{target}"
    elif pattern == 1:
        if denied and base.startswith("be "):
            clause = f"{subject} is not {hedge}{base[3:]}{target}"
        elif denied:
            clause = f"{subject} does not {hedge}{base}{target}"
        else:
            clause = f"{subject} {hedge}{present}{target}"
    elif pattern == 2:
        verb = f"will {negation} {base}" if denied else f"will {base}"
        clause = f"if it goes ahead, {subject} {hedge}{verb}{target}"
    else:
        verb = f"would {negation} {base}" if denied else f"would {base}"
        clause = f"there is little doubt that {subject} {hedge}{verb}{target}"
    sentence = rng.choice(FRAMES).format(clause)
    return sentence[0].upper() + sentence[1:] + "."


def generate_claims(
    *, spans: int, documents: int, arguments: int, actors: int, seed: int
) -> tuple[MapInput, dict[str, int]]:
    """Return a build input of English claims and the true argument of every span."""
    rng = random.Random(seed)
    parts = argument_parts(rng, arguments)
    meta = []
    for _ in parts:
        side = rng.choices(("pro", "contra", "neutral"), weights=(45, 45, 10))[0]
        role = rng.choices(("claim", "premise"), weights=(60, 40))[0]
        meta.append((side, role, rng.randrange(actors)))
    popularity = _cumulative(arguments, 0.8)
    gold: list[GoldSpan] = []
    truth: dict[str, int] = {}
    relations: list[GoldRelation] = []
    per_document = spans // documents
    span_id = 0
    for document in range(documents):
        offset = 0
        in_document: list[tuple[int, str, str]] = []
        for argument in rng.choices(range(arguments), cum_weights=popularity, k=per_document):
            span_id += 1
            side, role, owner = meta[argument]
            quote = claim_text(rng, parts[argument])
            actor = owner if rng.random() < 0.7 else rng.randrange(actors)
            gold.append(
                GoldSpan(
                    span_id,
                    document,
                    offset,
                    offset + len(quote),
                    quote,
                    side,
                    role,
                    actor if rng.random() < 0.9 else None,
                )
            )
            truth[str(span_id)] = argument
            in_document.append((span_id, side, role))
            offset += len(quote) + 1
        claims = [(i, side) for i, side, role in in_document if role == "claim"]
        for i, side, role in in_document:
            if role == "premise" and claims:
                relations.append(GoldRelation(i, rng.choice(claims)[0], "supports"))
            elif role == "claim" and rng.random() < 0.2:
                opposite = [c for c, other in claims if {side, other} == {"pro", "contra"}]
                if opposite:
                    relations.append(GoldRelation(i, rng.choice(opposite), "attacks"))
    data = MapInput(
        proposition="Messaging platforms should be able to scan private messages.",
        scheme=SCHEME,
        actors=[MapActor(i, f"Actor {i}") for i in range(actors)],
        documents=[MapDocument(i, f"Document {i}") for i in range(documents)],
        spans=gold,
        relations=relations,
    )
    return data, truth
