"""Each annotator's map and the majority-vote map against gold, on the debate of layers.py."""

import pytest
from django.core.cache import cache

from annotations.models import Span
from maps import agreement as agreement_module
from maps.agreement import map_agreement_compute, map_agreement_get_or_request
from maps.compare import MatchCounts
from tests.maps.layers import three_layers_and_gold

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    # Figures are kept by their inputs' hashes; each test starts from none kept.
    cache.clear()
    yield
    cache.clear()


def figures(agreement):
    return {
        layer.layer: (layer.documents, layer.arguments, layer.edges) for layer in agreement.layers
    }


def test_every_layer_s_map_against_gold_by_hand(debate, django_assert_max_num_queries):
    three_layers_and_gold(debate)

    # Gold: documents, spans, relations, actors, merge decisions; layers: assignments, lengths,
    # spans, relations.
    with django_assert_max_num_queries(9):
        agreement = map_agreement_compute(debate=debate)

    assert (agreement.documents, agreement.gold_arguments, agreement.gold_edges) == (2, 4, 4)
    assert [(layer.layer, layer.majority) for layer in agreement.layers] == [
        ("a1", False),
        ("a2", False),
        ("a3", False),
        ("majority", True),
    ]
    assert figures(agreement) == {
        "a1": (2, MatchCounts(4, 4, 4), MatchCounts(4, 4, 4)),
        "a2": (2, MatchCounts(2, 3, 4), MatchCounts(1, 3, 4)),
        "a3": (1, MatchCounts(2, 2, 3), MatchCounts(2, 2, 3)),
        "majority": (2, MatchCounts(2, 2, 4), MatchCounts(2, 2, 4)),
    }
    assert all(layer.error == "" for layer in agreement.layers)


def test_a_layer_whose_map_cannot_be_built_says_why_and_the_others_stand(debate):
    three_layers_and_gold(debate)
    # The scheme lost a stance a2 still uses (a manager edited the scheme).
    Span.objects.filter(annotator__username="a2", stance="pro").update(stance="retired")

    layers = {layer.layer: layer for layer in map_agreement_compute(debate=debate).layers}

    assert (layers["a2"].arguments, layers["a2"].edges) == (None, None)
    assert "stance 'retired' is not in the scheme" in layers["a2"].error
    assert layers["a1"].arguments == MatchCounts(4, 4, 4)


def test_a_debate_without_adjudicated_documents_has_no_layers(debate):
    agreement = map_agreement_compute(debate=debate)

    assert (agreement.documents, agreement.gold_arguments, agreement.layers) == (0, 0, ())


def test_figures_are_asked_for_once_kept_and_found_until_a_layer_changes(debate, monkeypatch):
    users = three_layers_and_gold(debate)
    asked = []
    monkeypatch.setattr(
        "maps.tasks.compare_layer_maps.apply_async",
        lambda args, **options: asked.append(args),
    )

    # Not kept: the worker is asked, once, however often the page asks meanwhile.
    assert map_agreement_get_or_request(debate=debate) is None
    assert map_agreement_get_or_request(debate=debate) is None
    assert asked == [[debate.pk]]

    computed = map_agreement_compute(debate=debate)  # what the worker does

    def no_build(*args, **kwargs):
        raise AssertionError("built again")

    monkeypatch.setattr("maps.agreement.build_map", no_build)
    assert map_agreement_get_or_request(debate=debate) == computed
    assert len(asked) == 1

    # a3 calls their premise contra: new inputs, new figures, asked for anew.
    Span.objects.filter(annotator=users["a3"], role="premise").update(stance="contra")
    assert map_agreement_get_or_request(debate=debate) is None
    assert asked == [[debate.pk], [debate.pk]]
    monkeypatch.undo()
    layers = {layer.layer: layer for layer in map_agreement_compute(debate=debate).layers}
    # Arguments match by units whatever their side, and the premise's support of claim 1
    # still matches; the majority lost the premise (one vote each way) and its relation.
    assert (layers["a3"].arguments, layers["a3"].edges) == (
        MatchCounts(2, 2, 3),
        MatchCounts(2, 2, 3),
    )
    assert layers["majority"].arguments == MatchCounts(1, 1, 4)


def test_an_unreachable_broker_leaves_it_to_the_next_request(debate, monkeypatch):
    three_layers_and_gold(debate)

    def down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr("maps.tasks.compare_layer_maps.apply_async", down)
    assert map_agreement_get_or_request(debate=debate) is None
    asked = []
    monkeypatch.setattr(
        "maps.tasks.compare_layer_maps.apply_async",
        lambda args, **options: asked.append(args),
    )
    assert map_agreement_get_or_request(debate=debate) is None
    assert asked == [[debate.pk]]


def test_the_worker_s_task_keeps_the_figures_the_api_finds(debate):
    three_layers_and_gold(debate)

    # Celery runs tasks inline in the tests: asking runs the worker's task at once.
    assert map_agreement_get_or_request(debate=debate) is None
    found = map_agreement_get_or_request(debate=debate)

    assert found is not None
    assert [layer.layer for layer in found.layers] == ["a1", "a2", "a3", "majority"]


def test_every_map_is_merged_by_the_debate_s_own_method(debate, monkeypatch):
    three_layers_and_gold(debate)
    methods = []
    real = agreement_module.merge_similarity

    def spy(method, embeddings=None, **settings):
        methods.append((method, embeddings is not None))
        return real(method, embeddings, **settings)

    monkeypatch.setattr(agreement_module, "merge_similarity", spy)
    lexical = agreement_module._inputs(debate).key
    debate.merge_method = "combined"
    debate.save(update_fields=["merge_method"])
    combined = map_agreement_compute(debate=debate)

    assert methods == [("lexical", False), ("combined", True)]
    assert agreement_module._inputs(debate).key != lexical  # new figures for a new method
    assert [layer.layer for layer in combined.layers] == ["a1", "a2", "a3", "majority"]
