"""Exports and imports are throttled per user, each kind on its own count (settings
``THROTTLE_EXPORT``, ``THROTTLE_IMPORT``), and the schema says they can answer 429."""

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from maps.builder import build_map
from maps.gold import gold_map_input
from maps.services import map_version_store
from tests.annotations.export_corpus import make_corpus

EXPORT_URL = "/api/v1/debates/encryption/export/spans/"
IMPORT_URL = "/api/v1/debates/encryption/import/brat/"


@pytest.fixture
def corpus(db):
    return make_corpus()


@pytest.fixture
def rates(monkeypatch):
    # DRF reads the rates once, into the class: three of each a minute for these tests.
    monkeypatch.setattr(
        ScopedRateThrottle,
        "THROTTLE_RATES",
        {**ScopedRateThrottle.THROTTLE_RATES, "export": "3/min", "import": "3/min"},
    )


def client_for(corpus, who: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(corpus.users[who])
    return client


def test_the_fourth_export_in_a_minute_waits_and_others_are_not_held_up(corpus, rates):
    manager, researcher = client_for(corpus, "man"), client_for(corpus, "res")

    statuses = [manager.get(EXPORT_URL, {"format": "csv"}).status_code for _ in range(4)]
    refused = manager.get(EXPORT_URL, {"format": "csv"})

    assert statuses == [200, 200, 200, 429]
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused.json()["detail"].startswith("Request was throttled.")
    # Another user has a count of their own.
    assert researcher.get(EXPORT_URL, {"format": "csv"}).status_code == 200


def test_map_downloads_count_as_exports(corpus, rates):
    graph = build_map(gold_map_input(debate=corpus.debate))
    version, _ = map_version_store(
        debate=corpus.debate, digest=graph.input_hash, graph=graph, document_count=0
    )
    reviewer = client_for(corpus, "rev")
    for _ in range(2):
        assert reviewer.get(EXPORT_URL, {"format": "csv"}).status_code == 200

    assert reviewer.get(f"/api/v1/maps/{version.pk}/?format=json").status_code == 200
    assert reviewer.get(f"/api/v1/maps/{version.pk}/?format=json").status_code == 429


def test_imports_have_their_own_count(corpus, rates):
    manager = client_for(corpus, "man")
    for _ in range(3):
        assert manager.get(EXPORT_URL, {"format": "csv"}).status_code == 200

    # Exports used up; imports are counted apart (an empty upload is refused, but counted).
    statuses = [manager.post(IMPORT_URL, {}, format="multipart").status_code for _ in range(4)]

    assert statuses == [400, 400, 400, 429]
    assert manager.get(EXPORT_URL, {"format": "csv"}).status_code == 429


def test_the_schema_documents_429_where_a_throttle_applies(db):
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]

    assert "429" in paths["/api/v1/debates/{slug}/export/spans/"]["get"]["responses"]
    assert "429" in paths["/api/v1/maps/{id}/"]["get"]["responses"]
    assert "429" in paths["/api/v1/debates/{slug}/import/brat/"]["post"]["responses"]
    assert "429" in paths["/api/v1/debates/{slug}/import/spans/"]["post"]["responses"]
    assert "429" not in paths["/api/v1/debates/{slug}/members/"]["get"]["responses"]
