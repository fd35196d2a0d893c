"""The bulk document import when the database refuses or is lost part way.

A batch the database refuses leaves none of its rows and is written again one document at a
time; a database lost part way keeps the committed batches, and both answers say so.
"""

import json

from django.db import IntegrityError, OperationalError

import debate.imports.services as import_services
from debate.models import Document
from debate.selectors import documents_held
from debate.services import DocumentInput, document_create

URL = "/api/v1/debates/encryption/documents/import/"


def _problem(status="rejected", *, reason, field=None, file=None, line=None, index=None, doc=None):
    return {
        "status": status,
        "file": file,
        "line": line,
        "index": index,
        "field": field,
        "reason": reason,
        "document": doc,
    }


def _ndjson(response) -> list[dict]:
    assert response["Content-Type"] == "application/x-ndjson"
    return [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]


def test_a_batch_the_database_refuses_is_written_again_one_document_at_a_time(world, monkeypatch):
    """Another import stored one of the texts after this one's duplicate check read."""
    racing = "Stored meanwhile by another import."
    taken = {}
    taken["doc"], _ = document_create(debate=world.debate, data=DocumentInput(text=racing))
    calls = []

    def checked_before_the_other_import(*, debate, hashes):
        # The batch's check misses the other import's row; the later ones see it.
        calls.append(hashes)
        return {} if len(calls) == 1 else documents_held(debate=debate, hashes=hashes)

    monkeypatch.setattr(import_services, "documents_held", checked_before_the_other_import)
    before = Document.objects.count()

    response = world.client("man").post(
        URL, [{"text": "Before."}, {"text": racing}, {"text": "After."}], format="json"
    )

    assert response.status_code == 200
    assert response.json() == {
        "read": 3,
        "imported": 2,
        "skipped": 1,
        "rejected": 0,
        "problems": [
            _problem(
                "skipped", index=1, reason="the debate already holds this text", doc=taken["doc"].pk
            )
        ],
    }
    assert Document.objects.count() == before + 2
    assert Document.objects.filter(text=racing).count() == 1


def test_a_batch_that_fails_after_its_insert_leaves_none_of_its_rows(world, monkeypatch):
    real_insert = import_services.insert_rows
    calls = []

    def insert_then_fail(model, rows):
        real_insert(model, rows)
        calls.append(Document.objects.filter(text__startswith="Row ").count())
        if len(calls) == 1:
            raise IntegrityError("simulated failure after the rows were written")

    monkeypatch.setattr(import_services, "insert_rows", insert_then_fail)
    before = Document.objects.count()

    response = world.client("man").post(
        URL, [{"text": f"Row {number}."} for number in range(5)], format="json"
    )

    # The five rows were written, then rolled back with their batch; written again one by
    # one they are all new, so none was left behind by the failed insert.
    assert calls == [5]
    assert response.json()["imported"] == 5
    assert response.json()["problems"] == []
    assert Document.objects.count() == before + 5


def _lose_the_database_at_the_second_batch(monkeypatch):
    real_insert = import_services.insert_rows
    calls = []

    def insert(model, rows):
        calls.append(1)
        if len(calls) == 2:
            raise OperationalError("terminating connection due to administrator command")
        real_insert(model, rows)

    monkeypatch.setattr(import_services, "insert_rows", insert)


def test_a_database_lost_part_way_keeps_the_committed_batches_and_says_so(world, monkeypatch):
    _lose_the_database_at_the_second_batch(monkeypatch)
    before = Document.objects.count()

    response = world.client("man").post(
        URL, [{"text": f"Item {number}."} for number in range(1500)], format="json"
    )

    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    body = response.json()
    assert (body["read"], body["imported"], body["skipped"], body["rejected"]) == (1000, 1000, 0, 0)
    assert Document.objects.count() == before + 1000


def test_the_progress_stream_ends_with_the_error_and_the_committed_counts(world, monkeypatch):
    _lose_the_database_at_the_second_batch(monkeypatch)

    response = world.client("man").post(
        f"{URL}?progress=ndjson",
        [{"text": f"Item {number}."} for number in range(1500)],
        format="json",
    )

    events = _ndjson(response)
    assert [event["event"] for event in events] == ["progress", "error"]
    assert events[-1]["imported"] == 1000
    assert events[-1]["detail"].startswith("The database was lost part way;")
    assert Document.objects.filter(text__startswith="Item ").count() == 1000
