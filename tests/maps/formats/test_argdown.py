"""Argdown: the proposition tree, escaping, stray arguments, deep chains."""

from maps.builder import GoldRelation, GoldSpan, MapDocument, MapInput, MapScheme, build_map
from maps.formats import export_argdown
from tests.maps.formats.sample_maps import VERSION, awkward_map

DATA = " {sources: "


def statement(line: str) -> str:
    """Return a definition line without its sources' YAML data (tested on its own below)."""
    return line.partition(DATA)[0]


def test_argdown_puts_pro_and_contra_arguments_under_the_proposition(seed_map):
    lines = export_argdown(seed_map, version_id=VERSION).splitlines()
    assert lines[:7] == [
        "===",
        "title: Argument map",
        "builder: argmap/3",
        f"input_hash: {seed_map.input_hash}",
        "version_id: 42",
        "===",
        "",
    ]
    assert lines[7] == f"[Proposition]: {seed_map.proposition.text}"
    assert [statement(line) for line in lines[8:]] == [
        "  + <tech companies would have to find a>: tech companies would have to find a way to "
        "check the content of private messages when a child may be at risk",
        "  + <If they are missing, encrypted apps become>: If they are missing, encrypted apps "
        "become a smokescreen behind which offenders share abuse images and groom young people "
        "unseen. #(Susie Hargreaves)",
        "  + <rejected the claim that we must choose>: rejected the claim that \u201cwe must "
        "choose between safety and privacy,\u201d #(Rani Govender)",
        "    + [putting money into detection tools that already]: \u201cputting money into "
        "detection tools that already exist and can work for every user of these apps.\u201d "
        "#(Rani Govender)",
        "    - <They also say that building a backdoor>",
        "  - <They also say that building a backdoor>: They also say that building a backdoor "
        "would leave their services less secure for all. #(Tech firms)",
        "    + [the platforms say it gives extra protection]: the platforms say it gives extra "
        "protection to those who depend on it: survivors of domestic abuse, reporters and "
        "campaigners #(Tech firms)",
        "    - <rejected the claim that we must choose>",
        "  - <every scanning tool is one more hole>: every scanning tool is one more hole in the "
        "lock on everyone\u2019s front door #(Kate Robertson)",
        "    + [encryption is a safety net for people]: encryption \u201cis a safety net for "
        "people in danger and a defence of privacy.\u201d #(Kate Robertson)",
        "    - <If they are missing, encrypted apps become>",
    ]


def test_argdown_escapes_syntax_characters_in_text_and_cleans_titles_and_tags():
    lines = export_argdown(awkward_map()).splitlines()
    assert lines[6] == ('[Proposition]: Platforms should scan "private" \\<messages\\> & more.')
    assert statement(lines[7]) == (
        '  + <Scanning b all b every message x>: Scanning \\<b\\>"all"\\<\\/b\\> & \\[every\\] '
        "\\#message\\\\ \\@\\[x\\] \\*now\\* \\{a: 1\\} https:\\/\\/x.org\\/a "
        '#(Dr. "Q" Smith & Co IWF 1)'
    )
    assert lines[8].startswith("    + [Children\u2019s safety first")


def test_argdown_writes_arguments_outside_the_proposition_tree_as_their_own_blocks():
    scheme = MapScheme({"pro": "pro", "neutral": "neutral"}, {"supports": "support"})
    quote = "Encryption is a neutral technical fact here."
    spans = [GoldSpan(1, 1, 0, len(quote), quote, "neutral", "claim", None)]
    argument_map = build_map(MapInput("P.", scheme, [], [MapDocument(1, "D")], spans))
    assert export_argdown(argument_map).splitlines()[-3:] == [
        "[Proposition]: P.",
        "",
        f"<Encryption is a neutral technical fact here>: {quote}"
        ' {sources: [{document: "1", span: "1", start: 0, end: 44, published: null}]}',
    ]


def test_argdown_writes_a_premise_chain_deeper_than_the_recursion_limit():
    scheme = MapScheme({"pro": "pro"}, {"supports": "support"})
    depth = 1500
    texts = [f"Reason number {i}." for i in range(depth + 1)]
    spans = [
        GoldSpan(i, 1, 20 * i, 20 * i + len(t), t, "pro", "claim" if i == 0 else "premise")
        for i, t in enumerate(texts)
    ]
    relations = [GoldRelation(i + 1, i, "supports") for i in range(depth)]
    argument_map = build_map(MapInput("P.", scheme, [], [MapDocument(1, "D")], spans, relations))
    lines = export_argdown(argument_map).splitlines()
    assert len(lines) == 6 + 1 + 1 + depth
    assert statement(lines[-1]) == (
        "  " * (depth + 1) + f"+ [Reason number {depth}]: Reason number {depth}."
    )
