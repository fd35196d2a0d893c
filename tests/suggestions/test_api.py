"""The suggestion API: who gets what, where the debate hides suggestions, bad input by field."""

import json

import pytest
from rest_framework.test import APIClient

from annotations.models import Span, SpanEvent
from debate.models import SuggestionMode
from suggestions.models import SuggestionGrant, SuggestionModel, SuggestionTraining
from suggestions.selectors import HIDDEN_BEFORE_SUBMISSION, HIDDEN_OFF
from tests.factories import AssignmentFactory
from tests.suggestions.seed import store_trained_model, unannotated_document

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def trained(debate, gold_documents):
    return store_trained_model(debate)


ROLES = ("annotator", "reviewer", "manager", "researcher", "outsider")


@pytest.mark.parametrize(
    "mode, expected",
    [
        # Off: annotators see none; everyone who reads gold does; strangers get 404.
        (
            SuggestionMode.OFF,
            {"annotator": 403, "reviewer": 200, "manager": 200, "researcher": 200, "outsider": 404},
        ),
        (
            SuggestionMode.ON,
            {"annotator": 200, "reviewer": 200, "manager": 200, "researcher": 200, "outsider": 404},
        ),
    ],
)
def test_document_suggestions_per_role(debate, trained, new_document, people, mode, expected):
    debate.suggestions = mode
    debate.save()
    url = f"/api/v1/documents/{new_document.pk}/suggestions/"

    statuses = {role: client_for(people[role]).get(url).status_code for role in ROLES}

    assert statuses == expected


def test_an_annotator_sees_the_models_suggestions_with_their_labels(
    debate, trained, new_document, people
):
    debate.suggestions = SuggestionMode.ON
    debate.save()

    body = (
        client_for(people["annotator"])
        .get(f"/api/v1/documents/{new_document.pk}/suggestions/")
        .json()
    )

    assert (body["model"], body["model_label"], body["message"]) == (1, "suggestion model v1", "")
    assert body["results"]
    for item in body["results"]:
        assert item["quote"] == new_document.text[item["start"] : item["end"]]
        assert item["stance"] in {"pro", "contra", "neutral"} and item["role"] in {
            "claim",
            "premise",
        }
        assert 0.5 <= item["confidence"] <= 1
        assert item["nearest_argument"] is None  # the debate has no map yet


def test_hidden_suggestions_say_why(debate, trained, new_document, people):
    url = f"/api/v1/documents/{new_document.pk}/suggestions/"
    annotator = client_for(people["annotator"])

    assert annotator.get(url).json() == {"detail": HIDDEN_OFF}
    debate.suggestions = SuggestionMode.AFTER_FIRST_SUBMISSION
    debate.save()
    assert annotator.get(url).json() == {"detail": HIDDEN_BEFORE_SUBMISSION}

    # After a first submitted document, the annotator sees them.
    AssignmentFactory(
        document=unannotated_document(debate, number=91),
        annotator=people["annotator"],
        status="submitted",
    )
    assert annotator.get(url).status_code == 200


def test_a_managers_grant_shows_one_annotator_suggestions_in_an_off_debate(
    debate, trained, new_document, people
):
    manager = client_for(people["manager"])
    url = "/api/v1/debates/encryption/suggestions/settings/"

    response = manager.put(url, {"mode": "off", "annotators": ["ann"]}, format="json")

    assert (response.status_code, response.json()) == (200, {"mode": "off", "annotators": ["ann"]})
    document_url = f"/api/v1/documents/{new_document.pk}/suggestions/"
    assert client_for(people["annotator"]).get(document_url).status_code == 200
    assert client_for(people["other_annotator"]).get(document_url).status_code == 403
    # Only managers change it; the others who read gold read it.
    for role, status in (("reviewer", 403), ("annotator", 403), ("researcher", 403)):
        assert (
            client_for(people[role])
            .put(url, {"mode": "on", "annotators": []}, format="json")
            .status_code
            == status
        )
    assert client_for(people["researcher"]).get(url).status_code == 200
    assert client_for(people["annotator"]).get(url).status_code == 403
    assert SuggestionGrant.objects.count() == 1


def test_bad_settings_name_the_field(debate, people):
    manager = client_for(people["manager"])
    url = "/api/v1/debates/encryption/suggestions/settings/"

    bad_mode = manager.put(url, {"mode": "always", "annotators": []}, format="json")
    stranger = manager.put(url, {"mode": "on", "annotators": ["rev", "nobody"]}, format="json")

    assert (bad_mode.status_code, list(bad_mode.json())) == (400, ["mode"])
    assert stranger.status_code == 400
    assert stranger.json() == {"annotators": ["Not annotators of this debate: nobody, rev."]}


