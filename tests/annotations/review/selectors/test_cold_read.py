"""A cold read of a large debate: counted at once by quick_tally, its rows kept by a task."""

import os
import subprocess
import sys

import pytest
from django.core.cache import cache

from annotations.models import DebateAgreementTotal, DocumentAgreement
from annotations.review.agreement.quick import columns_from_rows, quick_tally
from annotations.review.selectors import tallies
from annotations.review.selectors.layers import annotated_rows, layer_columns
from annotations.services import SpanInput, document_submit, span_create
from tests.annotations.review.agreement.test_quick import counts
from tests.annotations.review.selectors.test_tallies import full_count, kept, revisions


def cold(debate):
    DocumentAgreement.objects.filter(debate=debate).delete()
    DebateAgreementTotal.objects.filter(debate=debate).delete()


@pytest.fixture
def fills(monkeypatch):
    """Record the rows kept when the fill task runs (eagerly, in tests), and let it run."""
    seen = []
    fill = tallies.debate_tally_fill

    def recorded(*, debate_id):
        seen.append(DocumentAgreement.objects.filter(debate_id=debate_id).count())
        fill(debate_id=debate_id)

    monkeypatch.setattr(tallies, "debate_tally_fill", recorded)
    return seen


def test_every_process_knows_the_fill_task_by_name():
    """The web process sends it by name: registered as the apps load, whatever imported what,
    with the settings' reliability for every task."""
    found = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from config.celery import app; "
            f"task = app.tasks[{tallies.FILL_TASK!r}]; "
            "print(task.acks_late, task.reject_on_worker_lost, task.time_limit)",
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
    )
    # Known by name, acknowledged late, given back if its worker dies, limited in time (the
    # settings' for every task).
    assert found.stdout.strip().splitlines()[-1] == "True True 1800"


def test_layer_columns_read_what_annotated_rows_reads(world):
    debate = world["debate"]
    ids = [document.pk for document in world["documents"]]
    columns = layer_columns(debate=debate, document_ids=ids)
    rows = annotated_rows(debate=debate, document_ids=ids)
    assert [document[:3] for document in columns.documents] == [row[:3] for row in rows]
    assert columns.span_id.size == sum(len(row[3]) for row in rows) > 0
    assert sorted(columns.relations) == [row[0] for row in rows if row[4]]
    assert counts(quick_tally(columns)) == counts(quick_tally(columns_from_rows(rows)))
    # A document of the debate that is not compared (one layer), and one unknown: nothing.
    assert layer_columns(debate=debate, document_ids=[ids[5], 10**9]).span_id.size == 0


def test_a_label_outside_the_scheme_is_read_as_itself(world):
    debate = world["debate"]
    ids = [document.pk for document in world["documents"]]
    debate.scheme = {**debate.scheme, "stances": debate.scheme["stances"][:1]}
    debate.save(update_fields=["scheme"])
    columns = layer_columns(debate=debate, document_ids=ids)
    # The scheme's one stance first, then the others spans hold, in order.
    assert columns.values["stance"] == [debate.scheme["stances"][0]["key"], "contra", "neutral"]
    rows = annotated_rows(debate=debate, document_ids=ids)
    assert counts(quick_tally(columns)) == counts(quick_tally(columns_from_rows(rows)))


def test_a_cold_read_counts_at_once_and_a_task_keeps_every_row(world, settings, fills):
    debate = world["debate"]
    settings.AGREEMENT_QUICK_FROM = 2
    expected = full_count(debate)
    cold(debate)
    assert kept(debate) == expected
    # The figures came before any row: the task found none, then kept all seven.
    assert fills == [0]
    assert len(revisions(debate)) == 7
    assert cache.get(tallies._fill_key(debate.pk)) is None
    # The rows are kept: the next read counts nothing at once and asks for no task.
    assert kept(debate) == expected
    assert fills == [0]


def test_a_cold_read_below_the_threshold_counts_its_rows_itself(world, settings, fills):
    debate = world["debate"]
    settings.AGREEMENT_QUICK_FROM = 8
    cold(debate)
    assert kept(debate) == full_count(debate)
    assert fills == []
    assert len(revisions(debate)) == 7


def test_a_fill_already_asked_for_is_not_asked_again(world, settings, fills):
    debate = world["debate"]
    settings.AGREEMENT_QUICK_FROM = 2
    cache.set(tallies._fill_key(debate.pk), True, 60)
    try:
        cold(debate)
        assert kept(debate) == full_count(debate)
        assert fills == []
        assert revisions(debate) == {}
    finally:
        cache.delete(tallies._fill_key(debate.pk))


def test_a_new_span_after_a_cold_read_is_in_the_next_figures(world, settings, fills):
    debate, document, annotator = world["debate"], world["documents"][7], world["annotators"][2]
    settings.AGREEMENT_QUICK_FROM = 2
    cold(debate)
    kept(debate)
    span_create(
        document=document,
        annotator=annotator,
        by=annotator,
        data=SpanInput(start=0, end=4, quote=document.text[:4], stance="pro", role="claim"),
    )
    document_submit(document=document, annotator=annotator)
    assert kept(debate) == full_count(debate)
    assert len(revisions(debate)) == 7
