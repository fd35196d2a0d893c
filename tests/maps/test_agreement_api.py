"""GET /api/v1/debates/{slug}/maps/agreement/: who reads it, and the figures of layers.py."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.test import APIClient

from debate.models import Debate
from tests.maps.layers import three_layers_and_gold
from tests.scenes import token_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/debates/encryption/maps/agreement/"


@pytest.fixture
def users(debate):
    cache.clear()  # figures are kept by their inputs' hashes: start from none kept
    yield three_layers_and_gold(debate)
    cache.clear()


@pytest.mark.parametrize("see_maps", [False, True])
def test_only_the_agreement_s_readers_read_it(users, debate, see_maps):
    Debate.objects.filter(pk=debate.pk).update(annotators_see_maps=see_maps)

    first = token_client(users["res"]).get(URL)
    got = [token_client(users[name]).get(URL).status_code for name in ("a1", "rev", "man", "res")]

    # The first ask has the worker build the maps (inline in the tests): 202, then 200.
    assert (first.status_code, first["Retry-After"]) == (202, "3")
    assert first.json() == {"detail": "The maps are being built and compared; ask again shortly."}
    # An annotator never: the answer shows the other annotators' layers.
    assert got == [403, 200, 200, 200]
    assert token_client(None).get(URL).status_code == 401
    assert token_client(users["res"]).get("/api/v1/debates/nope/maps/agreement/").status_code == 404


def test_the_answer_has_every_layer_s_figures(users):
    client = token_client(users["res"])
    assert client.get(URL).status_code == 202
    body = client.get(URL).json()

    assert {key: body[key] for key in ("debate", "documents", "gold_arguments", "gold_edges")} == {
        "debate": "encryption",
        "documents": 2,
        "gold_arguments": 4,
        "gold_edges": 4,
    }
    a2 = body["layers"][1]
    assert a2 == {
        "layer": "a2",
        "majority": False,
        "documents": 2,
        "arguments": {
            "matched": 2,
            "layer": 3,
            "gold": 4,
            "precision": pytest.approx(2 / 3),
            "recall": 0.5,
            "f1": pytest.approx(4 / 7),
        },
        "edges": {
            "matched": 1,
            "layer": 3,
            "gold": 4,
            "precision": pytest.approx(1 / 3),
            "recall": 0.25,
            "f1": pytest.approx(2 / 7),
        },
        "error": "",
    }
    majority = body["layers"][-1]
    assert (majority["layer"], majority["majority"]) == ("majority", True)
    assert majority["arguments"]["f1"] == pytest.approx(2 / 3)  # 2·2 / (2 + 4)


def test_the_schema_documents_it_without_warnings(db):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
    schema = APIClient().get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/debates/{slug}/maps/agreement/"]["get"]
    assert operation["tags"] == ["maps"]
    assert {"200", "202"} <= set(operation["responses"])
    assert "majority vote" in operation["description"]
