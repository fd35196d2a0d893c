"""maps.curation: reviewers' merge decisions, their rules, undo, and builds that apply them."""

import orjson
import pytest
from rest_framework.exceptions import PermissionDenied, ValidationError

from debate.models import DocumentStatus, Role
from maps.builder import map_from_dict
from maps.curation import merge_decision_create, merge_decision_undo
from maps.gold import gold_map_input
from maps.models import MapBuild, MapVersion, MergeDecision
from maps.selectors import map_version_graph_bytes
from maps.services import map_build_run, map_version_current
from tests.factories import DebateFactory, DocumentFactory, SpanFactory, UserFactory
from tests.maps.seed import BACKDOOR_000, BACKDOOR_004, RULES_000, TRADE_OFF_004
from tests.scenes import seed_gold

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(debate, member):
    reviewer = member(Role.REVIEWER, username="rev1")
    gold = seed_gold(debate, reviewer)
    return {"rev": reviewer, "spans": gold["spans"], "debate": debate, "member": member}


def _run(build: MapBuild) -> MapVersion:
    """Run the build a decision asked for (its dispatch waits for a commit these tests never
    make) and return the debate's current map."""
    map_build_run(build_id=build.pk, worker="t:1")
    build.refresh_from_db()
    assert build.status == "done", build.error
    return map_version_current(debate=build.debate)


def _graph(version: MapVersion):
    return map_from_dict(orjson.loads(map_version_graph_bytes(version=version)))


def _node(graph, quote):
    [node] = [a for a in graph.arguments if quote in {s.quote for s in a.sources}]
    return node


def test_a_decision_is_recorded_asks_for_a_build_and_the_build_applies_it(world):
    debate, spans = world["debate"], world["spans"]
    decision, build = merge_decision_create(
        debate=debate, kind="join", spans=[spans[3].pk], other_spans=[spans[8].pk], by=world["rev"]
    )
    assert (decision.kind, decision.spans, decision.other_spans, decision.by) == (
        "join",
        [spans[3].pk],
        [spans[8].pk],
        world["rev"],
    )
    assert build.reason == f"rev1 joined two arguments (decision {decision.pk})"
    graph = _graph(_run(build))
    joined = _node(graph, RULES_000)
    assert [s.quote for s in joined.sources] == [RULES_000, TRADE_OFF_004]
    [step] = joined.merges
    assert (step.method, step.by, step.decision) == ("reviewer-join", "rev1", str(decision.pk))


def test_the_decisions_not_undone_are_the_build_input_and_change_its_hash(world):
    debate, spans = world["debate"], world["spans"]
    assert gold_map_input(debate=debate).decisions == []
    split, build = merge_decision_create(
        debate=debate, kind="split", spans=[spans[5].pk], other_spans=[spans[2].pk], by=world["rev"]
    )
    split_version = _run(build)
    [entry] = gold_map_input(debate=debate).decisions
    assert (entry.id, entry.kind, entry.spans, entry.other_spans, entry.by) == (
        split.pk,
        "split",
        (spans[5].pk,),
        (spans[2].pk,),
        "rev1",
    )
    graph = _graph(split_version)
    assert _node(graph, BACKDOOR_000).id != _node(graph, BACKDOOR_004).id

    undone, build = merge_decision_undo(decision=split, by=world["rev"])
    assert undone.undone_by == world["rev"] and undone.undone_at is not None
    assert MergeDecision.objects.filter(pk=split.pk).exists()  # history stays
    assert gold_map_input(debate=debate).decisions == []
    after = _run(build)
    assert after.input_hash != split_version.input_hash
    graph = _graph(after)
    assert _node(graph, BACKDOOR_000).id == _node(graph, BACKDOOR_004).id
    with pytest.raises(ValidationError):
        merge_decision_undo(decision=undone, by=world["rev"])


