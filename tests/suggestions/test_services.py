"""Training the suggestion model from gold, and annotators' decisions on its suggestions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from annotations.models import Span, SpanEvent
from debate.models import SuggestionMode
from debate.selectors import debate_access
from suggestions.models import SuggestionDecision, SuggestionModel, SuggestionTraining
from suggestions.selectors import document_suggestions, suggestion_decision_rates
from suggestions.services import (
    suggestion_decide,
    suggestion_training_request,
    suggestion_training_run,
)
from tests.suggestions.conftest import GOLD_DOCUMENTS
from tests.suggestions.seed import seed_gold, store_trained_model

pytestmark = pytest.mark.django_db


def train(debate):
    training = suggestion_training_request(debate=debate, reason="test")
    return suggestion_training_run(training_id=training.pk)


def test_below_the_minimum_of_gold_the_model_is_not_trained(debate):
    seed_gold(debate, documents=GOLD_DOCUMENTS - 1)

    outcome = train(debate)

    assert outcome.model_id is None
    assert outcome.message == "Not trained yet: needs 8 adjudicated documents, has 7."
    assert SuggestionModel.objects.count() == 0
    assert SuggestionTraining.objects.get().status == "done"


def test_a_training_stores_a_version_with_its_cross_validated_report(debate, gold_documents):
    outcome = train(debate)

    model = SuggestionModel.objects.get()
    assert (outcome.model_id, outcome.reused, model.number) == (model.pk, False, 1)
    assert (model.document_count, model.span_count) == (8, 44)
    report = model.report
    assert report["documents"] == 8 and report["gold_spans"] == 44 and report["folds"] == 5
    assert report["true_positives"] + report["false_negatives"] == 44
    tp, fp, fn = report["true_positives"], report["false_positives"], report["false_negatives"]
    assert report["recall"] == round(tp / (tp + fn), 4)
    assert report["precision"] == round(tp / (tp + fp), 4)


def test_the_same_gold_makes_no_second_version_and_more_gold_makes_v2(debate, gold_documents):
    first = train(debate)
    again = train(debate)

    assert (again.model_id, again.reused) == (first.model_id, True)
    assert SuggestionModel.objects.count() == 1

    seed_gold(debate, documents=1, first=GOLD_DOCUMENTS)
    grown = train(debate)

    assert grown.reused is False
    assert list(
        SuggestionModel.objects.order_by("number").values_list("number", "document_count")
    ) == [
        (1, 8),
        (2, 9),
    ]


def test_a_large_gold_layer_trains_on_its_newest_documents_only(debate, settings):
    settings.SUGGESTIONS_MAX_DOCUMENTS = GOLD_DOCUMENTS
    stored = seed_gold(debate, documents=GOLD_DOCUMENTS + 3)
    newest = sorted(d.pk for d in stored)[3:]

    outcome = train(debate)

    model = SuggestionModel.objects.get()
    assert outcome.message == (
        f"Trained {model.label} on the newest 8 of 11 adjudicated documents."
    )
    assert model.document_count == 8 and model.report["documents"] == 8
    assert model.span_count == Span.objects.filter(annotator=None, document__pk__in=newest).count()
    # The input hash is the newest eight's: the oldest three changing makes no new version.
    Span.objects.filter(annotator=None, document__pk=min(d.pk for d in stored)).delete()
    assert train(debate).reused is True


def test_requests_while_one_waits_join_it(debate):
    first = suggestion_training_request(debate=debate, reason="one")
    second = suggestion_training_request(debate=debate, reason="two")

    assert second.pk == first.pk and second.requests == 2
    assert SuggestionTraining.objects.count() == 1


def test_a_finished_review_asks_for_a_training(
    debate, gold_documents, people, django_capture_on_commit_callbacks
):
    from annotations.signals import document_adjudicated

    with django_capture_on_commit_callbacks(execute=True):
        document_adjudicated.send(sender=None, document=gold_documents[0], by=people["reviewer"])

    training = SuggestionTraining.objects.get()
    assert training.reason == f"{gold_documents[0].title} was adjudicated"
    assert training.status == "done"  # Celery runs tasks inline in unit tests
    assert SuggestionModel.objects.get().number == 1


@pytest.fixture
def trained(debate, gold_documents):
    model = store_trained_model(debate)
    debate.suggestions = SuggestionMode.ON
    debate.save()
    return model


def decide(document, user, suggestion, action, **extra):
    access = debate_access(user=user, debate=document.debate)
    return suggestion_decide(
        document=document,
        by=user,
        access=access,
        model_number=1,
        start=suggestion.start,
        end=suggestion.end,
        action=action,
        **extra,
    )


def test_accept_edit_and_dismiss_record_their_provenance(trained, new_document, people):
    annotator = people["annotator"]
    first, second, third, *rest = document_suggestions(
        document=new_document, model=trained, user=annotator
    )

    accepted = decide(new_document, annotator, first, "accept")
    edited = decide(new_document, annotator, second, "edit", stance="neutral", role="premise")
    dismissed = decide(new_document, annotator, third, "dismiss")

    span = Span.objects.get(pk=accepted.span_pk)
    assert (span.annotator, span.start, span.end, span.stance, span.role) == (
        annotator,
        first.start,
        first.end,
        first.stance,
        first.role,
    )
    assert SpanEvent.objects.get(span_pk=span.pk).reason == "accepted from suggestion model v1"
    edited_span = Span.objects.get(pk=edited.span_pk)
    assert (edited_span.stance, edited_span.role) == ("neutral", "premise")
    assert SpanEvent.objects.get(span_pk=edited_span.pk).reason == "edited from suggestion model v1"
    assert dismissed.span_pk is None
    assert Span.objects.filter(annotator=annotator).count() == 2
    # Decided suggestions are not offered again.
    left = document_suggestions(document=new_document, model=trained, user=annotator)
    assert [(s.start, s.end) for s in left] == [(s.start, s.end) for s in rest]
    assert suggestion_decision_rates(debate=trained.debate) == [
        {
            "annotator": "ann",
            "decided": 3,
            "accepted": 1,
            "edited": 1,
            "dismissed": 1,
            "changed_after_accept": 0,
            "acceptance_rate": 0.6667,
            "edit_rate": 0.3333,
        }
    ]


def test_a_suggestion_is_decided_once_and_only_at_its_offsets(trained, new_document, people):
    annotator = people["annotator"]
    first = document_suggestions(document=new_document, model=trained, user=annotator)[0]
    decide(new_document, annotator, first, "dismiss")

    with pytest.raises(ValidationError) as again:
        decide(new_document, annotator, first, "accept")
    assert again.value.message_dict == {"start": ["You have decided on this suggestion already."]}

    class Shifted:
        start, end = first.start + 1, first.end

    with pytest.raises(ValidationError) as shifted:
        decide(new_document, annotator, Shifted, "accept")
    assert shifted.value.message_dict == {
        "start": ["No suggestion of this model has these offsets."]
    }
    assert SuggestionDecision.objects.count() == 1


def test_where_the_debate_turns_suggestions_off_nobody_decides(
    debate, trained, new_document, people
):
    annotator = people["annotator"]
    first = document_suggestions(document=new_document, model=trained, user=annotator)[0]
    debate.suggestions = SuggestionMode.OFF
    debate.save()

    with pytest.raises(PermissionDenied):
        decide(new_document, annotator, first, "accept")
    assert not Span.objects.filter(annotator=annotator).exists()


def test_a_training_whose_worker_was_lost_is_run_again_and_blocks_nothing(debate, gold_documents):
    from datetime import timedelta

    from django.utils import timezone

    from suggestions.services import SuggestionTrainingBusy

    lost = suggestion_training_request(debate=debate, reason="lost")
    SuggestionTraining.objects.filter(pk=lost.pk).update(
        status="running", started_at=timezone.now()
    )
    waiting = suggestion_training_request(debate=debate, reason="next")

    # While the running one is fresh, the next waits its turn; a redelivery of it does nothing.
    with pytest.raises(SuggestionTrainingBusy):
        suggestion_training_run(training_id=waiting.pk)
    assert suggestion_training_run(training_id=lost.pk) is None

    # Long past the task's time limit, its worker is taken for lost: a redelivery runs it.
    long_ago = timezone.now() - timedelta(minutes=16)
    SuggestionTraining.objects.filter(pk=lost.pk).update(started_at=long_ago)
    outcome = suggestion_training_run(training_id=lost.pk)
    assert (outcome.status, SuggestionModel.objects.get().number) == ("done", 1)
    assert suggestion_training_run(training_id=waiting.pk).reused is True

    # One left running long ago by a lost worker is failed by the next training's claim.
    stuck = suggestion_training_request(debate=debate, reason="stuck")
    SuggestionTraining.objects.filter(pk=stuck.pk).update(status="running", started_at=long_ago)
    after = suggestion_training_request(debate=debate, reason="after")
    with pytest.raises(SuggestionTrainingBusy):
        suggestion_training_run(training_id=after.pk)
    assert SuggestionTraining.objects.values_list("status", "error").get(pk=stuck.pk) == (
        "failed",
        "Its worker was lost.",
    )
    assert suggestion_training_run(training_id=after.pk).reused is True
