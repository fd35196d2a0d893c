"""The annotator's workflow through the API: queue, work in progress, submit."""

from annotations.models import Assignment, Span
from debate.models import Document
from tests.factories import AssignmentFactory, DocumentFactory
from tests.scenes import etag

# Every test starts from the same world: it is built once for the module (tests/api/conftest.py).
ONE_WORLD_PER_MODULE = True


def submit(world, who: str = "ann"):
    return world.client(who).post(f"/api/v1/documents/{world.document.pk}/submit/")


def test_first_write_marks_the_document_and_the_assignment_as_in_progress(db, world):
    document = DocumentFactory(debate=world.debate, text="Fresh text on scanning.")
    assignment = AssignmentFactory(document=document, annotator=world.users["ann"])
    assert (document.status, assignment.status) == ("new", "assigned")

    response = world.client("ann").post(
        f"/api/v1/documents/{document.pk}/spans/",
        {"start": 0, "end": 5, "quote": "Fresh", "stance": "pro", "role": "claim"},
        format="json",
    )

    assert response.status_code == 201
    document.refresh_from_db()
    assignment.refresh_from_db()
    assert (document.status, assignment.status) == ("annotating", "in_progress")


def test_writing_an_unassigned_document_assigns_it(world):
    document = DocumentFactory(debate=world.debate, text="Fresh text on scanning.")
    world.client("ann").post(
        f"/api/v1/documents/{document.pk}/spans/",
        {"start": 0, "end": 5, "quote": "Fresh", "stance": "pro", "role": "claim"},
        format="json",
    )
    assert Assignment.objects.get(document=document).status == "in_progress"
    assert world.client("ann").get(f"/api/v1/documents/{document.pk}/").json()["my_status"] == (
        "in_progress"
    )


def test_submit_is_idempotent(world):
    first = submit(world)
    second = submit(world)
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json() == second.json()
    assert first.json()["status"] == "submitted"
    assert first.json()["annotator"] == "ann"
    assert first.json()["submitted_at"] is not None


def test_a_submitted_layer_is_final(world):
    submit(world)
    client = world.client("ann")
    span = world.span_ann
    refused = [
        client.post(
            f"/api/v1/documents/{world.document.pk}/spans/", world.span_payload(), format="json"
        ),
        client.patch(f"/api/v1/spans/{span.pk}/", {"note": "late"}, HTTP_IF_MATCH=etag(span)),
        client.delete(f"/api/v1/spans/{span.pk}/", HTTP_IF_MATCH=etag(span)),
        client.post(
            f"/api/v1/documents/{world.document.pk}/relations/",
            {"source": span.pk, "target": world.span_ann_b.pk, "type": "supports"},
            format="json",
        ),
    ]
    assert [response.status_code for response in refused] == [409, 409, 409, 409]
    assert refused[0].json() == {
        "detail": "You submitted this document; your layer of it is final."
    }
    assert Span.objects.filter(annotator=world.users["ann"]).count() == 2
    # Other layers are not affected.
    ann2 = world.client("ann2").post(
        f"/api/v1/documents/{world.document.pk}/spans/", world.span_payload(), format="json"
    )
    assert ann2.status_code == 201


def test_document_is_ready_for_review_once_enough_annotators_submitted(world):
    submit(world, "ann")
    assert Document.objects.get(pk=world.document.pk).status == "annotating"
    submit(world, "ann2")
    assert Document.objects.get(pk=world.document.pk).status == "ready_for_review"
    assert world.client("rev").get(f"/api/v1/documents/{world.document.pk}/").json()["status"] == (
        "ready_for_review"
    )


def test_queue_gives_work_in_progress_first_then_assigned_then_nothing(world):
    later = DocumentFactory(debate=world.debate, text="Later article.")
    AssignmentFactory(document=later, annotator=world.users["ann"])
    url = "/api/v1/debates/encryption/queue/next/"
    client = world.client("ann")

    # The world's document is in progress (ann has spans in it); the later one only assigned.
    first = client.get(url)
    assert (first.status_code, first.json()["id"], first.json()["my_status"]) == (
        200,
        world.document.pk,
        "in_progress",
    )
    assert "text" not in first.json()

    submit(world)
    second = client.get(url)
    assert (second.json()["id"], second.json()["my_status"]) == (later.pk, "assigned")

    client.post(f"/api/v1/documents/{later.pk}/submit/")
    nothing = client.get(url)
    assert (nothing.status_code, nothing.content) == (204, b"")
