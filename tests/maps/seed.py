"""The seed scenario as builder input, shared by the builder, format, API and browser tests.

Two articles written for the tests (tests/fixtures/seed_articles.py) both report the tech
firms' argument that a backdoor would leave their services less secure, and four actors take
two sides. Spans sit at their exact offsets, found in the article text.
"""

from dataclasses import replace

from maps.builder import GoldRelation, GoldSpan, MapActor, MapDocument, MapInput, MapScheme
from tests.fixtures.seed_articles import ARTICLE_000, ARTICLE_004

TEXTS = {100: ARTICLE_000, 104: ARTICLE_004}

PROPOSITION = (
    "Messaging platforms should be able to scan the content of private, end-to-end encrypted "
    "messages (client-side scanning) when children's safety is at stake."
)
SCHEME = MapScheme.from_dict(
    {
        "stances": [
            {"key": "pro", "side": "pro"},
            {"key": "contra", "side": "contra"},
            {"key": "neutral", "side": "neutral"},
        ],
        "roles": [{"key": "claim"}, {"key": "premise"}],
        "relation_types": [
            {"key": "supports", "polarity": "support"},
            {"key": "attacks", "polarity": "attack"},
        ],
    }
)
ROBERTSON, GOVENDER, HARGREAVES, TECH_FIRMS = 1, 2, 3, 4
ACTORS = [
    MapActor(ROBERTSON, "Kate Robertson", "person", "Citizen Lab", ("Robertson", "Citizen Lab")),
    MapActor(GOVENDER, "Rani Govender", "person", "NSPCC", ("Govender",)),
    MapActor(
        HARGREAVES,
        "Susie Hargreaves",
        "person",
        "Internet Watch Foundation",
        ("Hargreaves", "IWF"),
    ),
    MapActor(TECH_FIRMS, "Tech firms", "collective", "", ("tech firms", "platforms")),
]
DOCUMENTS = [
    MapDocument(100, ARTICLE_000.split("\n", 1)[0]),
    MapDocument(104, ARTICLE_004.split("\n", 1)[0]),
]

BACKDOOR_000 = (
    "They also say that building a backdoor would leave their services less secure for all."
)
BACKDOOR_004 = (
    "They refuse to build a \u2018backdoor\u2019 into their apps, as it would leave their services "
    "less secure."
)
PROTECTION_000 = (
    "the platforms say it gives extra protection to those who depend on it: survivors of domestic "
    "abuse, reporters and campaigners"
)
PROTECTION_004 = (
    "private messaging keeps everybody safer and gives extra protection to those who depend on it "
    "most, such as survivors of domestic abuse, reporters and campaigners"
)
RULES_000 = (
    "tech companies would have to find a way to check the content of private messages when a "
    "child may be at risk"
)
HOLES_004 = "every scanning tool is one more hole in the lock on everyone\u2019s front door"
SAFETY_NET_004 = (
    "encryption \u201cis a safety net for people in danger and a defence of privacy.\u201d"
)
TRADE_OFF_004 = "rejected the claim that \u201cwe must choose between safety and privacy,\u201d"
SOLUTIONS_004 = (
    "\u201cputting money into detection tools that already exist and can work for every user of "
    "these apps.\u201d"
)
SMOKESCREEN_004 = (
    "If they are missing, encrypted apps become a smokescreen behind which offenders share abuse "
    "images and groom young people unseen."
)
# The commissioner's pro claim in article 000, outside the seed spans: a span to add.
TOOLS_000 = "The law gives officers the tools they asked for"

# (span id, document, quote, stance, role, actor)
SEED_SPANS = [
    (1, 100, PROTECTION_000, "contra", "premise", TECH_FIRMS),
    (2, 100, BACKDOOR_000, "contra", "claim", TECH_FIRMS),
    (3, 100, RULES_000, "pro", "claim", None),
    (4, 104, PROTECTION_004, "contra", "premise", TECH_FIRMS),
    (5, 104, BACKDOOR_004, "contra", "claim", TECH_FIRMS),
    (6, 104, HOLES_004, "contra", "claim", ROBERTSON),
    (7, 104, SAFETY_NET_004, "contra", "premise", ROBERTSON),
    (8, 104, TRADE_OFF_004, "pro", "claim", GOVENDER),
    (9, 104, SOLUTIONS_004, "pro", "premise", GOVENDER),
    (10, 104, SMOKESCREEN_004, "pro", "claim", HARGREAVES),
]
SEED_RELATIONS = [
    GoldRelation(1, 2, "supports"),
    GoldRelation(4, 5, "supports"),
    GoldRelation(7, 6, "supports"),
    GoldRelation(9, 8, "supports"),
    GoldRelation(8, 5, "attacks"),
    GoldRelation(5, 8, "attacks"),
    GoldRelation(10, 6, "attacks"),
]


def gold_span(span_id, document_id, quote, stance, role, actor_id):
    start = TEXTS[document_id].index(quote)
    return GoldSpan(span_id, document_id, start, start + len(quote), quote, stance, role, actor_id)


def seed_map_input(**changes) -> MapInput:
    """Return the build input of the seed scenario (seed articles 000 and 004)."""
    data = MapInput(
        proposition=PROPOSITION,
        scheme=SCHEME,
        actors=list(ACTORS),
        documents=list(DOCUMENTS),
        spans=[gold_span(*row) for row in SEED_SPANS],
        relations=list(SEED_RELATIONS),
    )
    return replace(data, **changes)


def node_of(argument_map, quote):
    """Return the argument node one of whose sources has this quote."""
    [node] = [n for n in argument_map.arguments if quote in {s.quote for s in n.sources}]
    return node


def edge_pairs(argument_map, kind):
    return {(e.source, e.target) for e in argument_map.edges if e.kind == kind}


def bigger_seed_input() -> MapInput:
    """Return the seed input with one more pro claim: a change to one (kind, side) group only."""
    data = seed_map_input()
    return replace(data, spans=[*data.spans, gold_span(0, 100, TOOLS_000, "pro", "claim", None)])


# Publication days of the seed articles, for the tests of dates: 000 is dated, 004 is not.
PUBLISHED_000 = "2023-03-01"


def dated_seed_input() -> MapInput:
    """Return the seed input with article 000 published on PUBLISHED_000 and 004 undated."""
    return seed_map_input(documents=[replace(DOCUMENTS[0], published=PUBLISHED_000), DOCUMENTS[1]])