def test_a_decision_survives_a_rebuild_after_another_review(world):
    debate, spans = world["debate"], world["spans"]
    _, build = merge_decision_create(
        debate=debate, kind="join", spans=[spans[3].pk], other_spans=[spans[8].pk], by=world["rev"]
    )
    before = _run(build)
    text = "Scanning is proportionate when courts oversee it."
    document = DocumentFactory(debate=debate, text=text, status=DocumentStatus.ADJUDICATED)
    SpanFactory(
        document=document,
        annotator=None,
        created_by=world["rev"],
        start=0,
        end=len(text),
        stance="pro",
        role="claim",
    )
    after = _run(MapBuild.objects.create(debate=debate))
    assert after.pk != before.pk
    joined = _node(_graph(after), RULES_000)
    assert [s.quote for s in joined.sources] == [RULES_000, TRADE_OFF_004]


@pytest.mark.parametrize("role", [Role.ANNOTATOR, Role.MANAGER, Role.RESEARCHER])
def test_only_reviewers_and_superusers_decide(world, role):
    debate, spans = world["debate"], world["spans"]
    someone = world["member"](role, username=f"x-{role}")
    with pytest.raises(PermissionDenied):
        merge_decision_create(
            debate=debate, kind="join", spans=[spans[3].pk], other_spans=[spans[8].pk], by=someone
        )
    root = UserFactory(username="root", is_superuser=True)
    decision, _ = merge_decision_create(
        debate=debate, kind="join", spans=[spans[3].pk], other_spans=[spans[8].pk], by=root
    )
    with pytest.raises(PermissionDenied):
        merge_decision_undo(decision=decision, by=someone)
    assert MergeDecision.objects.get().undone_at is None


@pytest.mark.parametrize(
    ("kind", "first", "second", "field"),
    [
        ("split", [5], [], "non_field_errors"),  # a split leaves both parts non-empty
        ("join", [], [8], "non_field_errors"),
        ("join", [3], [3, 8], "other_spans"),  # a span in both groups
        ("join", [3], [2], "non_field_errors"),  # pro and contra
        ("join", [2], [1], "non_field_errors"),  # claim and premise
        ("merge", [3], [8], "kind"),
    ],
)
def test_invalid_decisions_are_refused_and_write_nothing(world, kind, first, second, field):
    spans = world["spans"]
    builds = MapBuild.objects.count()
    with pytest.raises(ValidationError) as refused:
        merge_decision_create(
            debate=world["debate"],
            kind=kind,
            spans=[spans[i].pk for i in first],
            other_spans=[spans[i].pk for i in second],
            by=world["rev"],
        )
    assert list(refused.value.detail) == [field]
    assert MergeDecision.objects.count() == 0
    assert MapBuild.objects.count() == builds


def test_spans_must_be_gold_of_this_debates_adjudicated_documents(world):
    debate, spans = world["debate"], world["spans"]
    text = "Scanning is proportionate when courts oversee it."
    pending = DocumentFactory(debate=debate, text=text, status=DocumentStatus.READY_FOR_REVIEW)
    not_adjudicated = SpanFactory(
        document=pending,
        annotator=None,
        created_by=world["rev"],
        start=0,
        end=len(text),
        stance="pro",
        role="claim",
    )
    elsewhere = DocumentFactory(
        debate=DebateFactory(slug="other"), text=text, status=DocumentStatus.ADJUDICATED
    )
    foreign = SpanFactory(
        document=elsewhere,
        annotator=None,
        created_by=world["rev"],
        start=0,
        end=len(text),
        stance="pro",
        role="claim",
    )
    annotators = SpanFactory(
        document=spans[3].document,
        annotator=world["rev"],
        created_by=world["rev"],
        start=spans[3].start,
        end=spans[3].end,
        stance="pro",
        role="claim",
    )
    for stranger in (not_adjudicated, foreign, annotators):
        with pytest.raises(ValidationError) as refused:
            merge_decision_create(
                debate=debate,
                kind="join",
                spans=[spans[3].pk],
                other_spans=[stranger.pk],
                by=world["rev"],
            )
        assert list(refused.value.detail) == ["other_spans"]
    assert MergeDecision.objects.count() == 0
