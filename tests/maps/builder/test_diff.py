"""map_diff: arguments matched by their sources, on hand-made maps and on two real builds."""

from dataclasses import replace

from maps.builder import (
    ActorNode,
    ActorShift,
    ArgumentMap,
    ArgumentNode,
    MapDocument,
    PropositionNode,
    SourceSpan,
    StrengthReport,
    build_map,
    map_diff,
)
from tests.maps.seed import (
    GOVENDER,
    HARGREAVES,
    RULES_000,
    TOOLS_000,
    bigger_seed_input,
    gold_span,
    node_of,
    seed_map_input,
)


def source(document: str, start: int, span: str | None = None) -> SourceSpan:
    """Return a source of ten characters at ``start`` in a document."""
    return SourceSpan(
        span_id=span or f"{document}:{start}",
        document_id=document,
        document_title=f"Document {document}",
        start=start,
        end=start + 10,
        quote=f"quote {document}:{start}",
        stance="pro",
        role="claim",
        actor_id=None,
    )


def argument(node_id: str, *sources: SourceSpan, side="pro", kind="claim", strength=0.5):
    return ArgumentNode(
        id=node_id,
        kind=kind,
        side=side,
        text=sources[0].quote,
        sources=sources,
        merges=(),
        actors=(),
        documents=tuple(sorted({s.document_id for s in sources})),
        strength=strength,
    )


def actor(actor_id: str, position: str) -> ActorNode:
    return ActorNode(
        id=f"actor-{actor_id}",
        actor_id=actor_id,
        name=f"Actor {actor_id}",
        kind="person",
        affiliation="",
        aliases=(),
        position=position,
        span_count=1,
        argument_count=1,
        documents=("1",),
    )


def hand_map(*arguments: ArgumentNode, actors=(), proposition=0.5) -> ArgumentMap:
    return ArgumentMap(
        builder="argmap/2",
        input_hash="0" * 64,
        similarity={"method": "hand", "threshold": 1.0},
        strength=StrengthReport("df-quad", 0.5, 1, True),
        proposition=PropositionNode("proposition", "P.", proposition),
        arguments=tuple(sorted(arguments, key=lambda a: a.id)),
        actors=tuple(actors),
        edges=(),
        positions=(),
    )


def ids(nodes) -> list[str]:
    return [node.id for node in nodes]


def regroups(items) -> list[tuple[list[str], list[str]]]:
    return [(ids(r.before), ids(r.after)) for r in items]


S1, S2, S3, S4 = source("1", 0), source("1", 20), source("2", 0), source("2", 20)


def test_a_map_compared_with_itself_has_no_change():
    before = hand_map(argument("a", S1, S2), argument("b", S3), actors=[actor("7", "pro")])

    diff = map_diff(before, before)

    assert (diff.added, diff.removed, diff.merged, diff.split, diff.changed) == ((),) * 5
    assert (diff.unchanged, diff.actors) == (2, ())
    assert (diff.proposition_before, diff.proposition_after) == (0.5, 0.5)


def test_two_arguments_whose_sources_are_now_one_argument_were_merged():
    before = hand_map(argument("a", S1), argument("b", S3), argument("c", S4))
    new_source = source("3", 0)
    after = hand_map(argument("m", S3, S1, new_source), argument("c", S4))

    diff = map_diff(before, after)

    assert regroups(diff.merged) == [(["a", "b"], ["m"])]
    assert (diff.added, diff.removed, diff.split, diff.changed) == ((),) * 4
    assert diff.unchanged == 1


def test_an_argument_whose_sources_are_now_in_several_was_split():
    before = hand_map(argument("a", S1, S2, S3), argument("c", S4))
    after = hand_map(argument("x", S2), argument("y", S1, S3), argument("c", S4))

    diff = map_diff(before, after)

    # The parts in reading order: S1 (document 1, 0) comes before S2 (document 1, 20).
    assert regroups(diff.split) == [(["a"], ["y", "x"])]
    assert (diff.added, diff.removed, diff.merged, diff.changed) == ((),) * 4
    assert diff.unchanged == 1


def test_sources_regrouped_across_arguments_are_a_split_and_a_merge():
    before = hand_map(argument("a", S1, S2), argument("b", S3))
    after = hand_map(argument("x", S1), argument("y", S2, S3))

    diff = map_diff(before, after)

    assert regroups(diff.split) == [(["a"], ["x", "y"])]
    assert regroups(diff.merged) == [(["a", "b"], ["y"])]
    assert (diff.added, diff.removed, diff.changed, diff.unchanged) == ((), (), (), 0)


