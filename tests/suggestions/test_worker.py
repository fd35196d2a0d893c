"""Training the suggestion model in a real Celery worker process on Redis."""

import time

import pytest

from suggestions.models import SuggestionModel, SuggestionTraining
from suggestions.services import suggestion_training_request
from tests.suggestions.seed import seed_gold

pytestmark = pytest.mark.celery_worker


def test_a_worker_trains_the_model_requested_after_commit(celery_worker, debate, settings):
    settings.SUGGESTIONS_MIN_DOCUMENTS = 20
    seed_gold(debate, documents=20)

    training = suggestion_training_request(debate=debate, reason="asked in a test")

    deadline = time.monotonic() + 120
    while SuggestionTraining.objects.get(pk=training.pk).status in ("queued", "running"):
        assert time.monotonic() < deadline, (
            f"no training; worker log:\n{celery_worker.log()[-3000:]}"
        )
        time.sleep(0.3)
    training.refresh_from_db()
    model = SuggestionModel.objects.get()
    assert (training.status, training.model_id, training.error) == ("done", model.pk, "")
    assert training.worker.startswith(celery_worker.name + ":")
    assert (model.number, model.document_count) == (1, 20)
    report = model.report
    assert (report["documents"], report["folds"]) == (20, 5)
    assert (
        report["true_positives"] + report["false_negatives"]
        == report["gold_spans"]
        == model.span_count
    )