def test_accepting_through_the_api_writes_the_span_with_its_provenance(
    debate, trained, new_document, people
):
    debate.suggestions = SuggestionMode.ON
    debate.save()
    annotator = client_for(people["annotator"])
    first = annotator.get(f"/api/v1/documents/{new_document.pk}/suggestions/").json()["results"][0]

    response = annotator.post(
        f"/api/v1/documents/{new_document.pk}/suggestions/decisions/",
        {"model": 1, "start": first["start"], "end": first["end"], "action": "accept"},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    span = Span.objects.get(pk=body["span"])
    assert (body["action"], body["model"], span.stance, span.role) == (
        "accept",
        1,
        first["stance"],
        first["role"],
    )
    assert body["span_detail"]["id"] == span.pk and body["span_detail"]["quote"] == first["quote"]
    history = client_for(people["annotator"]).get(f"/api/v1/spans/{span.pk}/history/").json()
    assert SpanEvent.objects.get(span_pk=span.pk).reason == "accepted from suggestion model v1"
    assert "accepted from suggestion model v1" in json.dumps(history)


def test_bad_decisions_name_the_field(debate, trained, new_document, people):
    debate.suggestions = SuggestionMode.ON
    debate.save()
    url = f"/api/v1/documents/{new_document.pk}/suggestions/decisions/"
    annotator = client_for(people["annotator"])

    edit_without_labels = annotator.post(
        url, {"model": 1, "start": 0, "end": 5, "action": "edit"}, format="json"
    )
    backwards = annotator.post(
        url, {"model": 1, "start": 5, "end": 2, "action": "dismiss"}, format="json"
    )
    old_model = annotator.post(
        url, {"model": 7, "start": 0, "end": 5, "action": "dismiss"}, format="json"
    )
    nowhere = annotator.post(
        url, {"model": 1, "start": 0, "end": 5, "action": "dismiss"}, format="json"
    )
    reviewer = client_for(people["reviewer"]).post(
        url, {"model": 1, "start": 0, "end": 5, "action": "dismiss"}, format="json"
    )

    assert (edit_without_labels.status_code, sorted(edit_without_labels.json())) == (
        400,
        ["role", "stance"],
    )
    assert backwards.json() == {"end": ["Must be greater than start."]}
    assert old_model.json() == {
        "model": ["The current suggestion model is v1; reload the suggestions."]
    }
    assert nowhere.json() == {"start": ["No suggestion of this model has these offsets."]}
    assert reviewer.status_code == 403


def test_the_model_report_and_training_per_role(
    debate, gold_documents, people, django_capture_on_commit_callbacks
):
    url = "/api/v1/debates/encryption/suggestions/model/"

    before = client_for(people["reviewer"]).get(url).json()
    assert (before["trained"], before["message"]) == (
        False,
        "Not trained yet: needs 8 adjudicated documents, has 8.",
    )
    statuses = {}
    for role in ROLES:
        with django_capture_on_commit_callbacks(execute=True):
            statuses[role] = (
                client_for(people[role]).post(url + "train/", {}, format="json").status_code
            )
    assert statuses == {
        "annotator": 403,
        "reviewer": 202,
        "manager": 202,
        "researcher": 403,
        "outsider": 404,
    }
    reads = {role: client_for(people[role]).get(url).status_code for role in ROLES}
    assert reads == {
        "annotator": 403,
        "reviewer": 200,
        "manager": 200,
        "researcher": 200,
        "outsider": 404,
    }

    after = client_for(people["researcher"]).get(url).json()
    assert (after["trained"], after["model"], after["model_label"]) == (
        True,
        1,
        "suggestion model v1",
    )
    assert after["report"] == SuggestionModel.objects.get().report
    assert after["training"]["status"] == "done"
    # The second request found the same gold and kept v1.
    assert list(
        SuggestionTraining.objects.order_by("pk").values_list("reused_model", flat=True)
    ) == [False, True]


def test_the_export_is_the_models_layer_in_json_lines(debate, trained, people):
    response = client_for(people["researcher"]).get(
        "/api/v1/debates/encryption/suggestions/export/?format=jsonl"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/jsonl"
    rows = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    assert rows and {row["layer"] for row in rows} == {"suggestion model v1"}
    assert all(
        set(row)
        == {
            "document",
            "layer",
            "start",
            "end",
            "quote",
            "stance",
            "role",
            "confidence",
            "stance_confidence",
            "role_confidence",
        }
        for row in rows
    )
    assert (
        client_for(people["annotator"])
        .get("/api/v1/debates/encryption/suggestions/export/")
        .status_code
        == 403
    )
    wrong = client_for(people["researcher"]).get(
        "/api/v1/debates/encryption/suggestions/export/?format=csv"
    )
    assert (wrong.status_code, wrong.json()) == (400, {"format": ["Only jsonl is offered."]})


def test_each_suggestion_names_the_nearest_argument_of_the_current_map(
    debate, trained, new_document, people
):
    from maps.builder import WordLlamaEncoder
    from maps.selectors import map_version_map
    from maps.services import map_build_request, map_build_run, map_version_current

    build = map_build_request(debate=debate, reason="test")
    map_build_run(build_id=build.pk)
    version = map_version_current(debate=debate)
    arguments = {a.id: a for a in map_version_map(version=version).arguments}

    body = client_for(people["reviewer"]).get(f"/api/v1/documents/{new_document.pk}/suggestions/")

    encoder = WordLlamaEncoder()
    for item in body.json()["results"]:
        nearest = item["nearest_argument"]
        assert nearest["map_version"] == version.pk
        assert nearest["text"] == arguments[nearest["id"]].text
        # No argument of the map is closer to the quote than the one named.
        vectors = encoder.encode([item["quote"], *(a.text for a in arguments.values())])
        cosines = vectors[1:].astype("float64") @ vectors[0].astype("float64")
        assert nearest["similarity"] == pytest.approx(float(cosines.max()), abs=2e-3)