def test_arguments_sharing_no_source_were_added_or_removed():
    before = hand_map(argument("a", S1), argument("b", S3))
    after = hand_map(argument("b", S3), argument("z", S4), argument("y", S2))

    diff = map_diff(before, after)

    assert ids(diff.added) == ["y", "z"]  # reading order: document 1 before document 2
    assert ids(diff.removed) == ["a"]
    assert diff.unchanged == 1


def test_the_same_sources_with_another_side_kind_strength_or_anchor_changed():
    before = hand_map(
        argument("a", S1),
        argument("b", S2, kind="premise"),
        argument("c", S3, strength=0.5),
        argument("d", S4),
    )
    earlier = source("0", 5)
    after = hand_map(
        argument("a2", S1, side="contra"),
        argument("b", S2, kind="claim"),
        argument("c", S3, strength=0.25),
        argument("d2", earlier, S4),  # a paraphrase read first: a new anchor, id and wording
    )

    diff = map_diff(before, after)

    assert [(c.before.id, c.after.id, c.changed) for c in diff.changed] == [
        ("d", "d2", ("text", "sources")),
        ("a", "a2", ("side",)),
        ("b", "b", ("kind",)),
        ("c", "c", ("strength",)),
    ]
    assert (diff.added, diff.removed, diff.merged, diff.split, diff.unchanged) == ((),) * 4 + (0,)


def test_a_span_re_created_at_the_same_place_is_the_same_source():
    before = hand_map(argument("a", source("1", 0, span="10")))
    after = hand_map(argument("a", source("1", 0, span="99")))

    assert map_diff(before, after).unchanged == 1


def test_actors_whose_position_changed_with_before_and_after():
    before = hand_map(
        argument("a", S1), actors=[actor("1", "pro"), actor("2", "contra"), actor("3", "pro")]
    )
    after = hand_map(
        argument("a", S1),
        actors=[actor("1", "mixed"), actor("3", "pro"), actor("10", "contra")],
    )

    assert map_diff(before, after).actors == (
        ActorShift("1", "Actor 1", "pro", "mixed"),
        ActorShift("2", "Actor 2", "contra", None),
        ActorShift("10", "Actor 10", None, "contra"),
    )


def test_from_no_map_everything_is_added():
    after = hand_map(argument("b", S3), argument("a", S1), actors=[actor("1", "pro")])

    diff = map_diff(None, after)

    assert ids(diff.added) == ["a", "b"]
    assert diff.actors == (ActorShift("1", "Actor 1", None, "pro"),)
    assert (diff.proposition_before, diff.proposition_after) == (None, 0.5)


# --- two builds ---------------------------------------------------------------------------


def test_a_new_claim_between_two_builds_is_added():
    before, after = build_map(seed_map_input()), build_map(bigger_seed_input())

    diff = map_diff(before, after)

    assert [node.text for node in diff.added] == [TOOLS_000]
    assert (diff.removed, diff.merged, diff.split, diff.changed) == ((),) * 4
    assert diff.unchanged == 8
    # One more pro claim supports the proposition: its strength rises.
    assert (diff.proposition_before, diff.proposition_after) == (
        before.proposition.strength,
        after.proposition.strength,
    )
    assert diff.proposition_before < diff.proposition_after


def test_a_paraphrase_and_a_new_side_between_two_builds():
    data = seed_map_input()
    rules = next(s for s in data.spans if s.quote == RULES_000)
    # A third article: Govender repeats the rules claim (the same words, at its start), a
    # second source of that argument; Hargreaves (pro) voices a contra claim: she turns mixed.
    third = MapDocument(105, "A third article")
    paraphrase = replace(rules, id=11, document_id=105, start=0, end=len(RULES_000))
    paraphrase = replace(paraphrase, actor_id=GOVENDER)
    contra = gold_span(12, 100, TOOLS_000, "contra", "claim", HARGREAVES)
    before = build_map(data)
    after = build_map(
        replace(data, documents=[*data.documents, third], spans=[*data.spans, paraphrase, contra])
    )

    diff = map_diff(before, after)

    [change] = diff.changed
    assert change.before.id == change.after.id == node_of(before, RULES_000).id
    assert change.changed == ("sources",)
    assert [s.span_id for s in change.after.sources] == ["3", "11"]
    assert [node.text for node in diff.added] == [TOOLS_000]
    assert diff.actors == (ActorShift(str(HARGREAVES), "Susie Hargreaves", "pro", "mixed"),)
