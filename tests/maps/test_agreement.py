"""Each annotator's map and the majority-vote map against gold, on the debate of layers.py."""

import pytest

from annotations.models import Span
from maps.agreement import map_agreement_get
from maps.compare import MatchCounts
from tests.maps.layers import three_layers_and_gold

pytestmark = pytest.mark.django_db


def figures(agreement):
    return {
        layer.layer: (layer.documents, layer.arguments, layer.edges) for layer in agreement.layers
    }


def test_every_layer_s_map_against_gold_by_hand(debate, django_assert_max_num_queries):
    three_layers_and_gold(debate)

    # Gold: documents, spans, relations, actors; layers: assignments, lengths, spans, relations.
    with django_assert_max_num_queries(8):
        agreement = map_agreement_get(debate=debate)

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

    layers = {layer.layer: layer for layer in map_agreement_get(debate=debate).layers}

    assert (layers["a2"].arguments, layers["a2"].edges) == (None, None)
    assert "stance 'retired' is not in the scheme" in layers["a2"].error
    assert layers["a1"].arguments == MatchCounts(4, 4, 4)


def test_a_debate_without_adjudicated_documents_has_no_layers(debate):
    agreement = map_agreement_get(debate=debate)

    assert (agreement.documents, agreement.gold_arguments, agreement.layers) == (0, 0, ())


def test_the_figures_of_the_same_inputs_are_kept_and_a_change_makes_new_ones(debate, monkeypatch):
    users = three_layers_and_gold(debate)
    first = map_agreement_get(debate=debate)

    def no_build(*args, **kwargs):
        raise AssertionError("built again")

    monkeypatch.setattr("maps.agreement.build_map", no_build)
    assert map_agreement_get(debate=debate) == first

    # a3 calls their premise contra: a3's map and the majority's change, so all is rebuilt.
    Span.objects.filter(annotator=users["a3"], role="premise").update(stance="contra")
    monkeypatch.undo()
    layers = {layer.layer: layer for layer in map_agreement_get(debate=debate).layers}
    # Arguments match by units whatever their side; the premise's relation edge still
    # matches (a support from the premise to claim 1), only the sides differ.
    assert (layers["a3"].arguments, layers["a3"].edges) == (
        MatchCounts(2, 2, 3),
        MatchCounts(2, 2, 3),
    )
    assert layers["majority"].arguments == MatchCounts(1, 1, 4)
