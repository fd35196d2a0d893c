"""generate_bench_scenarios: the served benchmarks' data, small, with exact counts."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from annotations.models import Assignment, AssignmentStatus, Relation, Span
from bench.management.commands.generate_bench_scenarios import Command as GenerateScenarios
from debate.models import Debate, Document, DocumentStatus
from tests.factories import token_owner


@pytest.mark.django_db
def test_makes_every_scenario_with_valid_spans_and_a_manifest(tmp_path):
    manifest_path = tmp_path / "scenarios.json"
    call_command(
        GenerateScenarios(),
        "--span-clients=2",
        "--span-payloads=3",
        "--page-spans=20",
        "--page-relations=5",
        "--map-spans=60",
        "--map-documents=6",
        "--agreement-documents=4",
        f"--manifest={manifest_path}",
    )
    manifest = json.loads(manifest_path.read_text())

    for span in Span.objects.select_related("document"):
        assert span.document.text[span.start : span.end] == span.quote
    clients = manifest["spans"]["clients"]
    assert [len(c["payloads"]) for c in clients] == [3, 3]
    for client in clients:
        text = Document.objects.get(pk=client["document"]).text
        assert all(text[p["start"] : p["end"]] == p["quote"] for p in client["payloads"])

    page = manifest["page"]
    assert Span.objects.filter(document_id=page["document"]).count() == 20
    # The page's annotator signs in with the manifest's password and token, both still valid
    # (a password change revokes tokens issued before it).
    annotator = token_owner(page["token"])
    assert annotator.check_password(page["password"])
    for client in clients:
        assert token_owner(client["token"]) is not None
    assert Relation.objects.filter(document_id=page["document"]).count() == 5

    gold = Span.objects.filter(document__debate__slug="bench-map", annotator__isnull=True)
    assert gold.count() == manifest["map"]["gold_spans"] == 60
    pending = Document.objects.get(pk=manifest["map"]["pending_document"])
    assert pending.status == DocumentStatus.READY_FOR_REVIEW
    assert Span.objects.filter(document=pending).count() == 2  # one per annotator, identical
    assert (manifest["map"]["text"], manifest["map"]["merge_method"]) == ("syllables", "lexical")
    assert Debate.objects.get(slug="bench-map").merge_method == "lexical"

    agreement = Debate.objects.get(slug="bench-agreement")
    # Four documents with every layer submitted, and one whose last layer the benchmark submits.
    assert agreement.documents.count() == 4 + 1
    assert manifest["agreement"]["documents"] == 4
    submitted = Assignment.objects.filter(
        document__debate=agreement, status=AssignmentStatus.SUBMITTED
    )
    assert submitted.count() == 4 * 3 + 2
    waiting = manifest["agreement"]["pending"]
    assert Document.objects.get(pk=waiting["document"]).status == DocumentStatus.ANNOTATING
    assert (
        Assignment.objects.get(
            document_id=waiting["document"], status=AssignmentStatus.IN_PROGRESS
        ).annotator.username
        == waiting["annotator"]["username"]
    )
    assert manifest["agreement"]["spans"] == Span.objects.filter(document__debate=agreement).count()


@pytest.mark.django_db
def test_refuses_to_make_a_scenario_twice_without_replace():
    call_command(GenerateScenarios(), "--only=page", "--page-spans=3")
    with pytest.raises(CommandError, match="--replace"):
        call_command(GenerateScenarios(), "--only=page", "--page-spans=3")
    call_command(GenerateScenarios(), "--only=page", "--page-spans=4", "--replace")
    assert Span.objects.count() == 4


@pytest.mark.django_db
def test_the_peer_scenario_is_an_empty_debate_with_a_manager_and_an_annotator(tmp_path):
    manifest_path = tmp_path / "peer.json"
    call_command(GenerateScenarios(), "--only=peer", f"--manifest={manifest_path}")
    call_command(GenerateScenarios(), "--only=peer", "--replace", f"--manifest={manifest_path}")
    peer = json.loads(manifest_path.read_text())["peer"]

    debate = Debate.objects.get(slug=peer["debate"])
    assert debate.documents.count() == 0
    roles = dict(debate.memberships.values_list("user__username", "role"))
    assert roles == {"bench-peer-manager": "manager", "bench-peer-annotator": "annotator"}
    for who in ("manager", "annotator"):
        assert token_owner(peer[who]["token"]).pk == peer[who]["id"]


@pytest.mark.django_db
def test_the_map_scenario_in_english_merges_semantically(tmp_path):
    manifest_path = tmp_path / "scenarios.json"
    call_command(
        GenerateScenarios(),
        "--only=map",
        "--map-spans=60",
        "--map-documents=6",
        "--map-text=english",
        f"--manifest={manifest_path}",
    )
    scenario = json.loads(manifest_path.read_text())["map"]

    assert (scenario["text"], scenario["merge_method"]) == ("english", "semantic")
    debate = Debate.objects.get(slug="bench-map")
    assert debate.merge_method == "semantic"
    gold = Span.objects.filter(document__debate=debate, annotator__isnull=True)
    assert gold.count() == scenario["gold_spans"] == 60
    for span in gold.select_related("document"):
        assert span.document.text[span.start : span.end] == span.quote
    # English claims about the debate, not made-up words.
    assert any("encryption" in span.quote or "scanning" in span.quote for span in gold)
